"""`flask casework demo`: a believable office for trying Casework (never in production)."""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from dataclasses import replace

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from casework.accounts.models import User
from casework.database import office_today
from casework.extensions import db


def database_has_users() -> bool:
    return db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() > 0


# One believable year at the public scale (DESIGN.md §1): thousands of complaints, about 425
# NPM visits with over 3,000 violations, hundreds of parole petitions.
YEAR_CASES = 2000
YEAR_VISITS = 425


def load_demo_office(*, seed: int = 2026, case_count: int = 500, visit_count: int = 0
                     ) -> Counter:
    """Create the demo office in the current transaction and say what was made.

    Accounts and reference data are created only where missing, so running it again adds
    cases (and visits) but never duplicates people's accounts, facilities, categories or NPM
    participants. Without `visit_count` no visits are made: the smaller demos of the tests.
    """
    from casework.demo.cases import Office, make_cases, write_histories
    from casework.demo.letters import make_letters
    from casework.demo.office import (
        PeopleMaker,
        complained_of,
        ensure_authorities_and_facilities,
        ensure_categories,
        ensure_users,
    )
    from casework.demo.recommendations import make_recommendations
    from casework.demo.year import begin_year, finish_year
    from casework.workdays import WorkingCalendar

    rng = random.Random(seed)  # reproducible demo data, not secrets
    users = ensure_users()
    categories = ensure_categories()
    authorities, facilities = ensure_authorities_and_facilities()
    office = Office(
        rng=rng, users=users, categories=categories, authorities=authorities,
        facilities=complained_of(facilities), people=PeopleMaker(rng),
        calendar=WorkingCalendar.load(),
        today=office_today(),
    )
    stories = make_cases(office, case_count)
    # The year draws from its own generator: the complaints' recommendations and letters are
    # drawn as they were before the year was added.
    year_rng = random.Random(f"{seed}-year")
    year_office = replace(office, rng=year_rng, people=PeopleMaker(year_rng))
    year = begin_year(year_office, stories, facilities, visit_count)
    recommendations = make_recommendations(office, stories)
    year_made = finish_year(year_office, year, stories, recommendations)
    write_histories(stories)
    db.session.flush()
    # Last: the letter services date everything today, after every other demo event.
    letters = make_letters(office, stories, recommendations)
    cases = [story.case for story in stories]
    return Counter(
        users=len(users), facilities=len(facilities), authorities=len(authorities),
        categories=len(categories), cases=len(cases),
        people=len({p.person_id for c in cases for p in c.parties}),
        recommendations=len(recommendations) + year_made["recommendations from visits"],
        **year_made,
        **{name: letters[name] for name in ("letters", "signed", "sent", "replies",
                                             "corrections")},
    )


def print_demo_accounts() -> None:
    from casework.demo.office import DEMO_ACCOUNTS

    click.echo("\nDemo accounts (unless their passwords were changed since):")
    for account in DEMO_ACCOUNTS:
        region = f", {account.region.value}" if account.region else ""
        click.echo(
            f"  {account.email:<38} {account.password:<24} {account.role.value}{region}"
        )
    click.echo("")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--seed", default=2026, show_default=True, help="Random seed.")
@click.option("--cases", "case_count", default=YEAR_CASES, show_default=True,
              help="Number of cases.")
@click.option("--visits", "visit_count", type=int, default=None,
              help=f"Number of NPM visits [default: {YEAR_VISITS} per {YEAR_CASES} cases].")
@with_appcontext
def load_demo(if_empty: bool, seed: int, case_count: int, visit_count: int | None) -> None:
    """Load a believable demo office: accounts, facilities, categories, a year of cases, NPM
    visits and their findings, recommendations, court proceedings and letters."""
    if os.environ.get("CASEWORK_ENV") == "production":
        # Published passwords on a live system would be an open door.
        raise click.ClickException("Demo data is not for production.")
    if if_empty and database_has_users():
        click.echo("The database already has users: demo data not loaded.")
    else:
        started = time.perf_counter()
        if visit_count is None:
            visit_count = round(case_count * YEAR_VISITS / YEAR_CASES)
        made = load_demo_office(seed=seed, case_count=case_count, visit_count=visit_count)
        db.session.commit()
        summary = ", ".join(f"{count} {name}" for name, count in made.items())
        click.echo(f"Demo office loaded in {time.perf_counter() - started:.1f} s: {summary}.")
    print_demo_accounts()
