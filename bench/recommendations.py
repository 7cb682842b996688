"""The recommendations dashboard and register at ten years' scale: builds the case benchmark's
office with N recommendations on its cases, then times the dashboard, the register and an
export over HTTP, signed in as a supervisor, a region's supervisor and a caseworker.

    .venv/bin/python -m bench.recommendations --recommendations 50000 [--database-url URL]

Without a URL the database is a new SQLite file in a temporary directory; a given database
is emptied first (drop_all, create_all). Figures measured so far are in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from bench import case_pages
from bench.case_pages import PASSWORD, Rows, StatementLog, explain, signed_in, summary
from casework.accounts.models import User
from casework.accounts.passwords import hash_password
from casework.accounts.roles import Role
from casework.cases.deadlines import add_months
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import AssignmentRole, Case, CaseAssignment
from casework.database import office_today
from casework.demo import data
from casework.demo.recommendations import Addressees
from casework.extensions import db
from casework.numbering import ReferenceCounter
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    Priority,
    RecordStatus,
    Response,
)
from casework.recommendations.models import (
    DeadlineChange,
    DeadlineKind,
    Recommendation,
    Reply,
    Verification,
    VerificationMethod,
)
from casework.reference.models import Authority, Category, Facility
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar

CHUNK = 5000  # recommendations inserted per transaction
TEXT_QUERY = "видеонаблюдени"  # in about one text in twelve
Impl = Implementation
WITH_FINDINGS = (Outcome.RESOLVED, Outcome.PARTIALLY_RESOLVED, Outcome.NOT_RESOLVED)
# Regions with a caseworker of their own: they follow up part of their region's items.
REGIONAL_CASEWORKERS = (Region.ALMATY, Region.ALMATY_CITY, Region.ASTANA, Region.SHYMKENT,
                        Region.PAVLODAR, Region.AKTOBE, Region.EAST_KAZAKHSTAN,
                        Region.WEST_KAZAKHSTAN, Region.KOSTANAY, Region.AKMOLA)
RESULTS = {
    Response.ACCEPTED: {Impl.IMPLEMENTED: 14, Impl.PARTIALLY_IMPLEMENTED: 4,
                        Impl.SUPERSEDED: 1, Impl.NOT_IMPLEMENTED: 1},
    Response.PARTIALLY_ACCEPTED: {Impl.PARTIALLY_IMPLEMENTED: 5, Impl.IMPLEMENTED: 2,
                                  Impl.NOT_IMPLEMENTED: 3},
    Response.REJECTED: {Impl.NOT_IMPLEMENTED: 6, Impl.SUPERSEDED: 2,
                        Impl.PARTIALLY_IMPLEMENTED: 2},
}


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class FoundCase:
    """A case of the case benchmark that found a violation: recommendations go on it."""

    id: int
    region: Region
    facility_id: int | None
    registered_on: date
    closed_on: date | None
    status: CaseStatus
    caseworker_id: int


@dataclass
class Office:
    rng: random.Random
    today: date
    calendar: WorkingCalendar
    supervisors: dict[Region | None, int]  # the national one under None
    caseworkers: dict[Region, list[int]]  # regional caseworkers
    categories: dict[str, int]
    facilities: dict[int, Facility]
    addressees: Addressees
    numbers: Counter[int] = field(default_factory=Counter)
    _reply_due: dict[tuple[date, int], date] = field(default_factory=dict)

    def reply_due(self, issued_on: date, authority: Authority) -> date:
        key = (issued_on, authority.response_period_days)
        if key not in self._reply_due:  # the application's rule; ~2,500 distinct days
            self._reply_due[key] = deadlines.reply_due(issued_on, authority, self.calendar)
        return self._reply_due[key]

    def moment(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 3 + self.rng.randrange(9),
                        self.rng.randrange(60), tzinfo=UTC)

    def addressee(self, level: str, case: FoundCase) -> Authority | None:
        facility = self.facilities.get(case.facility_id) if case.facility_id else None
        return self.addressees.for_level(level, facility, case.region)


# -- one recommendation and what happened to it -----------------------------------------------


@dataclass
class Made:
    """A recommendation's row and its replies, verifications and deadline changes."""

    row: dict[str, Any]
    replies: list[dict[str, Any]] = field(default_factory=list)
    verifications: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def issued_on(self) -> date | None:
        return self.row["issued_on"]


def make_recommendation(office: Office, case: FoundCase) -> Made:
    rng, today = office.rng, office.today
    category = rng.choice(list(data.RECOMMENDATION_TEXTS))
    level, scope, _kind, text = rng.choice(data.RECOMMENDATION_TEXTS[category])
    authority = office.addressee(level, case) or office.addressee("prosecutor", case)
    assert authority is not None
    owner = case.caseworker_id
    if case.region in office.caseworkers and rng.random() < 0.3:
        owner = rng.choice(office.caseworkers[case.region])
    supervisor = office.supervisors.get(case.region, office.supervisors[None])
    drafted_on = case.registered_on + timedelta(days=rng.randint(10, 40))
    if case.closed_on:
        drafted_on = min(drafted_on, case.closed_on - timedelta(days=2))
    row = {
        "number": None, "case_id": case.id, "authority_id": authority.id,
        "facility_id": case.facility_id if level == "facility" else None,
        "category_id": office.categories[category], "region": case.region, "text": text,
        "scope": scope,
        "priority": _pick(rng, {Priority.HIGH: 1, Priority.MEDIUM: 3, Priority.LOW: 1}),
        "record_status": RecordStatus.DRAFT, "response": Response.AWAITING,
        "implementation": Impl.NOT_STARTED, "drafted_by_id": case.caseworker_id,
        "owner_id": owner, "issued_by_id": None, "issued_on": None, "reply_due": None,
        "implementation_due": None, "replied_on": None, "closed_on": None,
        "repeat_of_id": None, "follow_up_on": None, "follow_up_note": "", "version": 1,
        "created_at": office.moment(drafted_on), "updated_at": office.moment(drafted_on),
    }
    made = Made(row)
    issued_on = drafted_on + timedelta(days=rng.randint(2, 10))
    if case.closed_on:
        issued_on = min(issued_on, case.closed_on - timedelta(days=1))
    stays_draft = case.status is CaseStatus.RECOMMENDATION and rng.random() < 0.6
    if issued_on < today and not stays_draft:
        _issue(office, made, authority, issued_on, supervisor)
    return made


def _issue(office: Office, made: Made, authority: Authority, issued_on: date,
           supervisor: int) -> None:
    """Issue it, then what followed up to yesterday, in proportions like the demo's."""
    rng, row, last = office.rng, made.row, office.today - timedelta(days=1)
    reply_due = office.reply_due(issued_on, authority)
    implementation_due = add_months(issued_on, _pick(rng, {1: 2, 3: 4, 6: 3, 12: 1}))
    row.update(record_status=RecordStatus.ISSUED, issued_by_id=supervisor, issued_on=issued_on,
               reply_due=reply_due, implementation_due=implementation_due)
    willing = rng.random() < 0.65
    chance = rng.random()
    received_on = (issued_on + timedelta(days=rng.randint(3, (reply_due - issued_on).days))
                   if chance < 0.6 else
                   reply_due + timedelta(days=1 + int(rng.expovariate(1 / 30)))
                   if chance < 0.9 else None)
    response = _pick(rng, {Response.ACCEPTED: 4, Response.PARTIALLY_ACCEPTED: 1} if willing
                     else {Response.REJECTED: 3, Response.PARTIALLY_ACCEPTED: 2})
    if received_on is not None and received_on <= last:
        made.replies.append({
            "received_on": received_on, "register_number": f"12-3/{rng.randint(100, 9999)}",
            "summary": rng.choice(data.REPLY_SUMMARIES[response.value]), "response": response,
            "claimed_implementation": None, "recorded_by_id": row["owner_id"],
            "recorded_at": office.moment(received_on)})
        row.update(response=response, replied_on=received_on)
    if rng.random() < 0.1:
        changed_on = issued_on + timedelta(days=rng.randint(20, 28))
        if changed_on <= last:
            new_due = add_months(implementation_due, rng.randint(1, 3))
            made.changes.append({
                "kind": DeadlineKind.IMPLEMENTATION, "previous_due": implementation_due,
                "new_due": new_due, "reason": rng.choice(data.RECOMMENDATION_DEADLINE_REASONS),
                "changed_by_id": supervisor, "changed_at": office.moment(changed_on)})
            row["implementation_due"] = implementation_due = new_due
    _verify(office, made, implementation_due, response if row["replied_on"] else None, last)
    if rng.random() < 0.03:
        withdrawn_on = issued_on + timedelta(days=rng.randint(10, 150))
        if withdrawn_on <= last and not made.verifications:
            row.update(record_status=RecordStatus.WITHDRAWN)


def _verify(office: Office, made: Made, due: date, response: Response | None,
            last: date) -> None:
    rng, row = office.rng, made.row
    chance = rng.random()
    # A longer tail than the demo's: over ten years some items are left for years.
    verified_on = (due - timedelta(days=rng.randint(0, 30)) if chance < 0.3 else
                   due + timedelta(days=int(rng.expovariate(1 / 45))) if chance < 0.7 else
                   due + timedelta(days=rng.randint(60, 700)))
    verified_on = max(verified_on, row["issued_on"] + timedelta(days=10))
    if rng.random() < 0.3 and (verified_on - row["issued_on"]).days > 30:
        early = verified_on - timedelta(days=rng.randint(10, 30))
        if early <= last:
            _verification(office, made, Impl.IN_PROGRESS, early)
    if verified_on > last:
        return
    result = _pick(rng, RESULTS[response or Response.REJECTED])
    _verification(office, made, result, verified_on)
    closed_on = verified_on + timedelta(days=rng.randint(1, 20))
    if result in FINAL_IMPLEMENTATION and closed_on <= last and rng.random() < 0.9:
        row.update(record_status=RecordStatus.CLOSED, closed_on=closed_on)


def _verification(office: Office, made: Made, result: Implementation, day: date) -> None:
    method = VerificationMethod.FOLLOW_UP_VISIT if office.rng.random() < 0.4 \
        else VerificationMethod.DOCUMENT_REVIEW
    made.verifications.append({
        "result": result, "method": method, "verified_on": day,
        "evidence": office.rng.choice(data.EVIDENCE[result.value]),
        "verified_by_id": made.row["owner_id"], "recorded_at": office.moment(day)})
    made.row.update(implementation=result, updated_at=office.moment(day))


# -- building the database --------------------------------------------------------------------


def add_staff() -> None:
    """A caseworker in each of ten regions, besides the case benchmark's staff."""
    for region in REGIONAL_CASEWORKERS:
        key = f"caseworker_{region.value}"
        user = User(email=f"{key}@bench.test", full_name=key.replace("_", " ").title(),
                    password_hash=hash_password(PASSWORD), region=region, session_token=key)
        user.roles = {Role.CASEWORKER}
        db.session.add(user)
    db.session.commit()


def load_office(seed: int) -> Office:
    users = list(db.session.scalars(sa.select(User)))
    authorities = list(db.session.scalars(sa.select(Authority)))
    supervisors = {u.region: u.id for u in users if u.has_role(Role.SUPERVISOR)}
    caseworkers: dict[Region, list[int]] = {}
    for user in users:
        if user.has_role(Role.CASEWORKER) and user.region is not None:
            caseworkers.setdefault(user.region, []).append(user.id)
    return Office(
        rng=random.Random(seed), today=office_today(), calendar=WorkingCalendar.load(),
        supervisors=supervisors, caseworkers=caseworkers,
        categories={c.code: c.id for c in db.session.scalars(sa.select(Category))},
        facilities={f.id: f for f in db.session.scalars(sa.select(Facility))},
        addressees=Addressees(authorities),
    )


def found_cases() -> list[FoundCase]:
    """Cases at the recommendation stage or later, with their caseworker."""
    rows = db.session.execute(
        sa.select(Case.id, Case.region, Case.facility_id, Case.registered_on, Case.closed_on,
                  Case.status, CaseAssignment.user_id)
        .join(CaseAssignment, sa.and_(CaseAssignment.case_id == Case.id,
                                      CaseAssignment.role == AssignmentRole.CASEWORKER))
        .where(sa.or_(Case.status.in_((CaseStatus.RECOMMENDATION, CaseStatus.FOLLOW_UP)),
                      Case.outcome.in_(WITH_FINDINGS)))
        .order_by(Case.id)
    )
    return [FoundCase(*row) for row in rows]


def make_all(office: Office, cases: list[FoundCase], count: int) -> list[Made]:
    """`count` recommendations spread over the cases, numbered and given ids in issue order."""
    rng = office.rng
    made = [make_recommendation(office, rng.choice(cases)) for _ in range(count)]
    made.sort(key=lambda m: (m.issued_on is None, m.issued_on or office.today))
    latest: dict[tuple[int, int], tuple[date, int, int]] = {}  # issued on, id, case
    for rec_id, recommendation in enumerate(made, start=1):
        row = recommendation.row
        row["id"] = rec_id
        if (issued_on := recommendation.issued_on) is None:
            continue
        office.numbers[issued_on.year] += 1
        row["number"] = f"R-{issued_on.year}-{office.numbers[issued_on.year]:05d}"
        key = (row["facility_id"], row["category_id"])
        previous = latest.get(key)
        if row["facility_id"] is None or (previous and previous[2] == row["case_id"]):
            continue  # services.find_repeat_of, in issue order: another case's finding
        if previous and previous[0] >= add_months(issued_on, -24):
            row["repeat_of_id"] = previous[1]
        latest[key] = (issued_on, rec_id, row["case_id"])
    return made


def chunks(made: list[Made]) -> Iterator[Rows]:
    for start in range(0, len(made), CHUNK):
        rows = Rows()
        for recommendation in made[start:start + CHUNK]:
            rec_id = recommendation.row["id"]
            rows.add(Recommendation, **recommendation.row)
            for model, children in ((Reply, recommendation.replies),
                                    (Verification, recommendation.verifications),
                                    (DeadlineChange, recommendation.changes)):
                for child in children:
                    rows.add(model, recommendation_id=rec_id, **child)
        yield rows


def build(recommendation_count: int, case_count: int, seed: int) -> None:
    case_pages.build(case_count, seed)
    add_staff()
    office = load_office(seed)
    made = make_all(office, found_cases(), recommendation_count)
    for rows in chunks(made):
        rows.insert()
    Rows({ReferenceCounter.__table__: [
        {"kind": "recommendation", "year": year, "value": n}
        for year, n in office.numbers.items()
    ]}).insert()
    if db.session.get_bind().dialect.name == "postgresql":  # ids were given explicitly
        table = Recommendation.__table__
        last_id = sa.select(sa.func.max(table.c.id)).scalar_subquery()
        db.session.execute(sa.select(
            sa.func.setval(sa.func.pg_get_serial_sequence(table.name, "id"), last_id)))
        db.session.commit()


def shape() -> str:
    def count(*where: sa.ColumnElement[bool]) -> int:
        return db.session.scalar(sa.select(sa.func.count(Recommendation.id)).where(*where)) or 0

    today = office_today()
    total, live, overdue = count(), count(Recommendation.record_status == RecordStatus.ISSUED), \
        count(deadlines.overdue(today))
    by_status = ", ".join(f"{count(Recommendation.record_status == s)} {s.value}"
                          for s in RecordStatus)
    tables = ", ".join(
        f"{db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[t]))} {t}"
        for t in ("cases", "recommendation_replies", "recommendation_verifications"))
    return (f"{total} recommendations ({by_status}); {live} live, {overdue} overdue "
            f"({100 * overdue / total:.1f} % of all), {count(deadlines.due_soon(today))} due "
            f"soon, {count(Recommendation.repeat_of_id.is_not(None))} repeat findings; {tables}")


# -- timing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    user: str  # the e-mail's local part
    url: str


def scenarios() -> list[Scenario]:
    """The pages a supervisor opens every morning, with filters the dashboard links to."""
    today = office_today()
    busiest_authority = db.session.scalar(
        sa.select(Recommendation.authority_id).group_by(Recommendation.authority_id)
        .order_by(sa.func.count().desc()).limit(1))

    def register(name: str, user: str = "supervisor", **args: Any) -> Scenario:
        return Scenario(name, user, f"/recommendations?{urlencode(args)}")

    return [
        Scenario("dashboard, national supervisor", "supervisor", "/dashboard"),
        Scenario("dashboard, Karaganda supervisor", "supervisor_karaganda", "/dashboard"),
        Scenario("dashboard, caseworker", "caseworker1", "/dashboard"),
        register("register, unfiltered"),
        register("register, overdue in Almaty region", overdue="any", region="almaty"),
        register("register, busiest authority", authority=busiest_authority),
        register("register, 90+ days overdue", ageing="90+"),
        register("register, due soon", due="soon"),
        register("register, text", q=TEXT_QUERY),
        register("register, by implementation due", sort="implementation_due"),
        register("register, by days overdue", overdue="any", sort="days_overdue"),
        register("register, page 50", page=50),
        register("register, Karaganda supervisor", "supervisor_karaganda"),
        register("register, caseworker", "caseworker1"),
        register("register, caseworker, overdue", "caseworker1", overdue="any"),
        Scenario("XLSX export, overdue", "supervisor",
                 "/recommendations/export.xlsx?overdue=any"),
        Scenario("XLSX export, issued this year", "supervisor",
                 f"/recommendations/export.xlsx?issued_from={today.year}-01-01"),
    ]


def time_page(client: FlaskClient, url: str, runs: int, warmup: int
              ) -> tuple[list[float], int]:
    samples, size = [], 0
    for _ in range(warmup + runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.get_data())
    return samples[warmup:], size


def run_all(app: Flask, runs: int, warmup: int, explain_over: float | None,
            only: str | None = None) -> None:
    with app.app_context():
        plan = [s for s in scenarios() if only is None or only in s.name]
    clients: dict[str, FlaskClient] = {}
    print(f"{'':36} {'page ms':>15}   {'statements':>10}  {'slowest ms':>10}  {'bytes':>9}")
    print(f"{'':36} {'median':>7} {'p95':>7}")
    for scenario in plan:
        client = clients.get(scenario.user) or clients.setdefault(
            scenario.user, signed_in(app, scenario.user))
        log = StatementLog()
        with app.app_context():
            log.listen(True)
            samples, size = time_page(client, scenario.url, runs, warmup)
            log.listen(False)
        slowest = max((ms for ms, _ in log.slowest.values()), default=0.0)
        print(f"{scenario.name:36} {summary(samples)}   {len(log.slowest):>10}  "
              f"{slowest:>10.1f}  {size:>9}", flush=True)
        if explain_over is not None:
            with app.app_context():
                for statement, (ms, parameters) in log.slowest.items():
                    if ms >= explain_over:
                        print(f"\n-- {ms:.1f} ms\n{statement}\n{explain(statement, parameters)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=50_000)
    parser.add_argument("--cases", type=int, help="default: as many as recommendations")
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="time an already built database")
    parser.add_argument("--analyze", action="store_true",
                        help="gather planner statistics on SQLite too (always on PostgreSQL)")
    parser.add_argument("--explain-over", type=float, metavar="MS",
                        help="EXPLAIN every statement slower than MS milliseconds")
    parser.add_argument("--only", metavar="TEXT", help="time the scenarios whose name has TEXT")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        app = case_pages.bench_app(args.database_url or f"sqlite:///{tmp}/bench.db", tmp)
        with app.app_context():
            if not args.reuse:
                started = time.perf_counter()
                build(args.recommendations, args.cases or args.recommendations, args.seed)
                print(f"built in {time.perf_counter() - started:.0f} s")
            if args.analyze or db.engine.dialect.name == "postgresql":
                case_pages.analyze()
            print(f"{db.engine.url.render_as_string(hide_password=True)}: {shape()}\n")
        run_all(app, args.runs, args.warmup, args.explain_over, args.only)
    print("\nload average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
