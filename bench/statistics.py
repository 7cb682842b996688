"""The statistics at ten years' scale: builds the recommendations benchmark's office (cases
and recommendations), adds ten years of NPM visits, obstruction incidents, violations and
parole decisions at the national rate (DESIGN.md §1), then times each statistics query, the
statistics page, its XLSX export and the annual report's PDF.

    .venv/bin/python -m bench.statistics [--cases 50000] [--database-url URL]

Without a URL the database is a new SQLite file in a temporary directory; a given database
is emptied first (drop_all, create_all). Figures measured so far are in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench import case_pages, recommendations
from bench.case_pages import Rows, signed_in, summary
from casework.accounts.models import User
from casework.cases.models import Case
from casework.courts.models import CourtProceeding, Decision, ProceedingKind
from casework.database import office_today
from casework.extensions import db
from casework.reference.models import Authority, AuthorityType, Category, Facility
from casework.reference.regions import Region
from casework.reports import statistics as stats
from casework.reports.figures import Period
from casework.reports.sections import build_statistics
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Obstruction, ObstructionKind, Visit, VisitStatus, VisitType

YEARS = 10
VISITS_PER_YEAR = 425
VIOLATIONS_PER_VISIT = 7  # about 3,000 a year
PAROLE_PER_YEAR = 10_000
GRANTED, REFUSED = 0.54, 0.36  # the rest postponed
CHUNK = 5000


def add_monitoring_and_courts(seed: int, today: date) -> None:
    """Visits with their obstruction and violations, and parole decisions on the cases,
    spread evenly over the ten years up to `today`; written with bulk INSERTs."""
    import random

    rng = random.Random(seed)
    user_id = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    facilities = db.session.execute(sa.select(Facility.id, Facility.region)).all()
    categories = list(db.session.scalars(sa.select(Category.id)))
    court = Authority(name="Специализированный межрайонный суд", type=AuthorityType.COURT)
    db.session.add(court)
    db.session.commit()
    first_day = today - timedelta(days=YEARS * 365)
    rows = Rows()
    for number in range(1, YEARS * VISITS_PER_YEAR + 1):
        facility_id, region = rng.choice(facilities)
        starts = first_day + timedelta(days=rng.randrange(YEARS * 365))
        rows.add(Visit, id=number, reference=f"NPM-{starts.year}-{number:05d}",
                 facility_id=facility_id, region=region, type=rng.choice(list(VisitType)),
                 is_announced=rng.random() < 0.3,
                 status=VisitStatus.CANCELLED if rng.random() < 0.05 else VisitStatus.COMPLETED,
                 starts_on=starts, ends_on=starts + timedelta(days=rng.choice((0, 1, 2))),
                 leader_id=user_id, created_by_id=user_id)
        for _ in range(rng.choice((0, 0, 0, 0, 0, 1, 1, 2))):
            rows.add(Obstruction, visit_id=number, kind=rng.choice(list(ObstructionKind)),
                     occurred_on=starts, recorded_by_id=user_id)
        for _ in range(rng.randint(VIOLATIONS_PER_VISIT - 4, VIOLATIONS_PER_VISIT + 4)):
            rows.add(Violation, visit_id=number, facility_id=facility_id, region=region,
                     category_id=rng.choice(categories), legal_basis="Mandela r. 42",
                     description="—", found_on=starts,
                     status=rng.choice(list(ViolationStatus)), recorded_by_id=user_id)
    rows.insert()
    cases = db.session.execute(sa.select(Case.id, Case.region)).all()
    for start in range(0, YEARS * PAROLE_PER_YEAR, CHUNK):
        rows = Rows()
        for _ in range(start, min(YEARS * PAROLE_PER_YEAR, start + CHUNK)):
            case_id, region = rng.choice(cases)
            petition = first_day + timedelta(days=rng.randrange(YEARS * 365))
            decided = petition + timedelta(days=rng.randint(20, 90))
            draw = rng.random()
            decision = (Decision.GRANTED if draw < GRANTED else Decision.REFUSED
                        if draw < GRANTED + REFUSED else Decision.POSTPONED)
            pending = decided > today
            rows.add(CourtProceeding, case_id=case_id, region=region, court_id=court.id,
                     kind=ProceedingKind.PAROLE, petition_on=petition,
                     decision=None if pending else decision,
                     decided_on=None if pending else decided, recorded_by_id=user_id)
        rows.insert()
    if db.session.get_bind().dialect.name == "postgresql":  # ids were given explicitly
        table = Visit.__table__
        last_id = sa.select(sa.func.max(table.c.id)).scalar_subquery()
        db.session.execute(sa.select(
            sa.func.setval(sa.func.pg_get_serial_sequence(table.name, "id"), last_id)))
        db.session.commit()


def shape() -> str:
    tables = ("cases", "recommendations", "recommendation_verifications", "visits",
              "visit_obstructions", "violations", "court_proceedings")
    return ", ".join(
        f"{db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[t]))} {t}"
        for t in tables)


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[], Any]


def scenarios(today: date) -> list[Scenario]:
    last_year = Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    ten_years = Period(today - timedelta(days=YEARS * 365), today)
    found = []
    for label, period in (("last year", last_year), ("ten years", ten_years)):
        for region in (None, Region.KARAGANDA):
            where = f"{label}, {region.value if region else 'all regions'}"
            found += [
                Scenario(f"visits by type, {where}", lambda p=period, r=region:
                         stats.visits_by_type(p, r)),
                Scenario(f"visits by region, {where}", lambda p=period, r=region:
                         stats.visits_by_region(p, r)),
                Scenario(f"obstruction, {where}", lambda p=period, r=region:
                         stats.obstruction_by_kind(p, r)),
                Scenario(f"violations by category, {where}", lambda p=period, r=region:
                         stats.violations_by_category(p, r)),
                Scenario(f"violations by facility type, {where}", lambda p=period, r=region:
                         stats.violations_by_facility_type(p, r)),
                Scenario(f"recommendations by authority, {where}", lambda p=period, r=region:
                         stats.recommendations_by_authority(p, r, today=today)),
                Scenario(f"recommendations by type, {where}", lambda p=period, r=region:
                         stats.recommendations_by_authority_type(p, r, today=today)),
                Scenario(f"complaints by category, {where}", lambda p=period, r=region:
                         stats.complaints_by_category(p, r)),
                Scenario(f"complaints by channel, {where}", lambda p=period, r=region:
                         stats.complaints_by_channel(p, r)),
                Scenario(f"complaints by region, {where}", lambda p=period, r=region:
                         stats.complaints_by_region(p, r)),
                Scenario(f"parole decisions, {where}", lambda p=period, r=region:
                         stats.parole_decisions(p, r)),
                Scenario(f"parole by region, {where}", lambda p=period, r=region:
                         stats.parole_by_region(p, r)),
                Scenario(f"ALL TABLES, {where}", lambda p=period, r=region:
                         build_statistics(p, r, today)),
            ]
    return found


def time_functions(app: Flask, runs: int, warmup: int, only: str | None) -> None:
    with app.app_context():
        today = office_today()
        print(f"{'query':62} {'median':>7} {'p95':>7}  ms")
        for scenario in scenarios(today):
            if only and only not in scenario.name:
                continue
            samples = []
            for _ in range(warmup + runs):
                started = time.perf_counter()
                scenario.run()
                samples.append((time.perf_counter() - started) * 1000)
                db.session.remove()  # a fresh session each time, as each request has
            print(f"{scenario.name:62} {summary(samples[warmup:])}", flush=True)


def time_pages(app: Flask, runs: int, warmup: int) -> None:
    client = signed_in(app, "supervisor")
    year = office_today().year
    print(f"\n{'page':62} {'median':>7} {'p95':>7}  ms")
    for name, url, times in (
        ("statistics page, this year", "/statistics", runs),
        ("statistics page, ten years", f"/statistics?start={year - YEARS}-01-01"
         f"&end={year}-12-31", runs),
        ("XLSX export, this year", "/statistics/export.xlsx", runs),
        ("annual report PDF, last year, ru", f"/statistics/annual-report?year={year - 1}"
         "&language=ru", max(3, runs // 4)),
    ):
        samples = []
        for _ in range(warmup + times):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:62} {summary(samples[warmup:])}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--recommendations", type=int, default=50_000)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    parser.add_argument("--analyze", action="store_true",
                        help="gather planner statistics on SQLite too (always on PostgreSQL)")
    parser.add_argument("--only", metavar="TEXT", help="time the queries whose name has TEXT")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        app = case_pages.bench_app(args.database_url or f"sqlite:///{tmp}/bench.db", tmp)
        with app.app_context():
            if not args.reuse:
                started = time.perf_counter()
                recommendations.build(args.recommendations, args.cases, args.seed)
                add_monitoring_and_courts(args.seed, office_today())
                print(f"built in {time.perf_counter() - started:.0f} s")
            if args.analyze or db.engine.dialect.name == "postgresql":
                case_pages.analyze()
            print(f"{db.engine.url.render_as_string(hide_password=True)}: {shape()}\n")
        time_functions(app, args.runs, args.warmup, args.only)
        if not args.only:
            time_pages(app, args.runs, args.warmup)
    print("\nload average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
