"""The people a demo visit protects from reprisals: interviewees named at risk, their
check-ins, and the few reprisals alleged at a check-in, each of which opened a linked case.

A reprisal case is one of the demo's NPM-channel cases, reshaped before anything else reads it
into what visits.reprisals.open_reprisal_case makes: own initiative, category "reprisals",
the visit's facility and the visit itself, the interviewee as a victim at risk without
consent, registered by the monitor who did the check-in on the day of the check-in.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from casework.accounts.models import User
from casework.audit import AuditAction
from casework.cases.models import CaseKind, CaseParty, Channel, EventKind, PartyRole
from casework.demo import visit_data
from casework.demo.cases import Audited, Office, Story, moment, pick
from casework.demo.visits import VisitYear
from casework.extensions import db
from casework.people.models import Person
from casework.reference.models import FacilityType
from casework.visits.models import CheckIn, CheckInResult, Interviewee, ReprisalKind, Visit

NAMED_SHARE = 0.17  # of the visits that took place, those that named people at risk
REPRISAL_SHARE = 0.03  # of the visits: a reprisal alleged at a check-in after it
OVERDUE_SHARE = 0.25  # of the check-ins due in the last weeks, still waiting
# Ages of the people held at each kind of place (default: adults up to 65).
AGES = {FacilityType.CHILDRENS_INSTITUTION: (10, 17), FacilityType.MILITARY_GUARDHOUSE: (18, 25),
        FacilityType.SOCIAL_WELFARE: (25, 85)}
REPRISAL_CASE_ACTIONS = ("declare_not_admissible", "refer_out")  # paths a reprisal never takes
# A check-in made, with the interviewee's next check-in before and after it.
Made = tuple[CheckIn, Interviewee, date | None, date | None]


def choose_cases(office: Office, stories: list[Story], visit_count: int) -> list[Story]:
    """NPM-channel cases that will become reprisals alleged after a visit: a detained person
    at a facility, who is the case's only party, reported in the last year."""
    today = office.today
    candidates = [
        story for story in stories
        if story.case.channel is Channel.NPM_VISIT and story.case.facility is not None
        and len(story.case.parties) == 1
        and story.case.parties[0].person.facility is story.case.facility
        and story.case.parties[0].person.iin is not None  # a visit names people by IIN
        and today - timedelta(days=300) <= story.case.received_on <= today - timedelta(days=3)
        and not any(story.transition(action) for action in REPRISAL_CASE_ACTIONS)
    ]
    wanted = round(visit_count * REPRISAL_SHARE)
    return office.rng.sample(candidates, k=min(len(candidates), wanted))


def set_registrar(story: Story, user: User) -> None:
    """Who registered the case, on the case and on its first timeline entry."""
    story.case.created_by = user
    story.happenings = [(at, kind, user if kind is EventKind.REGISTERED else actor, data, audited)
                        for at, kind, actor, data, audited in story.happenings]


def make_interviewees(office: Office, year: VisitYear) -> int:
    """Named interviewees on about NAMED_SHARE of the visits that took place (and on every
    visit a reprisal followed), with their check-ins up to today; how many check-ins."""
    rng = office.rng
    chosen = [visit for visit in year.taken_place
              if year.slot(visit).reprisal is not None or rng.random() < NAMED_SHARE]
    followed: list[tuple[Visit, Interviewee, Story | None]] = []
    for visit in chosen:
        reprisal = year.slot(visit).reprisal
        people = [reprisal.case.parties[0].person] if reprisal is not None else []
        people += [_person(office, visit) for _ in range(pick(rng, {1: 5, 2: 3, 3: 2})
                                                          - len(people))]
        recorder = visit.leader
        for number, person in enumerate(people, start=1):
            interviewee = Interviewee(
                number=number, person=person, is_reprisal_risk=True,
                risk_note=rng.choice(visit_data.RISK_NOTES), recorded_by=recorder,
                recorded_at=moment(visit.ends_on, rng, at=time(18)),
            )
            visit.interviewees.append(interviewee)
            followed.append((visit, interviewee, reprisal if number == 1 else None))
    db.session.flush()  # the reprisal cases name their interviewee
    made: list[Made] = []
    for visit, interviewee, reprisal in followed:
        _follow_up(office, visit, interviewee, reprisal, made)
    db.session.flush()
    for visit, interviewee, _reprisal in followed:
        year.audit.add(interviewee.recorded_at, interviewee.recorded_by,
                       AuditAction.VISIT_ENTRY_RECORDED, visit,
                       {"entry": "interviewee", "entry_id": interviewee.id,
                        "number": interviewee.number})
    for check_in, interviewee, previous, following in made:
        year.audit.add(check_in.recorded_at, check_in.checked_by,
                       AuditAction.CHECK_IN_RECORDED, interviewee, {
                           "visit_id": interviewee.visit_id, "check_in_id": check_in.id,
                           "number": interviewee.number, "due_on": check_in.due_on,
                           "checked_on": check_in.checked_on, "result": check_in.result,
                           "reprisal_kind": check_in.reprisal_kind,
                           "case_id": check_in.case_id,
                           "next_check_in_on": [previous, following]})
    for visit in year.taken_place:
        named = len(visit.interviewees)
        visit.interviews_in_private = max(named, _interviews(rng, visit))
    return len(made)


def _person(office: Office, visit: Visit) -> Person:
    low, high = AGES.get(visit.facility.type, (18, 65))
    return office.people.make(facility=visit.facility, min_age=low, max_age=high,
                              with_iin=True)


def _interviews(rng: random.Random, visit: Visit) -> int:
    """People heard in private: a handful in police cells, dozens in a large colony."""
    capacity = min(visit.facility.capacity or 50, 1200)
    return max(5, min(40, round(rng.gauss(6 + capacity / 1200 * 28, 4))))


def _schedule(office: Office, visit: Visit) -> list[date]:
    first = office.calendar.add_working_days(visit.ends_on,
                                             visit_data.FIRST_CHECK_IN_WORKING_DAYS)
    days = [first]
    for gap in visit_data.LATER_CHECK_INS:
        days.append(days[-1] + timedelta(days=gap))
    return days


def _follow_up(office: Office, visit: Visit, interviewee: Interviewee, reprisal: Story | None,
               made: list[Made]) -> None:
    """Check-ins on the scheduled days up to today; a reprisal reported on its case's day."""
    rng, today = office.rng, office.today
    checker = office.users["monitor"] if office.users["monitor"] in visit.team else visit.leader
    pending = _schedule(office, visit)
    while pending:
        due = pending.pop(0)
        if reprisal is not None and reprisal.case.received_on <= due + timedelta(days=5):
            made.append(_report_reprisal(office, visit, interviewee, due, reprisal, checker))
            # The follow-up goes on: the case protects the person, the check-ins watch.
            pending = [reprisal.case.received_on + timedelta(days=30)]
            reprisal = None
            continue
        waits = reprisal is None and due > today - timedelta(days=40) and \
            rng.random() < OVERDUE_SHARE
        if due > today or waits:
            interviewee.next_check_in_on = due  # the next one, or one waiting since `due`
            return
        checked_on = min(today, due + timedelta(days=rng.randint(0, 4)))
        result = pick(rng, visit_data.CHECK_IN_RESULTS)
        if result is CheckInResult.NOT_REACHED:
            pending.insert(0, checked_on + timedelta(days=rng.randint(7, 14)))
        made.append(_check_in(interviewee, due, checked_on, result, checker, pending, rng))
    interviewee.next_check_in_on = None  # the follow-up ended


def _check_in(interviewee: Interviewee, due: date, checked_on: date, result: CheckInResult,
              checker: User, pending: list[date], rng: random.Random, **reprisal: Any) -> Made:
    """The check-in, and the next one's date (none: the follow-up ended)."""
    check_in = CheckIn(due_on=due, checked_on=checked_on, result=result, checked_by=checker,
                       note=reprisal.pop("note", None) or rng.choice(
                           visit_data.CHECK_IN_NOTES[result]),
                       recorded_at=moment(checked_on, rng), **reprisal)
    interviewee.check_ins.append(check_in)
    previous, interviewee.next_check_in_on = interviewee.next_check_in_on, (
        pending[0] if pending else None)
    return check_in, interviewee, previous, interviewee.next_check_in_on


def _report_reprisal(office: Office, visit: Visit, interviewee: Interviewee, due: date,
                     story: Story, checker: User) -> Made:
    """The check-in on the day the case was received, and the case reshaped to what the
    check-in opened."""
    rng, case = office.rng, story.case
    kind = ReprisalKind.VIOLENCE if case.is_urgent else pick(
        rng, {kind: weight for kind, (weight, _note) in visit_data.REPRISALS.items()})
    note = visit_data.VIOLENCE if kind is ReprisalKind.VIOLENCE else \
        visit_data.REPRISALS[kind][1]
    case.kind, case.visit = CaseKind.OWN_INITIATIVE, visit
    case.categories = [office.categories["reprisals"]]
    case.summary = visit_data.REPRISAL_SUMMARY.format(
        reference=visit.reference, kind=visit_data.REPRISAL_LABELS[kind])[:300]
    case.description = note
    party = case.parties[0]
    party.role, party.is_reprisal_risk = PartyRole.VICTIM, True
    party.consents_to_disclosure, party.consent_scope = False, ""
    party.consent_addressees, party.consent_recorded_on = [], None
    set_registrar(story, checker)
    registered_at = min(at for at, *_rest in story.happenings)
    story.add_audited(registered_at + timedelta(minutes=2), EventKind.PARTY_ADDED, checker,
                      Audited(AuditAction.PARTY_ADDED, CaseParty.__tablename__, party.id, {
                          "case_id": case.id, "person_id": party.person_id, "role": party.role,
                          "pseudonym_index": party.pseudonym_index,
                          "consents_to_disclosure": False, "consent_addressees": [],
                          "is_reprisal_risk": True, "visit_id": visit.id,
                          "interviewee_id": interviewee.id}),
                      {"party_role": party.role, "party_index": party.pseudonym_index})
    return _check_in(interviewee, due, case.received_on, CheckInResult.REPRISAL_ALLEGED,
                     checker, [case.received_on + timedelta(days=30)], rng, reprisal_kind=kind,
                     note=note, case=case)
