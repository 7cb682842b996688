"""The case pages at ten years' scale: builds an office with N cases, then times the case
list, My work and the case page through the application's own queries and over HTTP.

    .venv/bin/python -m bench.case_pages --cases 50000 [--database-url URL]

Without a URL the database is a new SQLite file in a temporary directory; a given database
is emptied first (drop_all, create_all). Figures measured so far are in bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework import create_app
from casework.accounts.models import User
from casework.accounts.passwords import hash_password
from casework.accounts.roles import Role
from casework.cases import deadlines, queries
from casework.cases.deadlines import add_months
from casework.cases.lifecycle import AWAITING_DECISION, CaseStatus, Outcome
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseKind,
    CaseParty,
    CaseTask,
    DeadlineExtension,
    Event,
    EventKind,
    Note,
    PartyRole,
    TaskKind,
    case_categories,
)
from casework.cases.my_work import my_work
from casework.database import office_today
from casework.demo import data
from casework.demo.office import (
    ensure_authorities_and_facilities,
    ensure_categories,
    random_iin,
    random_name,
)
from casework.extensions import db
from casework.numbering import ReferenceCounter
from casework.people.models import Person, Sex, name_search_key
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar
from config import Config

YEARS = 10
CHUNK = 5000  # cases generated and inserted per transaction
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away database
TEXT_QUERY = "медицинской"  # in about one summary in twenty
STAFF = (  # key, role, region: about ten people share the whole ten years
    ("supervisor", Role.SUPERVISOR, None),
    ("supervisor_karaganda", Role.SUPERVISOR, Region.KARAGANDA),
    *((f"caseworker{n}", Role.CASEWORKER, None) for n in range(1, 5)),
    ("caseworker_karaganda", Role.CASEWORKER, Region.KARAGANDA),
    ("lawyer1", Role.LAWYER, None),
    ("lawyer2", Role.LAWYER, None),
    ("admin", Role.ADMIN, None),
)
CENTRAL_CASEWORKERS = [f"caseworker{n}" for n in range(1, 5)]
# What has become of a case by its age in days: old ones are closed, a few stay in follow-up.
CLOSED_OLD = {"not_admissible": 20, "referred_out": 16, "no_violation": 26, "resolved": 20,
              "partially_resolved": 10, "not_resolved": 6}
FATE_BY_AGE: tuple[tuple[float, dict[str, float]], ...] = (
    (3, {"registered": 60, "triage": 30, "investigation": 10}),
    (21, {"registered": 5, "triage": 20, "investigation": 55, "not_admissible": 10,
          "referred_out": 10}),
    (90, {"triage": 2, "investigation": 25, "recommendation": 15, "follow_up": 18,
          "not_admissible": 12, "referred_out": 10, "no_violation": 13, "resolved": 5}),
    (365, {"investigation": 1, "recommendation": 2, "follow_up": 12, **CLOSED_OLD}),
    (math.inf, {"investigation": 0.1, "follow_up": 1.5, **CLOSED_OLD}),
)
OPEN_PATH = tuple(CaseStatus)[:5]  # registered … follow-up, in lifecycle order
STEPS_BEFORE_CLOSING = {Outcome.NOT_ADMISSIBLE: 2, Outcome.REFERRED_OUT: 2,
                        Outcome.NO_VIOLATION: 3}  # otherwise all five


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Office:
    """The reference data cases point to, and the counters that keep them consistent."""

    rng: random.Random
    today: date
    calendar: WorkingCalendar
    staff: dict[str, User]
    facilities: list[tuple[int, Region, str]]
    categories: list[tuple[int, str]]
    authority_ids: list[int]
    numbers: Counter[int] = field(default_factory=Counter)
    people: list[int] = field(default_factory=list)
    iins: set[str] = field(default_factory=set)
    _due: dict[date, date] = field(default_factory=dict)

    def decision_due(self, registered_on: date) -> date:
        if registered_on not in self._due:  # the application's rule; ~2,500 distinct days
            self._due[registered_on] = deadlines.decision_due(registered_on, self.calendar)
        return self._due[registered_on]

    def moment(self, day: date) -> datetime:
        """Office hours in Almaty, in UTC."""
        return datetime(day.year, day.month, day.day, 3 + self.rng.randrange(9),
                        self.rng.randrange(60), tzinfo=UTC)

    def person(self, rows: Rows, day: date) -> int:
        """A new person, or now and then one who complained before."""
        if self.people and self.rng.random() < 0.08:
            return self.rng.choice(self.people[-5000:])
        sex = Sex.MALE if self.rng.random() < 0.8 else Sex.FEMALE
        birth = day - timedelta(days=self.rng.randint(18 * 365, 70 * 365))
        name = random_name(self.rng, sex)
        self.people.append(len(self.people) + 1)
        rows.add(Person, id=len(self.people), full_name=name, name_key=name_search_key(name),
                 iin=random_iin(self.rng, birth, sex, self.iins), birth_date=birth, sex=sex)
        return len(self.people)


class Rows(dict[sa.Table, list[dict[str, Any]]]):
    def add(self, model: Any, **row: Any) -> None:
        self.setdefault(getattr(model, "__table__", model), []).append(row)

    def insert(self) -> None:
        """Bulk inserts in foreign-key order, in one transaction."""
        for table in db.metadata.sorted_tables:
            if self.get(table):
                db.session.execute(sa.insert(table), self[table])
        db.session.commit()


def make_case(office: Office, case_id: int, registered_on: date, rows: Rows,
              long_timeline: bool = False) -> None:
    rng, age = office.rng, (office.today - registered_on).days
    fate = "follow_up" if long_timeline else _pick(
        rng, next(w for limit, w in FATE_BY_AGE if age < limit))
    outcome = Outcome(fate) if fate in CLOSED_OLD else None
    status = CaseStatus.CLOSED if outcome else CaseStatus(fate)
    path = [*OPEN_PATH[:STEPS_BEFORE_CLOSING.get(outcome, 5)], status] if outcome else list(
        OPEN_PATH[:OPEN_PATH.index(status) + 1])
    span = min(age, rng.randint(5, 150)) if outcome else age
    step_days = [registered_on, *sorted(registered_on + timedelta(days=rng.randint(0, span))
                                        for _ in path[1:])]
    facility_id, region, facility_name = rng.choice(office.facilities) if rng.random() < 0.9 \
        else (None, rng.choice(list(Region)), "учреждение не указано")
    cats = rng.sample(office.categories, k=rng.choice([1, 1, 1, 1, 1, 1, 2, 2, 2, 3]))
    office.numbers[registered_on.year] += 1
    reference = f"{registered_on.year}-{office.numbers[registered_on.year]:05d}"
    caseworker = office.staff["caseworker_karaganda" if region is Region.KARAGANDA
                              else rng.choice(CENTRAL_CASEWORKERS)]
    supervisor = office.staff["supervisor_karaganda" if region is Region.KARAGANDA
                              else "supervisor"]
    due = office.decision_due(registered_on)
    is_urgent = cats[0][1] in ("torture", "death_in_custody", "medical_care") \
        and rng.random() < 0.3
    first_action_due = deadlines.first_action_due(registered_on, office.calendar) \
        if is_urgent else None
    registered_at = office.moment(registered_on)
    channel = _pick(rng, data.CHANNELS)
    events = [(registered_at, EventKind.REGISTERED, supervisor, {"reference": reference})]
    assignees = [] if status is CaseStatus.REGISTERED and rng.random() < 0.5 else [
        (caseworker, AssignmentRole.CASEWORKER)] + (
        [(office.staff[rng.choice(["lawyer1", "lawyer2"])], AssignmentRole.LAWYER)]
        if rng.random() < 0.25 else [])
    for user, role in assignees:
        rows.add(CaseAssignment, case_id=case_id, user_id=user.id, role=role,
                 assigned_at=registered_at + timedelta(hours=2))
        events.append((registered_at + timedelta(hours=2), EventKind.ASSIGNED, supervisor,
                       {"user": user.full_name, "role": role.value}))
    for before, after, day in zip(path, path[1:], step_days[1:], strict=False):
        change = {"from": before.value, "to": after.value}
        if after is CaseStatus.CLOSED:
            change |= {"outcome": outcome.value, "reason": data.REASONS["close"]}
        events.append((office.moment(day), EventKind.TRANSITION, caseworker, change))
    if age > 10 and rng.random() < (0.5 if status in AWAITING_DECISION else 0.04):
        due = _extend(office, rows, case_id, registered_on, due, supervisor, status, events)
    for n in range(rng.choice([0, 0, 1, 1, 2]) + (50 if long_timeline else 0)):
        day = registered_on + timedelta(days=rng.randint(0, span))
        rows.add(Note, case_id=case_id, author_id=caseworker.id,
                 body=data.NOTES[n % len(data.NOTES)], created_at=office.moment(day))
        events.append((office.moment(day), EventKind.NOTE_ADDED, caseworker, {}))
    for n in range(300 if long_timeline else 0):  # a case followed for years
        day = registered_on + timedelta(days=n * age // 300)
        events.append((office.moment(day), EventKind.EDITED, caseworker,
                       {"fields": ["summary", "description"][: 1 + n % 2]}))
    for at, kind, actor, details in sorted(events, key=lambda e: e[0]):
        rows.add(Event, case_id=case_id, kind=kind, actor_id=actor.id, at=at, data=details)
    roles = [PartyRole.COMPLAINANT] + ([PartyRole.VICTIM] if rng.random() < 0.5 else [])
    for index, role in enumerate(roles * (3 if long_timeline else 1), start=1):
        rows.add(CaseParty, case_id=case_id, person_id=office.person(rows, registered_on),
                 role=role, consents_to_disclosure=rng.random() < 0.6, consent_scope="",
                 is_reprisal_risk=rng.random() < 0.1, pseudonym_index=index)
    for category_id, _code in cats:
        rows.add(case_categories, case_id=case_id, category_id=category_id)
    summary = rng.choice(data.SUMMARIES[cats[0][1]]).format(facility=facility_name)[:300]
    closed_on = step_days[-1] if outcome else None
    rows.add(
        Case, id=case_id, reference=reference, channel=channel,
        kind=CaseKind.NPM_FINDING if channel.value == "npm_visit" else CaseKind.COMPLAINT,
        received_on=registered_on - timedelta(days=rng.choice([0, 0, 0, 1, 2, 3])),
        registered_on=registered_on, summary=summary, description=f"{summary}. Просит проверки.",
        is_urgent=is_urgent, is_anonymous=rng.random() < 0.03, facility_id=facility_id,
        region=region, status=status, outcome=outcome, closed_on=closed_on,
        referred_to_id=rng.choice(office.authority_ids)
        if outcome is Outcome.REFERRED_OUT else None,
        decision_due=due, first_action_due=first_action_due,
        first_action_on=first_action_due if is_urgent and age > 1 else None,
        created_by_id=supervisor.id, created_at=registered_at,
        updated_at=max(e[0] for e in events),
    )


def _extend(office: Office, rows: Rows, case_id: int, registered_on: date, due: date,
            supervisor: User, status: CaseStatus, events: list) -> date:
    """A reasoned extension, and the notice to the complainant it requires (maybe not sent)."""
    rng = office.rng
    extended_on = min(office.today, registered_on + timedelta(days=rng.randint(8, 14)))
    new_due = add_months(due, rng.choice([1, 2]))
    extended_at = office.moment(extended_on)
    rows.add(DeadlineExtension, case_id=case_id, previous_due=due, new_due=new_due,
             ground=rng.choice(data.EXTENSION_GROUNDS), extended_by_id=supervisor.id,
             extended_at=extended_at)
    is_pending = status is not CaseStatus.CLOSED and rng.random() < 0.2
    rows.add(CaseTask, case_id=case_id, kind=TaskKind.NOTIFY_EXTENSION,
             due_on=extended_on + timedelta(days=4),
             done_at=None if is_pending else extended_at + timedelta(days=1),
             done_by_id=None if is_pending else supervisor.id)
    events.append((extended_at, EventKind.DEADLINE_EXTENDED, supervisor,
                   {"from": due.isoformat(), "to": new_due.isoformat()}))
    return new_due


# -- building the database --------------------------------------------------------------------


def bench_app(database_url: str, storage: str) -> Flask:
    class BenchConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url
        STORAGE_DIR = storage
        WTF_CSRF_ENABLED = False  # a speed test, not a security test
        RATELIMIT_ENABLED = False
        PASSWORD_HASH_FAST = True

    return create_app(BenchConfig)


def make_office(seed: int) -> Office:
    """Staff and reference data, created through the models (they are few)."""
    staff = {}
    for key, role, region in STAFF:
        user = User(email=f"{key}@bench.test", full_name=f"{key.replace('_', ' ').title()}",
                    password_hash=hash_password(PASSWORD), region=region, session_token=key)
        user.roles = {role}
        db.session.add(user)
        staff[key] = user
    categories = ensure_categories()
    authorities, facilities = ensure_authorities_and_facilities()
    db.session.commit()
    return Office(
        rng=random.Random(seed), today=office_today(), calendar=WorkingCalendar.load(),
        staff=staff, facilities=[(f.id, f.region, f.name) for f in facilities],
        categories=[(c.id, c.code) for c in categories.values()],
        authority_ids=[a.id for a in authorities],
    )


def build(case_count: int, seed: int) -> None:
    db.drop_all()
    db.create_all()
    office = make_office(seed)
    rng, cal = office.rng, office.calendar
    days = []
    for _ in range(case_count):  # registered on working days, evenly over the years
        day = office.today - timedelta(days=rng.randrange(YEARS * 365 + 2))
        while not cal.is_working_day(day):
            day -= timedelta(days=1)
        days.append(day)
    days.sort()
    for start in range(0, case_count, CHUNK):
        rows = Rows()
        for index in range(start, min(case_count, start + CHUNK)):
            make_case(office, index + 1, days[index], rows, index == case_count * 4 // 5)
        rows.insert()
    Rows({ReferenceCounter.__table__: [
        {"kind": "case", "year": year, "value": n} for year, n in office.numbers.items()
    ]}).insert()
    if db.session.get_bind().dialect.name == "postgresql":
        for table in (Case.__table__, Person.__table__):  # ids were given explicitly
            last_id = sa.select(sa.func.max(table.c.id)).scalar_subquery()
            db.session.execute(sa.select(
                sa.func.setval(sa.func.pg_get_serial_sequence(table.name, "id"), last_id)))
        db.session.commit()


def analyze() -> None:
    """Statistics and the visibility map, which autovacuum soon keeps on PostgreSQL after a
    bulk load; SQLite gathers statistics only when asked (the application never asks)."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")


def shape() -> str:
    def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(table).where(*where))

    cases, today = Case.__table__, office_today()
    overdue = count(cases, Case.status.in_(AWAITING_DECISION), Case.decision_due < today)
    return f"{count(cases)} cases, {count(cases, Case.status != CaseStatus.CLOSED)} open, " \
        f"{overdue} overdue; " + ", ".join(
            f"{count(db.metadata.tables[t])} {t}"
            for t in ("people", "case_parties", "case_assignments", "events"))


# -- timing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    user: str  # a key of STAFF
    run: Callable[[User], str]  # calls the application's function, says what it found
    url: str


def _listing(name: str, user: str, url: str, page: int = 1, **filters: Any) -> Scenario:
    def run(reader: User) -> str:
        return f"{queries.list_cases(reader, queries.CaseFilters(**filters), page).total} found"

    return Scenario(name, user, run, url)


def _work(name: str, user: str) -> Scenario:
    def run(reader: User) -> str:
        work = my_work(reader)
        return f"{work.assigned_total} mine, {work.overdue.total} overdue"

    return Scenario(name, user, run, "/")


def scenarios(long_case_id: int) -> list[Scenario]:
    def case_page(reader: User) -> str:
        return f"{len(queries.load_case(long_case_id).events)} events"

    return [
        _listing("list, page 1", "supervisor", "/cases"),
        _listing("list, page 200", "supervisor", "/cases?page=200", page=200),
        _listing("list, status investigation", "supervisor", "/cases?status=investigation",
                 status=CaseStatus.INVESTIGATION),
        _listing("list, status closed", "supervisor", "/cases?status=closed",
                 status=CaseStatus.CLOSED),
        _listing("list, region Karaganda", "supervisor", "/cases?region=karaganda",
                 region=Region.KARAGANDA),
        _listing("list, text in summary", "supervisor", f"/cases?q={TEXT_QUERY}",
                 text=TEXT_QUERY),
        _listing("list, overdue only", "supervisor", "/cases?overdue=y", overdue=True),
        _listing("list, sorted by decision due", "supervisor", "/cases?sort=decision_due",
                 sort="decision_due"),
        _listing("list, regional supervisor", "supervisor_karaganda", "/cases"),
        _listing("list, caseworker", "caseworker1", "/cases"),
        _work("My work, caseworker", "caseworker1"),
        _work("My work, national supervisor", "supervisor"),
        _work("My work, regional supervisor", "supervisor_karaganda"),
        Scenario("case page, long timeline", "supervisor", case_page, f"/cases/{long_case_id}"),
    ]


def summary(samples: list[float]) -> str:
    """Median and 95th percentile (nearest rank) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    return f"{statistics.median(ordered):7.1f} {p95:7.1f}"


class StatementLog:
    """The slowest run of each SQL statement while it listens, to EXPLAIN the slow ones."""

    def __init__(self) -> None:
        self.slowest: dict[str, tuple[float, Any]] = {}

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        context.bench_started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        elapsed = (time.perf_counter() - context.bench_started) * 1000
        if elapsed > self.slowest.get(statement, (0.0, None))[0]:
            self.slowest[statement] = (elapsed, parameters)

    def listen(self, on: bool) -> None:
        for name, handler in (("before_cursor_execute", self.before),
                              ("after_cursor_execute", self.after)):
            (sa.event.listen if on else sa.event.remove)(db.engine, name, handler)


def explain(statement: str, parameters: Any) -> str:
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}",
                                              parameters)
            return "\n".join(row[0] for row in rows)
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "\n".join(f"{row[0]:>4} {row[1]:>4}  {row[3]}" for row in rows)


def time_function(scenario: Scenario, user_id: int, runs: int, warmup: int,
                  log: StatementLog | None) -> tuple[list[float], str]:
    samples, found = [], ""
    for index in range(warmup + runs):
        reader = db.session.get(User, user_id)  # loaded outside the timing
        if log is not None and index == warmup:
            log.listen(True)
        started = time.perf_counter()
        found = scenario.run(reader)
        samples.append((time.perf_counter() - started) * 1000)
        db.session.remove()  # a fresh session each time, as each request has
    if log is not None:
        log.listen(False)
    return samples[warmup:], found


def time_page(client: FlaskClient, url: str, runs: int, warmup: int) -> list[float]:
    samples = []
    for _ in range(warmup + runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples[warmup:]


def signed_in(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": f"{key}@bench.test", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def run_all(app: Flask, runs: int, warmup: int, explain_over: float | None) -> None:
    with app.app_context():
        users = {u.email.split("@")[0]: u.id for u in db.session.scalars(sa.select(User))}
        long_case_id = db.session.scalar(
            sa.select(Event.case_id).group_by(Event.case_id)
            .order_by(sa.func.count().desc()).limit(1))
    clients: dict[str, FlaskClient] = {}
    print(f"{'':32} {'':24} {'function ms':>15}   {'page ms':>15}")
    print(f"{'':32} {'found':24} {'median':>7} {'p95':>7}   {'median':>7} {'p95':>7}")
    for scenario in scenarios(long_case_id):
        log = StatementLog() if explain_over is not None else None
        with app.app_context():
            samples, found = time_function(scenario, users[scenario.user], runs, warmup, log)
        client = clients.get(scenario.user) or clients.setdefault(
            scenario.user, signed_in(app, scenario.user))
        pages = time_page(client, scenario.url, runs, warmup)
        print(f"{scenario.name:32} {found:24} {summary(samples)}   {summary(pages)}", flush=True)
        if log is not None:
            with app.app_context():
                for statement, (ms, parameters) in log.slowest.items():
                    if ms >= explain_over:
                        print(f"\n-- {ms:.1f} ms\n{statement}\n{explain(statement, parameters)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    parser.add_argument("--analyze", action="store_true",
                        help="gather planner statistics on SQLite too (always on PostgreSQL)")
    parser.add_argument("--explain-over", type=float, metavar="MS",
                        help="EXPLAIN every statement slower than MS milliseconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        app = bench_app(args.database_url or f"sqlite:///{tmp}/bench.db", tmp)
        with app.app_context():
            if not args.reuse:
                started = time.perf_counter()
                build(args.cases, args.seed)
                print(f"built in {time.perf_counter() - started:.0f} s")
            if args.analyze or db.engine.dialect.name == "postgresql":
                analyze()
            print(f"{db.engine.url.render_as_string(hide_password=True)}: {shape()}\n")
        run_all(app, args.runs, args.warmup, args.explain_over)
    # Other work on the machine shows in the p95 first.
    print("\nload average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
