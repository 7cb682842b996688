"""Reprisal follow-up: check-ins with the people a visit named, and the case an alleged
reprisal opens in the same transaction (DESIGN.md §2: any reprisal alleged becomes a case).

The case is of kind "own initiative": the office acts on what its monitor learned in a
protective check-in, not on a complaint the person addressed to it. So the person is the
victim, not a complainant (no reply to the complainant would reach them through the
facility), with the reprisal-risk flag and no consent to disclosure: every reader outside
those who may see identities reads a pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.cases.models import Case, CaseKind, CaseParty, Channel, EventKind, PartyRole
from casework.cases.timeline import add_event
from casework.database import office_today
from casework.extensions import db
from casework.intake.services import IntakeData, IntakeError, register_case
from casework.permissions import Permission, can
from casework.reference.models import Category
from casework.refusals import Refusal
from casework.visits.models import CheckIn, CheckInResult, Interviewee, ReprisalKind
from casework.visits.records import CHECK_IN_HORIZON_DAYS
from casework.visits.services import require

REPRISALS_CATEGORY = "reprisals"  # the category code of the cases a reprisal opens
SUMMARY_MAX = 300  # Case.summary


@dataclass(frozen=True)
class CheckInInput:
    checked_on: date
    result: CheckInResult
    reprisal_kind: ReprisalKind | None = None
    note: str = ""
    next_check_in_on: date | None = None  # None ends the follow-up
    # The latest check-in the user saw when the form opened (0: none yet); None: not checked.
    seen_check_in_id: int | None = None


class StaleCheckIn(Refusal):
    """A check-in was recorded after the user opened the form: the same form sent twice, or
    a colleague at the same moment. Recording it again would open a second case for a
    reprisal alleged once."""

    def __init__(self) -> None:
        super().__init__(_("A check-in was recorded for this person after you opened the form: "
                           "check the history before recording another."))


def latest_check_in_id(interviewee: Interviewee) -> int:
    return max((check_in.id for check_in in interviewee.check_ins), default=0)


def _require_latest_seen(interviewee: Interviewee, seen: int) -> None:
    """Refuse when a check-in came after the one the user saw. The row lock makes two requests
    at the same moment (PostgreSQL) check in turn, the second then seeing the first's."""
    db.session.execute(sa.select(Interviewee.id).where(Interviewee.id == interviewee.id)
                       .with_for_update())
    latest = db.session.scalar(sa.select(sa.func.max(CheckIn.id))
                               .where(CheckIn.interviewee_id == interviewee.id))
    if (latest or 0) != seen:
        raise StaleCheckIn()


def record_check_in(interviewee: Interviewee, data: CheckInInput, *, actor: User) -> CheckIn:
    """One check-in, and the next one's date (none ends the follow-up). A reprisal alleged
    opens a linked case; the check-in points at it. Check-ins go on after the visit's record
    is completed: protection lasts longer than the report."""
    visit = interviewee.visit
    require(can(actor, Permission.RECORD_VISIT, visit))
    if not visit.has_taken_place:
        raise Refusal(_("Check-ins follow a visit that has taken place."))
    if data.seen_check_in_id is not None:
        _require_latest_seen(interviewee, data.seen_check_in_id)
    today = office_today()
    _check_dates(data, visit.starts_on, today)
    alleged = data.result is CheckInResult.REPRISAL_ALLEGED
    if alleged and data.reprisal_kind is None:
        raise Refusal(_("Choose the kind of reprisal alleged."), field="reprisal_kind")
    if not alleged and data.reprisal_kind is not None:
        raise Refusal(_("Choose a kind of reprisal only when one is alleged."),
                      field="reprisal_kind")
    check_in = CheckIn(
        due_on=interviewee.next_check_in_on or data.checked_on,  # unscheduled: the day itself
        checked_on=data.checked_on, result=data.result, reprisal_kind=data.reprisal_kind,
        note=data.note.strip(), checked_by=actor,
    )
    if alleged:
        check_in.case = open_reprisal_case(interviewee, data, actor=actor)
    interviewee.check_ins.append(check_in)
    previous = interviewee.next_check_in_on
    interviewee.next_check_in_on = data.next_check_in_on
    db.session.flush()
    record(AuditAction.CHECK_IN_RECORDED, actor=actor, obj=interviewee, changes={
        "visit_id": visit.id, "check_in_id": check_in.id, "number": interviewee.number,
        "due_on": check_in.due_on, "checked_on": check_in.checked_on, "result": check_in.result,
        "reprisal_kind": check_in.reprisal_kind, "case_id": check_in.case_id,
        "next_check_in_on": [previous, interviewee.next_check_in_on],
    })
    return check_in


def _check_dates(data: CheckInInput, visit_start: date, today: date) -> None:
    if data.checked_on > today:
        raise Refusal(_("The date cannot be in the future."), field="checked_on")
    if data.checked_on < visit_start:
        raise Refusal(_("A check-in follows the visit."), field="checked_on")
    following = data.next_check_in_on
    if data.result is CheckInResult.NOT_REACHED and following is None:
        raise Refusal(_("The person was not reached: choose when to try again."),
                      field="next_check_in_on")
    if following is not None and following <= data.checked_on:
        raise Refusal(_("The next check-in comes after this one."), field="next_check_in_on")
    if following is not None and following > today + timedelta(days=CHECK_IN_HORIZON_DAYS):
        raise Refusal(_("Plan the check-in within a year."), field="next_check_in_on")


def reprisals_category() -> Category:
    category = db.session.scalar(sa.select(Category).where(Category.code == REPRISALS_CATEGORY))
    if category is None:
        raise Refusal(_("The case category “%(code)s” is missing from the reference data, so "
                        "no case can be opened for this reprisal. Ask an administrator to add "
                        "it; nothing was recorded.", code=REPRISALS_CATEGORY), field="result")
    return category


def open_reprisal_case(interviewee: Interviewee, data: CheckInInput, *, actor: User) -> Case:
    """The case for a reprisal alleged at a check-in: registered through intake (number,
    deadlines, audit), linked to the visit, with the person as a victim at risk."""
    visit = interviewee.visit
    kind = data.reprisal_kind
    if kind is None:
        raise Refusal(_("Choose the kind of reprisal alleged."), field="reprisal_kind")
    summary = _("Reprisal alleged after NPM visit %(reference)s: %(kind)s",
                reference=visit.reference, kind=kind.label)
    intake = IntakeData(
        kind=CaseKind.OWN_INITIATIVE, channel=Channel.NPM_VISIT, received_on=data.checked_on,
        summary=summary[:SUMMARY_MAX], description=data.note,
        category_ids=[reprisals_category().id], facility_id=visit.facility_id,
        region=visit.region, is_urgent=kind is ReprisalKind.VIOLENCE,
    )
    try:
        case = register_case(intake, actor=actor)
    except IntakeError as refused:
        raise Refusal(str(refused), field="checked_on") from refused
    case.visit = visit
    # Not through intake's parties: it links a person only for someone who may identify
    # them, and the team names people it may not find in the register's cases.
    party = CaseParty(person=interviewee.person, role=PartyRole.VICTIM, pseudonym_index=1,
                      is_reprisal_risk=True, consents_to_disclosure=False)
    case.parties.append(party)
    db.session.flush()
    add_event(case, EventKind.PARTY_ADDED, actor=actor, party_role=party.role,
              party_index=party.pseudonym_index)
    record(AuditAction.PARTY_ADDED, actor=actor, obj=party, changes={
        "case_id": case.id, "person_id": party.person_id, "role": party.role,
        "pseudonym_index": party.pseudonym_index, "consents_to_disclosure": False,
        "consent_addressees": [], "is_reprisal_risk": True, "visit_id": visit.id,
        "interviewee_id": interviewee.id,
    })
    return case
