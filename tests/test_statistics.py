"""The statistics' queries against counts made independently here: a small world of visits,
obstructions, violations, recommendations, complaints and parole decisions in two regions and
two years (random but seeded), counted in Python from the rows, compared with each table for
several periods, with and without a region; then the boundaries, the grant rate, the labels
and the lists behind the figures."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, CaseKind, Channel
from casework.courts.models import CourtProceeding, Decision, ProceedingKind
from casework.extensions import db
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    RecordStatus,
    Response,
)
from casework.recommendations.models import Recommendation, Verification, VerificationMethod
from casework.reference.models import Authority, AuthorityType, Category, Facility, FacilityType
from casework.reference.regions import Region
from casework.reports import statistics as stats
from casework.reports.figures import ListFilter, Period, Row
from casework.reports.sections import build_statistics
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Obstruction, ObstructionKind, Visit, VisitStatus, VisitType
from tests import factories

TODAY = date(2026, 11, 25)
REGIONS = (Region.ASTANA, Region.KARAGANDA)
YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
YEAR_2026 = Period(date(2026, 1, 1), date(2026, 12, 31))
SUMMER_2026 = Period(date(2026, 4, 1), date(2026, 9, 30))
PERIODS = (YEAR_2025, YEAR_2026, SUMMER_2026)
SCOPES = [(period, region) for period in PERIODS for region in (None, *REGIONS)]


@dataclass
class World:
    categories: list[Category]
    authorities: list[Authority]
    facilities: dict[Region, list[Facility]] = field(default_factory=dict)


def _day(rng: random.Random) -> date:
    """A day from 1 December 2024 to 31 December 2026: both years, their edges and beyond."""
    edges = [date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31),
             date(2026, 4, 1), date(2026, 9, 30), date(2026, 10, 1), date(2024, 12, 31)]
    if rng.random() < 0.25:
        return rng.choice(edges)
    return date(2024, 12, 1) + timedelta(days=rng.randrange(761))


@pytest.fixture
def world() -> World:
    rng = random.Random(20261125)
    world = World(
        categories=[factories.make_category(code) for code in ("torture", "medical", "contact")],
        authorities=[factories.make_authority(type=kind) for kind in (
            AuthorityType.MINISTRY, AuthorityType.PROSECUTOR, AuthorityType.PROSECUTOR)],
    )
    monitor = factories.make_user(Role.MONITOR)
    for region in REGIONS:
        world.facilities[region] = [
            factories.make_facility(region, type=FacilityType.PENAL_COLONY),
            factories.make_facility(region, type=FacilityType.PSYCHIATRIC_HOSPITAL),
        ]
    _visits(rng, world, monitor)
    _cases_and_violations(rng, world, monitor)
    _recommendations(rng, world)
    _proceedings(rng)
    db.session.commit()
    return world


def _visits(rng: random.Random, world: World, monitor) -> None:
    for _ in range(40):
        region = rng.choice(REGIONS)
        starts = _day(rng)
        visit = factories.make_visit(
            rng.choice(world.facilities[region]), team=(monitor,), starts_on=starts,
            type=rng.choice(list(VisitType)), status=rng.choice(list(VisitStatus)),
            is_announced=rng.random() < 0.4,
        )
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            db.session.add(Obstruction(
                visit=visit, kind=rng.choice(list(ObstructionKind)), occurred_on=starts,
                recorded_by_id=monitor.id, description="The deputy head refused entry.",
            ))
        if rng.random() < 0.7:
            factories.make_violation(
                visit=visit, category=rng.choice(world.categories), found_on=_day(rng),
                status=rng.choice(list(ViolationStatus)), recorded_by=monitor,
            )
    db.session.flush()


def _cases_and_violations(rng: random.Random, world: World, monitor) -> None:
    for _ in range(50):
        region = rng.choice(REGIONS)
        kind = rng.choice([CaseKind.COMPLAINT] * 3 + [CaseKind.NPM_FINDING,
                                                       CaseKind.PAROLE_FOLLOW_UP])
        case = factories.make_case(
            created_by=monitor, region=region, kind=kind, channel=rng.choice(list(Channel)),
            received_on=_day(rng), facility=rng.choice(world.facilities[region]),
        )
        case.categories = rng.sample(world.categories, rng.choice((0, 1, 1, 2, 3)))
        if rng.random() < 0.3:
            factories.make_violation(
                case=case, category=rng.choice(world.categories), found_on=_day(rng),
                status=rng.choice(list(ViolationStatus)), recorded_by=monitor,
                facility=None if rng.random() < 0.5 else case.facility,
            )
    db.session.flush()


def _recommendations(rng: random.Random, world: World) -> None:
    case = factories.make_case(status=CaseStatus.FOLLOW_UP)
    verifier = factories.make_user(Role.CASEWORKER)
    for _ in range(60):
        status = rng.choice([RecordStatus.ISSUED] * 4 + [RecordStatus.CLOSED,
                                                          RecordStatus.WITHDRAWN,
                                                          RecordStatus.DRAFT])
        issued_on = _day(rng)
        implementation = rng.choice(list(Implementation))
        recommendation = factories.make_recommendation(
            case, record_status=status, issued_on=issued_on, drafted_by=verifier,
            region=rng.choice(REGIONS), authority=rng.choice(world.authorities),
            response=rng.choice(list(Response)), implementation=implementation,
            reply_due=issued_on + timedelta(days=rng.choice((10, 21, 60))),
            implementation_due=issued_on + timedelta(days=rng.choice((30, 90, 200))),
        )
        if status is RecordStatus.WITHDRAWN and rng.random() < 0.5:
            recommendation.issued_on = None  # a discarded draft: never issued
        if status is RecordStatus.DRAFT:
            recommendation.issued_on = None
            recommendation.reply_due = recommendation.implementation_due = None
        if implementation is not Implementation.NOT_STARTED:
            db.session.add(Verification(
                recommendation=recommendation, result=implementation,
                method=VerificationMethod.DOCUMENT_REVIEW,
                verified_on=issued_on + timedelta(days=rng.randrange(1, 300)),
                evidence="Order of the Committee.", verified_by_id=verifier.id,
            ))
    db.session.flush()


def _proceedings(rng: random.Random) -> None:
    for _ in range(40):
        case = factories.make_case(region=rng.choice(REGIONS), kind=CaseKind.PAROLE_FOLLOW_UP)
        decision = rng.choice([*Decision, None])
        petition = _day(rng)
        factories.make_proceeding(
            case, kind=rng.choice([ProceedingKind.PAROLE] * 3 + [ProceedingKind.TRANSFER]),
            petition_on=petition, decision=decision,
            decided_on=petition + timedelta(days=rng.randrange(20, 120)) if decision else None,
        )
    db.session.flush()


# -- counting in Python -----------------------------------------------------------------------


def _all(model):
    return list(db.session.scalars(sa.select(model)))


def _in(period: Period, day: date | None) -> bool:
    return day is not None and period.start <= day <= period.end


def _region_ok(region: Region | None, value: Region) -> bool:
    return region is None or value == region


def counts(rows: list[Row], column: int = 0) -> dict[str, int]:
    """A table as {label: figure}, without the zero rows (Python counts have none)."""
    return {row.label: row.figures[column].value for row in rows
            if row.figures[column].value}


def expected_visits(period, region) -> list[Visit]:
    return [v for v in _all(Visit) if _in(period, v.starts_on) and _region_ok(region, v.region)
            and v.status is not VisitStatus.CANCELLED]


def test_world_covers_both_years_and_regions(world):
    """The checks below compare something: each table has figures in each scope."""
    for period, region in SCOPES:
        assert expected_visits(period, region)
        assert any(_in(period, c.received_on) and c.kind is CaseKind.COMPLAINT
                   and _region_ok(region, c.region) for c in _all(Case))


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_visits_by_type_and_region(world, period, region):
    visits = expected_visits(period, region)
    by_type = stats.visits_by_type(period, region)
    assert counts(by_type) == {k.label: n for k, n in Counter(v.type for v in visits).items()}
    assert counts(by_type, 1) == {
        k.label: n for k, n in Counter(v.type for v in visits if not v.is_announced).items()}
    by_region = stats.visits_by_region(period, region)
    assert counts(by_region) == {k.label: n for k, n in Counter(v.region for v in visits).items()}
    assert len(by_type) == len(VisitType)
    assert len(by_region) == (1 if region else len(Region))


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_obstruction_by_kind(world, period, region):
    # Whatever the visit's status: a cancelled visit's obstruction still counts.
    obstructions = [o for o in _all(Obstruction) if _in(period, o.visit.starts_on)
                    and _region_ok(region, o.visit.region)]
    rows = stats.obstruction_by_kind(period, region)
    assert counts(rows) == {k.label: n for k, n in Counter(o.kind for o in obstructions).items()}
    assert counts(rows, 1) == {
        kind.label: len({o.visit_id for o in obstructions if o.kind is kind})
        for kind in ObstructionKind if any(o.kind is kind for o in obstructions)}
    assert stats.obstructed_visits(period, region) == len({o.visit_id for o in obstructions})


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_violations_by_category_and_facility_type(world, period, region):
    found = [v for v in _all(Violation) if _in(period, v.found_on)
             and _region_ok(region, v.region)]
    proven = [v for v in found if v.status is ViolationStatus.SUBSTANTIATED]
    by_category = stats.violations_by_category(period, region)
    assert counts(by_category) == dict(Counter(v.category.name for v in found))
    assert counts(by_category, 1) == dict(Counter(v.category.name for v in proven))
    assert [row.count for row in by_category] == sorted(
        (row.count for row in by_category), reverse=True)

    def type_label(v: Violation) -> str:
        return v.facility.type.label if v.facility else "No facility recorded"

    by_type = stats.violations_by_facility_type(period, region)
    assert counts(by_type) == dict(Counter(map(type_label, found)))
    assert counts(by_type, 1) == dict(Counter(map(type_label, proven)))


def _overdue(r: Recommendation, as_of: date) -> bool:
    """DESIGN.md §4, read from the row: a live record whose reply deadline passed with no
    reply, or whose implementation deadline passed without a final verified status."""
    live = r.record_status is RecordStatus.ISSUED and r.implementation not in FINAL_IMPLEMENTATION
    reply = r.response is Response.AWAITING and r.reply_due is not None and r.reply_due < as_of
    implementation = r.implementation_due is not None and r.implementation_due < as_of
    return live and (reply or implementation)


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_recommendations_by_authority(world, period, region):
    ours = [r for r in _all(Recommendation) if _region_ok(region, r.region)]
    issued = [r for r in ours if _in(period, r.issued_on)]
    as_of = min(period.end, TODAY)
    verified = {(v.recommendation.authority.name, v.recommendation_id)
                for v in _all(Verification)
                if v.result is Implementation.IMPLEMENTED and _in(period, v.verified_on)
                and _region_ok(region, v.recommendation.region)}
    rows = stats.recommendations_by_authority(period, region, today=TODAY)
    assert counts(rows) == dict(Counter(r.authority.name for r in issued))
    assert counts(rows, 1) == dict(Counter(
        r.authority.name for r in issued if r.implementation is Implementation.IMPLEMENTED))
    assert counts(rows, 2) == dict(Counter(name for name, _id in verified))
    assert counts(rows, 3) == dict(Counter(r.authority.name for r in ours if _overdue(r, as_of)))
    assert any(row.figures[3].value for row in rows)  # the world has overdue items


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_recommendations_by_type_of_authority(world, period, region):
    ours = [r for r in _all(Recommendation) if _region_ok(region, r.region)]
    issued = [r for r in ours if _in(period, r.issued_on)]
    rows = stats.recommendations_by_authority_type(period, region, today=TODAY)
    assert len(rows) == len(AuthorityType)
    assert counts(rows) == dict(Counter(r.authority.type.label for r in issued))
    assert counts(rows, 1) == dict(Counter(
        r.authority.type.label for r in issued if r.implementation is Implementation.IMPLEMENTED))
    as_of = min(period.end, TODAY)
    assert counts(rows, 3) == dict(Counter(
        r.authority.type.label for r in ours if _overdue(r, as_of)))
    assert all(figure.lists is None for row in rows for figure in row.figures)


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_complaints_by_category_channel_and_region(world, period, region):
    complaints = [c for c in _all(Case) if c.kind is CaseKind.COMPLAINT
                  and _in(period, c.received_on) and _region_ok(region, c.region)]
    by_category = Counter(cat.name for c in complaints for cat in c.categories)
    if uncategorised := sum(1 for c in complaints if not c.categories):
        by_category["No category recorded"] = uncategorised
    assert counts(stats.complaints_by_category(period, region)) == dict(by_category)
    assert counts(stats.complaints_by_channel(period, region)) == {
        k.label: n for k, n in Counter(c.channel for c in complaints).items()}
    assert counts(stats.complaints_by_region(period, region)) == {
        k.label: n for k, n in Counter(c.region for c in complaints).items()}


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_parole_decisions_rate_and_petitions(world, period, region):
    parole = [p for p in _all(CourtProceeding) if p.kind is ProceedingKind.PAROLE
              and _region_ok(region, p.region)]
    decided = [p for p in parole if _in(period, p.decided_on)]
    assert counts(stats.parole_decisions(period, region)) == {
        k.label: n for k, n in Counter(p.decision for p in decided).items()}
    for row in stats.parole_by_region(period, region):
        mine = [p for p in decided if p.region.label == row.label]
        tally = Counter(p.decision for p in mine)
        assert [f.value for f in row.figures[:3]] == [tally[d] for d in Decision]
        both = tally[Decision.GRANTED] + tally[Decision.REFUSED]
        assert row.figures[3].value == (tally[Decision.GRANTED] / both if both else None)
    assert stats.parole_petitions_filed(period, region) == sum(
        1 for p in parole if _in(period, p.petition_on))


@pytest.mark.parametrize(("period", "region"), SCOPES)
def test_headlines_are_the_tables_totals(world, period, region):
    statistics = build_statistics(period, region, TODAY)
    headlines = {h.label: h.figure.value for h in statistics.headlines}
    assert headlines["Visits"] == len(expected_visits(period, region))
    assert headlines["Complaints received"] == sum(
        1 for c in _all(Case) if c.kind is CaseKind.COMPLAINT and _in(period, c.received_on)
        and _region_ok(region, c.region))
    assert headlines["Violations found"] == sum(
        1 for v in _all(Violation) if _in(period, v.found_on) and _region_ok(region, v.region))
    assert headlines["Recommendations issued"] == sum(
        1 for r in _all(Recommendation) if _in(period, r.issued_on)
        and _region_ok(region, r.region))


# -- boundaries, the rate, the lists ----------------------------------------------------------


def test_period_includes_its_first_and_last_day_only():
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1)):
        factories.make_visit(starts_on=day, status=VisitStatus.COMPLETED)
    assert sum(row.count for row in stats.visits_by_type(YEAR_2026)) == 2
    assert sum(row.count for row in stats.visits_by_type(YEAR_2025)) == 1
    one_day = Period(date(2026, 1, 1), date(2026, 1, 1))
    assert sum(row.count for row in stats.visits_by_type(one_day)) == 1


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        Period(date(2026, 2, 1), date(2026, 1, 31))


def test_cancelled_visits_are_not_counted_but_their_obstruction_is():
    visit = factories.make_visit(starts_on=date(2026, 5, 5), status=VisitStatus.CANCELLED)
    db.session.add(Obstruction(visit=visit, kind=ObstructionKind.ACCESS_DENIED,
                               occurred_on=date(2026, 5, 5), recorded_by_id=visit.leader_id))
    db.session.flush()
    assert sum(row.count for row in stats.visits_by_type(YEAR_2026)) == 0
    denied = ObstructionKind.ACCESS_DENIED.label
    assert counts(stats.obstruction_by_kind(YEAR_2026)) == {denied: 1}


def test_grant_rate_leaves_postponed_decisions_out():
    for decision, n in ((Decision.GRANTED, 2), (Decision.REFUSED, 1), (Decision.POSTPONED, 3)):
        for _ in range(n):
            factories.make_proceeding(decision=decision, decided_on=date(2026, 6, 1))
    [row] = stats.parole_by_region(YEAR_2026)
    assert row.figures[3].value == pytest.approx(2 / 3)
    assert stats.grant_rate(0, 0) is None
    assert stats.grant_rate(0, 4) == 0


def test_overdue_is_read_on_the_periods_last_day_or_today():
    case = factories.make_case(status=CaseStatus.FOLLOW_UP)
    factories.make_recommendation(  # overdue since 1 March 2025, still open today
        case, record_status=RecordStatus.ISSUED, issued_on=date(2025, 1, 10),
        reply_due=date(2025, 3, 1), implementation_due=date(2027, 1, 1))
    factories.make_recommendation(  # overdue only from 1 March 2026 on
        case, record_status=RecordStatus.ISSUED, issued_on=date(2026, 1, 10),
        reply_due=date(2026, 3, 1), implementation_due=date(2027, 1, 1))
    january = Period(date(2026, 1, 1), date(2026, 1, 31))

    def overdue(period: Period) -> int:
        rows = stats.recommendations_by_authority(period, today=TODAY)
        return sum(row.figures[3].value for row in rows)

    assert overdue(january) == 1
    assert overdue(YEAR_2026) == 2  # as of today, the year still running
    rows = stats.recommendations_by_authority(YEAR_2025, today=TODAY)
    # The register lists what is overdue today only: a past day's figure is not a link.
    assert all(row.figures[3].lists is None for row in rows)
    for row in stats.recommendations_by_authority(YEAR_2026, today=TODAY):
        assert dict(row.figures[3].lists.args)["overdue"] == "any"


def test_rows_carry_the_filters_of_the_list_behind_them(world):
    [planned] = [row for row in stats.visits_by_type(YEAR_2026, Region.ASTANA)
                 if row.label == VisitType.PLANNED.label]
    assert planned.lists == ListFilter.of(
        "visits.index", region="astana", starts_from="2026-01-01", starts_to="2026-12-31",
        type="planned")
    category = world.categories[0]
    [row] = [r for r in stats.violations_by_category(YEAR_2026) if r.label == category.name]
    assert dict(row.figures[1].lists.args) == {
        "found_from": "2026-01-01", "found_to": "2026-12-31", "category_id": str(category.id),
        "status": "substantiated"}
    [letters] = [r for r in stats.complaints_by_channel(YEAR_2025) if r.label == "Letter"]
    assert dict(letters.lists.args) == {
        "kind": "complaint", "received_from": "2025-01-01", "received_to": "2025-12-31",
        "channel": "letter"}
    assert all(row.lists is None for row in stats.parole_decisions(YEAR_2026))


def test_labels_follow_the_language_and_name_no_one(world, app):
    from flask_babel import force_locale

    case = db.session.scalar(sa.select(Case).where(Case.kind == CaseKind.COMPLAINT))
    with force_locale("kk"):
        labels = {row.label for row in stats.complaints_by_region(YEAR_2026)}
    assert "Қарағанды облысы" in labels
    assert case.summary not in labels
