"""The demo year at the public scale: visits, violations, recommendations from visits,
reprisal follow-up, CCTV history and court proceedings, checked on one full load.

Loading the year takes a while, so this module loads it once (on an empty database) and its
tests only read it; the test that runs the demo again does so in a transaction it rolls back.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.deadlines import add_months
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseKind,
    CaseParty,
    Channel,
    Event,
    EventKind,
    PartyRole,
)
from casework.courts.models import CourtProceeding, Decision, ProceedingKind
from casework.database import office_today, utcnow
from casework.demo import YEAR_CASES, YEAR_VISITS, load_demo_office
from casework.demo.visit_data import KINDS
from casework.extensions import db
from casework.numbering import ReferenceCounter, visit_reference
from casework.people.iin import is_valid_iin
from casework.permissions import Permission, can, covers_region
from casework.recommendations.lifecycle import ISSUED_RECORDS, RecordStatus
from casework.recommendations.models import Recommendation, VerificationMethod
from casework.reference.models import (
    Authority,
    AuthorityType,
    Category,
    CctvChange,
    CctvCoverage,
    Facility,
    FacilityType,
)
from casework.reference.regions import Region
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import (
    CheckIn,
    CheckInResult,
    Interviewee,
    NpmParticipant,
    Visit,
    VisitStatus,
    VisitType,
)
from tests.conftest import empty_all_tables

COVERAGE_RANK = {CctvCoverage.NONE: 0, CctvCoverage.PARTIAL: 1, CctvCoverage.FULL: 2}


@pytest.fixture(scope="module")
def made(app):
    """The demo year, loaded once on an empty database for the whole module."""
    with app.app_context():
        empty_all_tables()
        made = load_demo_office(seed=2026, case_count=YEAR_CASES, visit_count=YEAR_VISITS)
        db.session.commit()
        db.session.remove()
    yield made
    with app.app_context():
        empty_all_tables()


@pytest.fixture(autouse=True)
def _clean_database(app, made):
    """Overrides the suite's: the tests share the year and leave it as they found it."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    db.session.remove()
    ctx.pop()


def _all(model):
    return list(db.session.scalars(sa.select(model)))


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


# -- visits -------------------------------------------------------------------------------------


def test_the_year_has_about_425_visits_of_every_type_in_believable_shares(made):
    visits = _all(Visit)
    assert made["visits"] == len(visits)
    assert 404 <= len(visits) <= 446
    shares = Counter(visit.type for visit in visits)
    assert 0.40 <= shares[VisitType.PLANNED] / len(visits) <= 0.50
    for kind in (VisitType.THEMATIC, VisitType.FOLLOW_UP):
        assert 0.15 <= shares[kind] / len(visits) <= 0.25, kind
    assert 0.10 <= shares[VisitType.REACTIVE] / len(visits) <= 0.20
    assert sum(not visit.is_announced for visit in visits) / len(visits) >= 0.8
    assert all(visit.theme for visit in visits if visit.type is VisitType.THEMATIC)
    assert {visit.facility.type for visit in visits} == set(FacilityType)
    assert {visit.region for visit in visits} == set(Region)


def test_visits_span_the_last_year_completed_but_for_the_last_weeks_and_some_ahead(made):
    today = office_today()
    visits = _all(Visit)
    assert all(1 <= (v.ends_on - v.starts_on).days + 1 <= 3 for v in visits)
    assert all(today - timedelta(days=366) <= v.starts_on <= today + timedelta(days=60)
               for v in visits)
    planned = [v for v in visits if v.status is VisitStatus.PLANNED]
    assert 10 <= len(planned) <= 20
    assert all(v.starts_on > today for v in planned)
    assert all(v.status is VisitStatus.PLANNED for v in visits if v.starts_on > today)
    cancelled = [v for v in visits if v.status is VisitStatus.CANCELLED]
    assert 1 <= len(cancelled) <= 15
    assert all(v.cancel_reason for v in cancelled)
    conducted = [v for v in visits if v.status is VisitStatus.CONDUCTED]
    assert conducted
    assert all(v.ends_on >= today - timedelta(days=35) for v in conducted)
    for visit in (v for v in visits if v.status is VisitStatus.COMPLETED):
        assert visit.ends_on < visit.completed_on < today, visit.reference
        assert visit.summary, visit.reference
        assert 5 <= visit.interviews_in_private <= 40, visit.reference


def test_a_place_is_visited_a_few_times_a_year_at_most(made):
    visits = [v for v in _all(Visit) if v.status is not VisitStatus.CANCELLED]
    per_facility = Counter(v.facility_id for v in visits)
    assert max(per_facility.values()) <= 4
    assert len(per_facility) >= 150
    for visit in visits:
        if visit.type is VisitType.FOLLOW_UP:
            earlier = [v for v in visits if v.facility_id == visit.facility_id
                       and v.ends_on < visit.starts_on - timedelta(days=59)]
            assert earlier, visit.reference


def test_teams_of_two_to_four_monitors_with_the_demo_monitor_on_many_and_nobody_twice(made):
    visits = _all(Visit)
    demo = _user("monitor@casework.demo")
    for visit in visits:
        assert 2 <= len(visit.team) <= 4, visit.reference
        assert visit.leader in visit.team
        assert all(u.has_role(Role.MONITOR) or u.has_role(Role.SUPERVISOR) for u in visit.team)
    assert sum(demo in visit.team for visit in visits) / len(visits) >= 0.25
    days: dict[int, set] = defaultdict(set)
    for visit in visits:
        span = {visit.starts_on + timedelta(days=n)
                for n in range((visit.ends_on - visit.starts_on).days + 1)}
        for someone in [*(u.id for u in visit.team),
                        *(-p.participant_id for p in visit.participants)]:
            assert not days[someone] & span, (visit.reference, someone)
            days[someone] |= span


def test_external_participants_only_within_their_declaration(made):
    registry = _all(NpmParticipant)
    assert 35 <= len(registry) <= 45
    today = office_today()
    expired = [p for p in registry if p.declaration_valid_until
               and p.declaration_valid_until < today]
    assert expired
    on_visits = 0
    for visit in _all(Visit):
        assert len(visit.participants) <= 2
        for link in visit.participants:
            participant = link.participant
            assert participant.is_active
            assert participant.declaration_covers(visit.starts_on), visit.reference
            assert participant.declaration_covers(visit.ends_on), visit.reference
            on_visits += 1
    assert on_visits > 200
    assert any(link.participant in expired for v in _all(Visit) for link in v.participants)


def test_obstruction_on_about_one_visit_in_eight(made):
    visits = [v for v in _all(Visit) if v.has_taken_place]
    obstructed = [v for v in visits if v.obstructions]
    assert 0.07 <= len(obstructed) / len(visits) <= 0.17
    kinds = Counter(o.kind for v in obstructed for o in v.obstructions)
    assert kinds.most_common(1)[0][0].value == "access_delayed"
    for visit in obstructed:
        for obstruction in visit.obstructions:
            assert visit.starts_on <= obstruction.occurred_on <= visit.ends_on
            assert (obstruction.delay_minutes is not None) == (
                obstruction.kind.value == "access_delayed")
            assert obstruction.official
            assert obstruction.description


# -- violations ---------------------------------------------------------------------------------


def test_about_3000_violations_found_on_visits_consistent_with_their_visit(made):
    violations = [v for v in _all(Violation) if v.visit_id is not None]
    assert made["violations on visits"] == len(violations)
    assert 2850 <= len(violations) <= 3150
    per_visit = Counter(v.visit_id for v in violations)
    assert max(per_visit.values()) <= 20
    taken_place = [v for v in _all(Visit) if v.has_taken_place]
    assert 6 <= len(violations) / len(taken_place) <= 8.5
    assert all(not v.violations for v in _all(Visit) if not v.has_taken_place)
    for violation in violations:
        visit = violation.visit
        assert violation.facility_id == visit.facility_id, violation.id
        assert violation.region is visit.region, violation.id
        assert visit.starts_on <= violation.found_on <= visit.ends_on, violation.id
        assert violation.legal_basis, violation.id
        assert violation.description, violation.id
        assert violation.people_affected >= 0
        if violation.category.code == "parole":
            assert KINDS[visit.facility.type] == "penal", violation.id
    categories = Counter(v.category.code for v in violations)
    assert {code for code, _n in categories.most_common(2)} == {"detention_conditions",
                                                                  "medical_care"}
    statuses = Counter(v.status for v in violations)
    assert statuses[ViolationStatus.SUBSTANTIATED] / len(violations) >= 0.8
    assert any(re.search("[әғқңөұүһі]", v.description) for v in violations)  # some in Kazakh


def test_violations_on_about_a_third_of_complaint_cases(made):
    complaints = list(db.session.scalars(sa.select(Case).where(Case.kind == CaseKind.COMPLAINT)))
    with_violations = [c for c in complaints if c.violations]
    assert 0.25 <= len(with_violations) / len(complaints) <= 0.35
    statuses = Counter(v.status for c in with_violations for v in c.violations)
    assert set(statuses) == set(ViolationStatus)
    for case in with_violations:
        for violation in case.violations:
            assert violation.region is case.region
            assert violation.facility_id == case.facility_id
            assert violation.found_on <= case.received_on
            events = [e for e in case.events if e.kind is EventKind.VIOLATION
                      and e.data["violation_id"] == violation.id]
            assert events[-1].data["step"] == "recorded"  # newest first: recorded is the last
            if violation.status is not ViolationStatus.ALLEGED:
                assert events[0].data["to"] == violation.status


def test_repeat_findings_at_the_same_place_within_24_months(made):
    found: dict[tuple[int, int], list[Violation]] = defaultdict(list)
    for violation in _all(Violation):
        if violation.visit_id is not None:
            found[violation.facility_id, violation.category_id].append(violation)
    repeats = 0
    for same in found.values():
        same.sort(key=lambda v: v.found_on)
        for earlier, later in itertools.pairwise(same):
            if earlier.visit_id != later.visit_id and \
                    later.found_on <= add_months(earlier.found_on, 24):
                repeats += 1
    assert repeats > 100


# -- recommendations from visits ----------------------------------------------------------------


def test_about_one_recommendation_for_three_violations_each_answering_its_visits(made):
    recommendations = [r for r in _all(Recommendation) if r.visit_id is not None]
    violations = [v for v in _all(Violation) if v.visit_id is not None]
    assert 0.25 <= len(recommendations) / len(violations) <= 0.4
    for r in recommendations:
        assert r.case_id is None
        assert 1 <= len(r.violations) <= 4, r.id
        assert {v.visit_id for v in r.violations} == {r.visit_id}, r.id
        assert {v.category_id for v in r.violations} == {r.category_id}, r.id
        assert r.facility_id == r.visit.facility_id
        administration = r.visit.facility.authority
        assert r.authority in (administration, administration.parent), r.id
        assert r.drafted_by in r.visit.team
        if r.record_status in ISSUED_RECORDS:
            assert r.issued_by.has_role(Role.SUPERVISOR)
            assert r.issued_by != r.drafted_by
            assert covers_region(r.issued_by, r.region)
            assert r.owner.has_role(Role.CASEWORKER), r.number
            assert r.visit.completed_on <= r.issued_on
    assert len({r.authority_id for r in recommendations}) >= 24  # dozens of authorities
    assert {r.record_status for r in recommendations} == set(RecordStatus)
    assert any(r.replies for r in recommendations)


def test_some_are_verified_on_the_next_visit_to_the_place(made):
    seen = 0
    for r in (r for r in _all(Recommendation) if r.visit_id is not None):
        for verification in r.verifications:
            if verification.method is not VerificationMethod.FOLLOW_UP_VISIT:
                continue
            reference = verification.evidence.split(":")[0]
            later = db.session.scalar(sa.select(Visit).where(Visit.reference == reference))
            assert later.facility_id == r.facility_id
            assert later.starts_on > r.issued_on
            assert verification.verified_on == later.ends_on
            assert verification.verified_by in later.team
            seen += 1
    assert seen > 100


def test_one_register_numbered_in_issue_order_with_repeats_across_cases_and_visits(made):
    issued = list(db.session.scalars(
        sa.select(Recommendation).where(Recommendation.number.is_not(None))
        .order_by(Recommendation.number)))
    assert len({r.number for r in issued}) == len(issued)
    days = [r.issued_on for r in issued]
    assert days == sorted(days)
    assert {r.visit_id is None for r in issued} == {True, False}
    counters = dict(db.session.execute(
        sa.select(ReferenceCounter.year, ReferenceCounter.value)
        .where(ReferenceCounter.kind == "recommendation")).all())
    assert sum(counters.values()) == len(issued)
    flagged = [r for r in issued if r.repeat_of is not None]
    assert any(r.visit_id and r.repeat_of.visit_id for r in flagged)
    for r in flagged:
        other = r.repeat_of
        assert (other.facility_id, other.category_id) == (r.facility_id, r.category_id)
        assert add_months(r.issued_on, -24) <= other.issued_on <= r.issued_on
        assert (other.case_id, other.visit_id) != (r.case_id, r.visit_id)
    events = db.session.scalars(sa.select(Event).where(Event.kind == EventKind.RECOMMENDATION))
    numbers = {r.id: r.number for r in issued}
    for event in events:
        if event.data.get("number"):
            assert event.data["number"] == numbers[event.data["recommendation_id"]]


# -- interviewees, check-ins, reprisal cases ---------------------------------------------------


def test_named_interviewees_on_about_a_fifth_of_the_visits_with_valid_iins(made):
    taken_place = [v for v in _all(Visit) if v.has_taken_place]
    named = [v for v in taken_place if v.interviewees]
    assert 0.15 <= len(named) / len(taken_place) <= 0.27
    for visit in named:
        assert 1 <= len(visit.interviewees) <= 3
        assert [i.number for i in visit.interviewees] == list(range(1, len(visit.interviewees)
                                                                    + 1))
        assert visit.interviews_in_private >= len(visit.interviewees)
        for interviewee in visit.interviewees:
            assert is_valid_iin(interviewee.person.iin)
            assert interviewee.person.facility_id == visit.facility_id


def test_check_ins_mostly_without_concerns_a_few_overdue(made):
    today = office_today()
    check_ins = _all(CheckIn)
    results = Counter(c.result for c in check_ins)
    assert results[CheckInResult.NO_CONCERNS] / len(check_ins) >= 0.75
    assert results[CheckInResult.NOT_REACHED] > 0
    overdue = [i for i in _all(Interviewee) if i.next_check_in_on and i.next_check_in_on < today]
    assert 1 <= len(overdue) <= 20
    for interviewee in _all(Interviewee):
        days = sorted(c.checked_on for c in interviewee.check_ins)
        assert all(interviewee.visit.ends_on <= day <= today for day in days)
        if interviewee.next_check_in_on and days:
            assert interviewee.next_check_in_on > days[-1]


def test_a_reprisal_alleged_at_a_check_in_opened_a_linked_case(made):
    alleged = [c for c in _all(CheckIn) if c.result is CheckInResult.REPRISAL_ALLEGED]
    assert len(alleged) >= 5
    for check_in in alleged:
        case, interviewee = check_in.case, check_in.interviewee
        assert check_in.reprisal_kind is not None
        assert case.visit_id == interviewee.visit_id
        assert case.channel is Channel.NPM_VISIT
        assert [c.code for c in case.categories] == ["reprisals"]
        assert case.received_on == check_in.checked_on
        assert case.facility_id == interviewee.visit.facility_id
        assert case.is_urgent == (check_in.reprisal_kind.value == "violence")
        [party] = case.parties
        assert party.person_id == interviewee.person_id
        assert party.role is PartyRole.VICTIM
        assert party.is_reprisal_risk
        assert not party.consents_to_disclosure
        assert case.created_by == check_in.checked_by
        assert can(check_in.checked_by, Permission.READ_CASE, case)
        assert case.events[-1].kind is EventKind.REGISTERED
        assert case.events[-1].actor == check_in.checked_by
    linked = {c.case_id for c in alleged}
    reprisal_cases = db.session.scalars(sa.select(Case).where(
        Case.visit_id.is_not(None), Case.kind == CaseKind.OWN_INITIATIVE))
    assert {case.id for case in reprisal_cases} == linked


def test_npm_findings_point_at_the_visit_that_found_them(made):
    cases = list(db.session.scalars(sa.select(Case).where(Case.kind == CaseKind.NPM_FINDING,
                                                          Case.visit_id.is_not(None))))
    assert len(cases) >= 50
    for case in cases:
        visit = case.visit
        assert visit.facility_id == case.facility_id
        assert 0 <= (case.received_on - visit.ends_on).days <= 10
        assert case.created_by in visit.team
        assert can(case.created_by, Permission.READ_CASE, case)
        assert all(v.visit_id == visit.id for v in case.violations)


# -- CCTV ---------------------------------------------------------------------------------------


def test_cctv_seen_on_visits_is_the_facilities_history(made):
    changes: dict[int, list[CctvChange]] = defaultdict(list)
    for change in db.session.scalars(sa.select(CctvChange).order_by(CctvChange.changed_on,
                                                                    CctvChange.id)):
        changes[change.facility_id].append(change)
    improved = 0
    for facility in _all(Facility):
        history = changes.get(facility.id, [])
        if not history:
            continue
        assert history[-1].coverage is facility.cctv_coverage, facility.name
        coverages = [change.coverage for change in history]
        assert all(a is not b for a, b in itertools.pairwise(coverages))
        improved += any(COVERAGE_RANK[b] > COVERAGE_RANK[a]
                        for a, b in itertools.pairwise(coverages))
        for change in history:
            assert change.visit.facility_id == facility.id
            assert change.changed_on == change.visit.ends_on
            assert change.coverage is change.visit.cctv_seen
    assert improved >= 5
    for visit in (v for v in _all(Visit) if v.has_taken_place):
        history = changes[visit.facility_id]
        in_force = [c for c in history if c.changed_on <= visit.ends_on][-1]
        assert in_force.coverage is visit.cctv_seen, visit.reference


# -- courts -------------------------------------------------------------------------------------


def test_hundreds_of_parole_petitions_granted_in_54_percent(made):
    proceedings = _all(CourtProceeding)
    parole = [p for p in proceedings if p.kind is ProceedingKind.PAROLE]
    assert len(parole) >= 300
    decisions = Counter(p.decision for p in parole)
    rate = decisions[Decision.GRANTED] / (decisions[Decision.GRANTED]
                                           + decisions[Decision.REFUSED])
    assert 0.52 <= rate <= 0.56
    assert decisions[Decision.POSTPONED] > 0
    assert decisions[None] > 0  # still to be decided
    assert {p.kind for p in proceedings} == set(ProceedingKind)
    assert all(p.case.kind is CaseKind.PAROLE_FOLLOW_UP for p in parole)
    assert any(p.appealed_on for p in proceedings)
    today = office_today()
    for p in proceedings:
        assert p.court.type is AuthorityType.COURT
        assert p.court.region is p.case.region
        assert p.region is p.case.region
        assert p.lawyer.has_role(Role.LAWYER)
        assert any(a.user_id == p.lawyer_id and a.role is AssignmentRole.LAWYER
                   for a in p.case.assignments)
        assert 1 <= len(p.hearings) <= 3
        assert all(h.starts_at.date() >= p.petition_on - timedelta(days=1) for h in p.hearings)
        assert p.petition_on <= today
        if p.decided_on is not None:
            assert p.petition_on <= p.decided_on <= today
            assert p.decision_summary
        if p.appealed_on is not None:
            assert p.decided_on <= p.appealed_on <= today
        if p.case.closed_on is not None and p.decided_on is not None:
            assert p.decided_on <= p.case.closed_on


def test_courts_per_region_and_upcoming_hearings_for_the_demo_lawyer(made):
    courts = [a for a in _all(Authority) if a.type is AuthorityType.COURT and a.region]
    assert {court.region for court in courts} == set(Region)
    lawyer = _user("lawyer@casework.demo")
    now = utcnow()
    upcoming = [h for p in _all(CourtProceeding) if p.lawyer == lawyer for h in p.hearings
                if now < h.starts_at <= now + timedelta(days=60)]
    assert len(upcoming) >= 5
    for proceeding in (p for p in _all(CourtProceeding) if p.lawyer == lawyer):
        assert can(lawyer, Permission.FOLLOW_COURT, proceeding)
    held = [h for p in _all(CourtProceeding) for h in p.hearings if h.starts_at < now]
    assert sum(bool(h.result) for h in held) / len(held) >= 0.95


def test_court_steps_on_the_case_timelines_in_order(made):
    touched = db.session.scalars(sa.select(Event.case_id).where(
        Event.kind.in_([EventKind.COURT, EventKind.VIOLATION])).distinct())
    ids = set(touched)
    assert ids
    events: dict[int, list[Event]] = defaultdict(list)
    for event in db.session.scalars(sa.select(Event).where(Event.case_id.in_(ids))
                                    .order_by(Event.id)):
        events[event.case_id].append(event)
    for case_id, history in events.items():
        assert history[0].kind is EventKind.REGISTERED, case_id
        assert [e.at for e in history] == sorted(e.at for e in history), case_id
        mine = (EventKind.COURT, EventKind.VIOLATION, EventKind.PARTY_ADDED)
        assert all(e.at <= utcnow() for e in history if e.kind in mine), case_id
    court = [e for h in events.values() for e in h if e.kind is EventKind.COURT]
    assert {e.data["step"] for e in court} >= {"recorded", "hearing", "hearing_result",
                                               "decision", "appeal"}


# -- running it again ---------------------------------------------------------------------------


def _reference_data() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Facility, Authority, Category, NpmParticipant)}


def test_running_the_demo_again_adds_a_year_without_duplicating_reference_data(made):
    before = _reference_data()
    visits_before = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
    again = load_demo_office(seed=7, case_count=60, visit_count=20)
    db.session.flush()
    assert _reference_data() == before
    assert again["visits"] == 20
    references = list(db.session.scalars(sa.select(Visit.reference)))
    assert len(references) == visits_before + 20 == len(set(references))
    numbers: dict[int, list[int]] = defaultdict(list)
    for reference in references:
        _npm, year, number = reference.split("-")
        numbers[int(year)].append(int(number))
    for year, used in numbers.items():
        counter = db.session.scalar(sa.select(ReferenceCounter.value).where(
            ReferenceCounter.kind == "visit", ReferenceCounter.year == year))
        assert sorted(used) == list(range(1, counter + 1)), year
        assert visit_reference(year) == f"NPM-{year}-{counter + 1:04d}"
    # Still one history per facility: the second run's visits continue it.
    for facility in _all(Facility):
        history = sorted(facility.cctv_changes, key=lambda c: (c.changed_on, c.id))
        if history:
            assert history[-1].coverage is facility.cctv_coverage
    parties = db.session.scalar(sa.select(sa.func.count()).select_from(CaseParty))
    assert parties > 0
