"""Business rules for a case's court proceedings: recording and editing a proceeding, its
decision and appeal, scheduling hearings and recording their results; and a user's secret
calendar address for their hearings.

Like the other services, every function checks the actor's rights itself, writes its audit
entry and (for a case's proceedings) its case timeline event, and leaves the commit to the
caller so that the change and its record are atomic. Timeline events hold ids, codes and
dates, never a person's name or a free text.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, diff, record
from casework.cases.deadlines import add_months
from casework.cases.models import Case, EventKind
from casework.cases.timeline import add_event
from casework.courts import queries
from casework.courts.models import (
    AppealResult,
    CalendarFeed,
    CourtProceeding,
    Decision,
    Hearing,
    ProceedingKind,
)
from casework.database import OFFICE_TZ, office_today, utcnow
from casework.extensions import db
from casework.permissions import Permission, can, is_assigned
from casework.reference.models import Authority, AuthorityType
from casework.refusals import NotAllowed, Refusal
from casework.templating import format_day

P = Permission
# A petition may predate the complaint that brought it to the office, but not by years: an
# older date is a typing error more often than a fact.
PETITION_LOOKBACK_MONTHS = 12
# Courts set hearings weeks ahead; a date years away is a mistyped year.
HEARING_HORIZON = timedelta(days=2 * 365)
TEXT_LIMIT = 5000


class StaleProceeding(Refusal):
    """Someone changed the proceeding after the user opened the form."""

    def __init__(self, current_version: int) -> None:
        super().__init__(_("Someone else changed this court proceeding after you opened it. "
                           "Check it as it is now; saving again replaces it."))
        self.current_version = current_version


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You are not allowed to follow this case's court proceedings."))


def _check_version(proceeding: CourtProceeding, expected_version: int) -> None:
    if expected_version != proceeding.version:
        raise StaleProceeding(proceeding.version)


def _log(
    proceeding: CourtProceeding,
    action: AuditAction,
    *,
    actor: User,
    step: str,
    changes: dict[str, Any],
    obj: Any = None,
    **event: Any,
) -> None:
    """The audit entry and the case timeline event of one change."""
    record(action, actor=actor, obj=obj if obj is not None else proceeding, changes=changes)
    add_event(proceeding.case, EventKind.COURT, actor=actor, step=step,
              proceeding_id=proceeding.id, proceeding_kind=proceeding.kind, **event)


def _text(value: str | None, field: str, message: str, *, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(message, field=field)
    if len(value) > limit:
        raise Refusal(_("Keep it under %(num)d characters.", num=limit), field=field)
    return value


def _short(value: str | None, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise Refusal(_("Keep it under %(num)d characters.", num=limit), field=field)
    return value


def _check_past(day: date, field: str) -> None:
    if day > office_today():
        raise Refusal(_("The date cannot be in the future."), field=field)


def _check_court(court: Authority | None) -> Authority:
    if court is None or court.type is not AuthorityType.COURT:
        raise Refusal(_("Choose a court from the list."), field="court")
    return court


def _check_lawyer(case: Case, lawyer: User | None) -> None:
    """The lawyer who argues it: an active lawyer assigned to the case, or nobody yet."""
    if lawyer is None:
        return
    if not (lawyer.has_role(Role.LAWYER) and lawyer.is_active and is_assigned(lawyer, case)):
        raise Refusal(_("Choose a lawyer assigned to the case, or assign one to it first."),
                      field="lawyer")


def _check_petition_date(
    case: Case, petition_on: date, proceeding: CourtProceeding | None = None
) -> None:
    """Not in the future, not more than a year before the case was received, and (when the
    proceeding exists) not after its decision or its first hearing."""
    _check_past(petition_on, "petition_on")
    earliest = add_months(case.received_on, -PETITION_LOOKBACK_MONTHS)
    if petition_on < earliest:
        raise Refusal(_("The petition cannot be more than a year before the case was received "
                        "(%(day)s).", day=format_day(earliest)), field="petition_on")
    if proceeding is None:
        return
    if proceeding.decided_on and petition_on > proceeding.decided_on:
        raise Refusal(_("The petition cannot be after the decision (%(day)s).",
                        day=format_day(proceeding.decided_on)), field="petition_on")
    first = min((_office_day(h.starts_at) for h in proceeding.hearings), default=None)
    if first and petition_on > first:
        raise Refusal(_("The petition cannot be after its first hearing (%(day)s).",
                        day=format_day(first)), field="petition_on")


def _office_day(moment: datetime) -> date:
    return moment.astimezone(OFFICE_TZ).date()


# -- proceedings ------------------------------------------------------------------------------


def record_proceeding(
    case: Case,
    *,
    actor: User,
    court: Authority | None,
    kind: ProceedingKind,
    petition_on: date,
    court_case_number: str = "",
    lawyer: User | None = None,
) -> CourtProceeding:
    """A petition the office follows in court, on an open case."""
    _require(can(actor, P.FOLLOW_COURT, case))
    if not case.is_open:
        raise Refusal(_("A closed case gets no new court proceedings. Reopen it first."))
    court = _check_court(court)
    _check_petition_date(case, petition_on)
    number = _short(court_case_number, "court_case_number", 50)
    _check_lawyer(case, lawyer)
    proceeding = CourtProceeding(
        case=case, region=case.region, court=court, kind=kind, court_case_number=number,
        petition_on=petition_on, lawyer=lawyer, recorded_by=actor,
    )
    db.session.add(proceeding)
    db.session.flush()
    _log(proceeding, AuditAction.PROCEEDING_RECORDED, actor=actor, step="recorded",
         changes=diff({}, proceeding.snapshot()), petition_on=petition_on)
    return proceeding


def edit_proceeding(
    proceeding: CourtProceeding,
    *,
    actor: User,
    expected_version: int,
    court: Authority | None,
    kind: ProceedingKind,
    petition_on: date,
    court_case_number: str = "",
    lawyer: User | None = None,
) -> dict[str, list[Any]]:
    """Correct the court, kind, number, petition date or lawyer; returns the audited diff.

    The lawyer already named may stay when no longer assigned (the form then still offers
    them); a newly named one must be assigned to the case."""
    _require(can(actor, P.FOLLOW_COURT, proceeding))
    _check_version(proceeding, expected_version)
    court = _check_court(court)
    _check_petition_date(proceeding.case, petition_on, proceeding)
    number = _short(court_case_number, "court_case_number", 50)
    if (lawyer.id if lawyer else None) != proceeding.lawyer_id:
        _check_lawyer(proceeding.case, lawyer)
    before = proceeding.snapshot()
    # The ids too: snapshot() reads them, and a relationship sets its id only at the flush.
    proceeding.court, proceeding.court_id = court, court.id
    proceeding.lawyer, proceeding.lawyer_id = lawyer, lawyer.id if lawyer else None
    proceeding.kind, proceeding.court_case_number = kind, number
    proceeding.petition_on = petition_on
    changed = diff(before, proceeding.snapshot())
    if not changed:
        return {}
    _log(proceeding, AuditAction.PROCEEDING_EDITED, actor=actor, step="edited",
         changes={**changed, "version": expected_version}, fields=sorted(changed))
    db.session.flush()  # StaleDataError when another save slipped in since the check
    return changed


def record_decision(
    proceeding: CourtProceeding,
    *,
    actor: User,
    expected_version: int,
    decision: Decision,
    decided_on: date,
    summary: str,
) -> None:
    """The court's decision. A postponed one is replaced by the decision that follows it."""
    _require(can(actor, P.FOLLOW_COURT, proceeding))
    _check_version(proceeding, expected_version)
    _check_past(decided_on, "decided_on")
    if decided_on < proceeding.petition_on:
        raise Refusal(_("The decision cannot be before the petition (%(day)s).",
                        day=format_day(proceeding.petition_on)), field="decided_on")
    if proceeding.appealed_on and decided_on > proceeding.appealed_on:
        raise Refusal(_("The decision cannot be after its appeal (%(day)s).",
                        day=format_day(proceeding.appealed_on)), field="decided_on")
    text = _text(summary, "decision_summary", _("Summarise the decision."))
    before = proceeding.snapshot()
    proceeding.decision, proceeding.decided_on = decision, decided_on
    proceeding.decision_summary = text
    changed = diff(before, proceeding.snapshot())
    if not changed:
        return
    _log(proceeding, AuditAction.PROCEEDING_EDITED, actor=actor, step="decision",
         changes={**changed, "version": expected_version}, decision=decision,
         decided_on=decided_on)
    db.session.flush()


def record_appeal(
    proceeding: CourtProceeding,
    *,
    actor: User,
    expected_version: int,
    appealed_on: date,
    result: AppealResult,
) -> None:
    """An appeal against the decision, and later its result (pending until then)."""
    _require(can(actor, P.FOLLOW_COURT, proceeding))
    _check_version(proceeding, expected_version)
    if proceeding.decided_on is None:
        raise Refusal(_("Record the decision before its appeal."))
    _check_past(appealed_on, "appealed_on")
    if appealed_on < proceeding.decided_on:
        raise Refusal(_("The appeal cannot be before the decision (%(day)s).",
                        day=format_day(proceeding.decided_on)), field="appealed_on")
    before = proceeding.snapshot()
    proceeding.appealed_on, proceeding.appeal_result = appealed_on, result
    changed = diff(before, proceeding.snapshot())
    if not changed:
        return
    _log(proceeding, AuditAction.PROCEEDING_EDITED, actor=actor, step="appeal",
         changes={**changed, "version": expected_version}, appealed_on=appealed_on,
         appeal_result=result)
    db.session.flush()


# -- hearings ---------------------------------------------------------------------------------


def schedule_hearing(
    proceeding: CourtProceeding, *, actor: User, starts_at: datetime, courtroom: str = ""
) -> Hearing:
    """A hearing at a date and time (given in any zone, kept in UTC). One already held may be
    recorded after the fact, with its result."""
    _require(can(actor, P.FOLLOW_COURT, proceeding))
    if starts_at.tzinfo is None:
        raise ValueError("naive datetime given: say the zone (the office's is OFFICE_TZ)")
    starts_at = starts_at.astimezone(UTC)
    if _office_day(starts_at) < proceeding.petition_on:
        raise Refusal(_("A hearing cannot be before the petition (%(day)s).",
                        day=format_day(proceeding.petition_on)), field="day")
    if starts_at > utcnow() + HEARING_HORIZON:
        raise Refusal(_("The hearing is more than two years ahead: check the year."),
                      field="day")
    if any(hearing.starts_at == starts_at for hearing in proceeding.hearings):
        raise Refusal(_("A hearing at this time is already recorded."), field="time")
    room = _short(courtroom, "courtroom", 100)
    hearing = Hearing(proceeding=proceeding, starts_at=starts_at, courtroom=room,
                      recorded_by=actor)
    db.session.add(hearing)
    db.session.flush()
    _log(proceeding, AuditAction.HEARING_RECORDED, actor=actor, step="hearing", obj=hearing,
         changes=diff({}, {"proceeding_id": proceeding.id, "starts_at": starts_at,
                           "courtroom": room}),
         starts_at=starts_at)
    return hearing


def record_hearing_result(hearing: Hearing, *, actor: User, result: str) -> None:
    """What happened at a hearing, once it has started; recorded once."""
    proceeding = hearing.proceeding
    _require(can(actor, P.FOLLOW_COURT, proceeding))
    if hearing.starts_at > utcnow():
        raise Refusal(_("The hearing has not started yet: record its result once it has."),
                      field="result")
    if hearing.result:
        raise Refusal(_("This hearing's result is already recorded."))
    text = _text(result, "result", _("Say what happened at the hearing."))
    # Conditional, so two people recording at the same moment cannot overwrite each other.
    updated = db.session.execute(
        sa.update(Hearing).where(Hearing.id == hearing.id, Hearing.result == "")
        .values(result=text).execution_options(synchronize_session="fetch")
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(hearing)
        raise Refusal(_("This hearing's result is already recorded."))
    _log(proceeding, AuditAction.HEARING_RECORDED, actor=actor, step="hearing_result",
         obj=hearing, changes={"result": ["", text]}, starts_at=hearing.starts_at)


# -- the calendar feed ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_calendar_feed(*, actor: User) -> str:
    """A new secret address for the actor's hearings, replacing any earlier one. Returns the
    token, which is not kept: only its hash is, so it can be shown only this once."""
    if not can(actor, P.FOLLOW_COURT):
        raise NotAllowed(_("Only those who follow court proceedings have a hearings calendar."))
    token = secrets.token_urlsafe(32)
    feed = queries.calendar_feed_of(actor)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=actor.id)
        db.session.add(feed)
    feed.token_hash = token_hash(token)
    feed.created_at, feed.last_used_at = utcnow(), None
    db.session.flush()
    record(AuditAction.CALENDAR_FEED_CREATED, actor=actor, obj=feed,
           changes={"replaced": replaced})
    return token


def revoke_calendar_feed(*, actor: User) -> None:
    """The address stops working at once; calendars subscribed to it keep what they have."""
    feed = queries.calendar_feed_of(actor)
    if feed is None:
        raise Refusal(_("You have no calendar address to revoke."))
    record(AuditAction.CALENDAR_FEED_REVOKED, actor=actor, obj=feed,
           changes={"created_at": [feed.created_at, None]})
    db.session.delete(feed)
    db.session.flush()
