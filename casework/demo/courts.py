"""The demo's court proceedings: parole petitions the office follows (about one for every
six cases: 320 in the demo year), and some transfers and complaints against a facility's
administration; in each region's specialised court, argued by the lawyers assigned to the
cases, with one to three hearings, some coming in the next weeks, and decisions on the past
ones: parole granted in GRANT_RATE of the petitions decided either way.

Parole cases: the demo's own, and complaints from people serving sentences in a colony whose
case is reshaped into a parole follow-up before anything else reads it. Every proceeding lies
within its case's working life: recorded while the case was open, decided before it closed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casework.accounts.models import User
from casework.audit import AuditAction, diff
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import AssignmentRole, CaseAssignment, CaseKind, Channel, EventKind
from casework.courts.models import AppealResult, CourtProceeding, Decision, Hearing, ProceedingKind
from casework.database import OFFICE_TZ, utcnow
from casework.demo import court_data
from casework.demo.cases import Audited, Office, Story, moment, pick, working_day_on_or_before
from casework.demo.recommendation_records import office_day
from casework.demo.recommendations import Addressees
from casework.extensions import db
from casework.people.models import DetentionStatus
from casework.reference.models import Facility, FacilityType
from casework.reference.regions import Region

PAROLE_PER_CASE = 0.16
OTHER_PER_CASE = 0.03
GRANT_RATE = 0.54
POSTPONED_SHARE = 0.1
AWAITING_RESULT_SHARE = 0.3  # of the hearings of the last days, result not yet recorded
APPEALED = {Decision.REFUSED: 0.12, Decision.GRANTED: 0.04}  # by the lawyer / the prosecutor
REPEAT_AFTER_DAYS = 183  # a refused parole petition may be brought again after six months
UPCOMING_DAYS = 60  # courts set hearings this far ahead
DEMO_LAWYER_SHARE = 0.25  # of the cases a lawyer is newly assigned to for court
HEARINGS = {1: 35, 2: 40, 3: 25}
COURT_FACILITIES = (FacilityType.PENAL_COLONY, FacilityType.PRETRIAL_DETENTION)
# Where the people held whose complaints become parole follow-ups are held now.
PAROLE_FROM = (FacilityType.PENAL_COLONY, FacilityType.PRETRIAL_DETENTION,
               FacilityType.TEMPORARY_HOLDING, FacilityType.SPECIAL_RECEPTION)


@dataclass
class Petition:
    """A proceeding to make: its dates, decision and lawyer; then the record."""

    story: Story
    kind: ProceedingKind
    recorded_at: datetime
    petition_on: date
    hearings: list[datetime]
    decided: bool  # the last hearing gave the final decision
    lawyer: User | None = None
    decision: Decision | None = None
    decided_at: datetime | None = None  # the hearing that gave the decision
    must_refuse: bool = False  # a later petition of the same person followed
    appealed_on: date | None = None
    appeal_result: AppealResult | None = None
    record: CourtProceeding | None = None
    results: list[str] = field(default_factory=list)


def convert_parole_cases(office: Office, stories: list[Story], facilities: list[Facility], *,
                         reshape: bool = True) -> list[Petition]:
    """Parole follow-ups enough for about PAROLE_PER_CASE petitions per case, planned: the
    demo's own parole cases at a colony first, then (when `reshape`) complaints from people
    held in the penal and police system, who are serving their sentence in a colony of that
    region."""
    rng = office.rng
    target = round(len(stories) * PAROLE_PER_CASE)
    colonies: dict[Region, list[Facility]] = defaultdict(list)
    for facility in facilities:
        if facility.type is FacilityType.PENAL_COLONY:
            colonies[facility.region].append(facility)
    tiers: tuple[list[Story], list[Story], list[Story]] = ([], [], [])
    for story in stories:
        case = story.case
        if (case.facility is None or case.facility.type not in PAROLE_FROM
                or case.facility.region not in colonies or case.is_urgent
                or case.is_anonymous or case.channel is Channel.NPM_VISIT
                or case.kind not in (CaseKind.COMPLAINT, CaseKind.PAROLE_FOLLOW_UP)
                or _window(office, story) is None):
            continue
        at_colony = case.facility.type is FacilityType.PENAL_COLONY
        own = case.kind is CaseKind.PAROLE_FOLLOW_UP
        tiers[0 if own and at_colony else 1 if at_colony else 2].append(story)
    petitions: list[Petition] = []
    reshaped = [*rng.sample(tiers[1], k=len(tiers[1])), *rng.sample(tiers[2], k=len(tiers[2]))]
    for story in [*tiers[0], *(reshaped if reshape else [])]:
        if len(petitions) >= target:
            break
        planned = _plan(office, story, ProceedingKind.PAROLE)
        if planned:
            _make_parole_case(office, story, colonies[story.case.region])
        petitions += planned
    return petitions


def _make_parole_case(office: Office, story: Story, colonies: list[Facility]) -> None:
    """A parole follow-up of someone serving their sentence in one of the region's colonies."""
    case, rng = story.case, office.rng
    if case.kind is not CaseKind.PAROLE_FOLLOW_UP:
        case.kind = CaseKind.PAROLE_FOLLOW_UP
        case.categories = [office.categories["parole"]]
        case.summary = rng.choice(court_data.PAROLE_SUMMARIES)
        case.description = f"{case.summary}. {court_data.PAROLE_REQUEST}"
    if case.facility is not None and case.facility.type is not FacilityType.PENAL_COLONY:
        colony = rng.choice(colonies)
        for party in case.parties:
            if party.person.facility is case.facility:
                party.person.facility = colony
                party.person.detention_status = DetentionStatus.SENTENCED
        case.facility = colony


def other_petitions(office: Office, stories: list[Story]) -> list[Petition]:
    """Transfers and complaints against the administration, from complaints a court hears."""
    rng = office.rng
    target = round(len(stories) * OTHER_PER_CASE)
    petitions: list[Petition] = []
    candidates = [story for story in stories if story.case.kind is CaseKind.COMPLAINT
                  and story.case.facility is not None
                  and story.case.facility.type in COURT_FACILITIES
                  and story.case.categories[0].code in court_data.OTHER_KINDS]
    for story in rng.sample(candidates, k=len(candidates)):
        if len(petitions) >= target:
            break
        petitions += _plan(office, story, court_data.OTHER_KINDS[story.case.categories[0].code],
                           repeat=False)
    return petitions


def _window(office: Office, story: Story) -> tuple[datetime, datetime] | None:
    """From the case being taken up to its closing (or now): when proceedings are recorded."""
    taken_up = story.transition("open_investigation") or story.transition("start_triage")
    if taken_up is None or story.transition("declare_not_admissible") \
            or story.transition("refer_out"):
        return None
    end = utcnow() - timedelta(hours=2)
    if story.case.status is CaseStatus.CLOSED:
        end = max(at for at, kind, _a, details, _x in story.happenings
                  if kind is EventKind.TRANSITION and details["to"] is CaseStatus.CLOSED)
    start = taken_up[0] + timedelta(days=1)
    return (start, end) if end - start > timedelta(days=3) else None


def _plan(office: Office, story: Story, kind: ProceedingKind, *, repeat: bool = True
          ) -> list[Petition]:
    """One petition in the case's window; for parole, another six months after a refusal
    when the case was still open by then."""
    window = _window(office, story)
    if window is None:
        return []
    start, end = window
    closes = story.case.status is CaseStatus.CLOSED
    first = _petition(office, story, kind, start, end, closes=closes)
    if first is None:
        return []
    petitions = [first]
    if repeat and first.decided and office.rng.random() < 0.5:
        again = datetime.combine(office_day(first.hearings[-1]) + timedelta(
            days=REPEAT_AFTER_DAYS), time(9), OFFICE_TZ).astimezone(UTC)
        if again < end - timedelta(days=30) and (second := _petition(
                office, story, kind, again, end, closes=closes)) is not None:
            first.must_refuse = True
            petitions.append(second)
    return petitions


def _petition(office: Office, story: Story, kind: ProceedingKind, start: datetime,
              end: datetime, *, closes: bool) -> Petition | None:
    rng, today, now = office.rng, office.today, utcnow()
    room = (end - start).total_seconds()
    drawn = start + timedelta(seconds=room * rng.uniform(0, 0.6 if closes else 0.95))
    # In office hours on that day, as long as that stays within the case's window.
    recorded_at = min(max(moment(office_day(drawn), rng), start), end - timedelta(hours=1))
    recorded_on = office_day(recorded_at)
    petition_on = max(story.case.received_on - timedelta(days=60),
                      recorded_on - timedelta(days=rng.randint(0, 20)))
    last_day = office_day(end) - timedelta(days=1) if closes else today + timedelta(
        days=UPCOMING_DAYS)
    days: list[date] = []
    day = max(recorded_on + timedelta(days=3), petition_on + timedelta(days=rng.randint(14, 40)))
    for _ in range(pick(rng, HEARINGS)):
        # The first hearing comes after the recording (never on its day, nor before).
        days.append(_working_day_on_or_after(max(day, recorded_on + timedelta(days=1)),
                                             office))
        day = days[-1] + timedelta(days=rng.randint(7, 28))
    # A court sets the next hearing at the one before: one date ahead at most.
    ahead = [d for d in days if d > today][:1]
    kept = [d for d in days if d <= min(today, last_day)] + [d for d in ahead if d <= last_day]
    if closes and not kept:
        return None  # no room for a hearing before the case closed
    hearings = [_hearing_time(rng, d) for d in kept]
    # A case closes once its court has decided; an open case's court may still be sitting.
    decided = bool(hearings) and (closes or len(kept) == len(days)) and \
        hearings[-1] < now - timedelta(hours=3)
    return Petition(story, kind, recorded_at, petition_on, hearings, decided)


def _working_day_on_or_after(day: date, office: Office) -> date:
    while not office.calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _hearing_time(rng: random.Random, day: date) -> datetime:
    hour, minute = rng.choice(court_data.HEARING_TIMES)
    return datetime.combine(day, time(hour, minute), OFFICE_TZ).astimezone(UTC)


# -- decisions ---------------------------------------------------------------------------------


def decide(office: Office, petitions: list[Petition]) -> None:
    """Decisions on the petitions heard: parole granted in GRANT_RATE of those decided either
    way (likelier where the case was resolved), a few postponed to a coming hearing."""
    rng = office.rng
    final: list[Petition] = []
    for petition in petitions:
        if not petition.decided:
            continue
        petition.decided_at = petition.hearings[-1]
        if petition.story.case.is_open and not petition.must_refuse and \
                len(petition.hearings) < max(HEARINGS) and rng.random() < POSTPONED_SHARE:
            petition.decision = Decision.POSTPONED
            next_day = office.today + timedelta(days=rng.randint(7, UPCOMING_DAYS - 10))
            petition.hearings.append(_hearing_time(
                rng, working_day_on_or_before(next_day, office.calendar)))
        elif petition.kind is ProceedingKind.PAROLE:
            final.append(petition)
        else:
            petition.decision = pick(rng, court_data.OTHER_DECISIONS[petition.kind])
    granted = round(GRANT_RATE * len(final))
    lean: dict[Outcome | None, float] = {Outcome.RESOLVED: 0.5, Outcome.NOT_RESOLVED: -0.5}
    ranked = sorted(final, key=lambda p: -1 if p.must_refuse else
                    rng.random() + lean.get(p.story.case.outcome, 0), reverse=True)
    for index, petition in enumerate(ranked):
        petition.decision = Decision.GRANTED if index < granted else Decision.REFUSED
    for petition in petitions:
        _appeal(office, petition)


def _appeal(office: Office, petition: Petition) -> None:
    rng = office.rng
    if petition.decision not in APPEALED or rng.random() >= APPEALED[petition.decision]:
        return
    if petition.decided_at is None:
        return
    appealed_on = office_day(petition.decided_at) + timedelta(days=rng.randint(3, 10))
    if appealed_on >= office.today or (petition.story.case.closed_on is not None
                                       and appealed_on >= petition.story.case.closed_on):
        return
    petition.appealed_on = appealed_on
    petition.appeal_result = AppealResult.PENDING if (
        office.today - appealed_on).days < 45 else pick(
        rng, {AppealResult.UPHELD: 3, AppealResult.OVERTURNED: 1})


# -- the records and their history -------------------------------------------------------------


def make_proceedings(office: Office, petitions: list[Petition]) -> Counter[str]:
    """The proceedings and hearings, flushed, and their steps on the case timelines."""
    addressees = Addressees(office.authorities)
    sequence: Counter[tuple[int, int]] = Counter()
    for petition in sorted(petitions, key=lambda p: p.recorded_at):
        case = petition.story.case
        petition.lawyer = _lawyer(office, petition)
        court = addressees.regional("court", case.region) or addressees.national["vs"]
        sequence[court.id, petition.petition_on.year] += 1
        record = CourtProceeding(
            case=case, region=case.region, court=court, kind=petition.kind,
            court_case_number=(f"{7100 + court.id % 90 * 11}-{petition.petition_on:%y}-00-1/"
                               f"{sequence[court.id, petition.petition_on.year]}"),
            petition_on=petition.petition_on, lawyer=petition.lawyer,
            recorded_by=petition.lawyer, created_at=petition.recorded_at,
            updated_at=petition.recorded_at,
        )
        petition.record = record
        record.hearings = [Hearing(starts_at=at, courtroom=str(office.rng.randint(1, 12)),
                                   result=_result(office.rng, petition, at),
                                   recorded_by=petition.lawyer,
                                   recorded_at=_scheduled_at(petition, index))
                           for index, at in enumerate(petition.hearings)]
        if petition.decision is not None and petition.decided_at is not None:
            record.decision, record.decided_on = petition.decision, office_day(
                petition.decided_at)
            record.decision_summary = _summary(office.rng, petition.kind, petition.decision)
        record.appealed_on, record.appeal_result = petition.appealed_on, petition.appeal_result
    db.session.add_all(p.record for p in petitions if p.record is not None)
    db.session.flush()
    made: Counter[str] = Counter()
    for petition in petitions:
        if petition.record is not None and petition.lawyer is not None:
            _tell(office, petition, petition.record, petition.lawyer)
        made["proceedings"] += 1
        made["hearings"] += len(petition.hearings)
        if petition.kind is ProceedingKind.PAROLE and petition.decision is not None:
            made[f"parole {petition.decision.value}"] += 1
    return made


def _lawyer(office: Office, petition: Petition) -> User:
    """The lawyer assigned to the case, or one the supervisor assigns before the petition is
    recorded (the demo lawyer, assigned to many cases already, now and then)."""
    rng, case = office.rng, petition.story.case
    assigned = [a.user for a in case.assignments if a.role is AssignmentRole.LAWYER]
    if assigned:
        return assigned[0]
    counsel = [user for key, user in office.users.items() if key.startswith("counsel")]
    lawyer = office.users["lawyer"] if rng.random() < DEMO_LAWYER_SHARE else rng.choice(counsel)
    at = petition.recorded_at - timedelta(hours=1)
    case.assignments.append(CaseAssignment(user=lawyer, role=AssignmentRole.LAWYER,
                                           assigned_at=at))
    petition.story.add(at, EventKind.ASSIGNED, office.supervisor_for(case.region),
                       user=lawyer.full_name, role=AssignmentRole.LAWYER)
    return lawyer


def _scheduled_at(petition: Petition, index: int) -> datetime:
    """The first hearing is set when the proceeding is recorded; the next ones at the hearing
    before them."""
    if index == 0:
        return petition.recorded_at + timedelta(minutes=5)
    return min(petition.hearings[index - 1] + timedelta(hours=3),
               utcnow() - timedelta(minutes=20))


def _result(rng: random.Random, petition: Petition, at: datetime) -> str:
    if at > utcnow() - timedelta(hours=3):
        return ""  # not held yet
    if at == petition.decided_at and petition.decision is not None:
        return court_data.DECIDED.format(decision=court_data.DECISION_WORDS[petition.decision])
    recent = at > utcnow() - timedelta(days=6)
    if recent and at == max(petition.hearings) and rng.random() < AWAITING_RESULT_SHARE:
        return ""  # held in the last days: the lawyer has still to record what happened
    return rng.choice(court_data.ADJOURNED)


def _summary(rng: random.Random, kind: ProceedingKind, decision: Decision) -> str:
    if decision is Decision.POSTPONED:
        return rng.choice(court_data.POSTPONED)
    text = rng.choice(court_data.SUMMARIES[kind, decision])
    return text.format(n=rng.randint(4, 30))


def _tell(office: Office, petition: Petition, record: CourtProceeding, lawyer: User) -> None:
    """The proceeding's steps on its case's timeline, with their audit entries."""
    story = petition.story
    ids = {"proceeding_id": record.id, "proceeding_kind": record.kind}

    def add(at: datetime, step: str, action: AuditAction, obj: Any, changes: dict[str, Any],
            **event: Any) -> None:
        story.add_audited(at, EventKind.COURT, lawyer,
                          Audited(action, type(obj).__tablename__, obj.id, changes),
                          {"step": step, **ids, **event})

    recorded = {**record.snapshot(), "decision": None, "decided_on": None,
                "decision_summary": "", "appealed_on": None, "appeal_result": None}
    add(petition.recorded_at, "recorded", AuditAction.PROCEEDING_RECORDED, record,
        diff({}, recorded), petition_on=record.petition_on)
    now = utcnow()
    for hearing in record.hearings:
        add(hearing.recorded_at, "hearing", AuditAction.HEARING_RECORDED, hearing,
            diff({}, {"proceeding_id": record.id, "starts_at": hearing.starts_at,
                      "courtroom": hearing.courtroom}), starts_at=hearing.starts_at)
        if hearing.result:
            add(min(hearing.starts_at + timedelta(hours=2), now - timedelta(minutes=10)),
                "hearing_result", AuditAction.HEARING_RECORDED, hearing,
                {"result": ["", hearing.result]}, starts_at=hearing.starts_at)
    if record.decision is not None and petition.decided_at is not None:
        decided_at = min(petition.decided_at + timedelta(hours=2, minutes=5),
                         now - timedelta(minutes=5))
        add(decided_at, "decision", AuditAction.PROCEEDING_EDITED, record,
            {"decision": [None, record.decision], "decided_on": [None, record.decided_on],
             "decision_summary": ["", record.decision_summary], "version": 1},
            decision=record.decision, decided_on=record.decided_on)
        record.updated_at = decided_at
    if record.appealed_on is not None:
        add(moment(record.appealed_on, office.rng), "appeal",
            AuditAction.PROCEEDING_EDITED, record,
            {"appealed_on": [None, record.appealed_on],
             "appeal_result": [None, record.appeal_result], "version": 2},
            appealed_on=record.appealed_on, appeal_result=record.appeal_result)
