"""What the team records about a visit once it has taken place: obstruction by staff, the
number interviewed in private, the CCTV they saw, and the people they name to protect from
reprisals.

Entries are made while the visit is conducted and its record not yet completed; one made in
error is removed, audited. Audit entries name people by their record's id, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.database import office_today
from casework.extensions import db
from casework.people.iin import is_valid_iin
from casework.people.models import Person
from casework.people.services import NewPerson, find_or_create_person
from casework.permissions import Permission, can, can_identify_person
from casework.reference.cctv import record_cctv_coverage
from casework.reference.models import CctvCoverage
from casework.refusals import Refusal
from casework.templating import format_day
from casework.visits.models import Interviewee, Obstruction, ObstructionKind, Visit, VisitStatus
from casework.visits.services import checked_interview_count, require
from casework.workdays import WorkingCalendar

# The first reprisal check-in falls this many working days after the visit's last day.
FIRST_CHECK_IN_WORKING_DAYS = 10
CHECK_IN_HORIZON_DAYS = 366  # a check-in is planned at most a year ahead
MAX_DELAY_MINUTES = 7 * 24 * 60


def require_recording(visit: Visit, actor: User) -> None:
    """The actor records this visit, and it is at the stage where entries are made."""
    require(can(actor, Permission.RECORD_VISIT, visit))
    if visit.status is VisitStatus.PLANNED:
        raise Refusal(_("Mark the visit as conducted before recording what happened on it."))
    if visit.status is not VisitStatus.CONDUCTED:
        raise Refusal(_("The visit is %(status)s: its record can no longer be changed.",
                        status=visit.status.label.lower()))


def _entry_changes(entry: str, entry_id: int, **details: object) -> dict[str, object]:
    return {"entry": entry, "entry_id": entry_id, **details}


# -- obstruction ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObstructionInput:
    kind: ObstructionKind
    occurred_on: date
    description: str
    delay_minutes: int | None = None
    official: str = ""


def record_obstruction(visit: Visit, data: ObstructionInput, *, actor: User) -> Obstruction:
    require_recording(visit, actor)
    if not visit.starts_on <= data.occurred_on <= visit.ends_on:
        raise Refusal(_("Choose a day of the visit: %(start)s to %(end)s.",
                        start=format_day(visit.starts_on), end=format_day(visit.ends_on)),
                      field="occurred_on")
    if data.occurred_on > office_today():
        raise Refusal(_("The date cannot be in the future."), field="occurred_on")
    delayed = data.kind is ObstructionKind.ACCESS_DELAYED
    if delayed and not data.delay_minutes:
        raise Refusal(_("Say how many minutes the team was kept waiting."),
                      field="delay_minutes")
    if not delayed and data.delay_minutes is not None:
        raise Refusal(_("Minutes of delay are recorded for “Access delayed” only."),
                      field="delay_minutes")
    if data.delay_minutes is not None and not 0 < data.delay_minutes <= MAX_DELAY_MINUTES:
        raise Refusal(_("Enter the delay in minutes, at most a week."), field="delay_minutes")
    description = data.description.strip()
    if not description:
        raise Refusal(_("Describe what happened."), field="description")
    obstruction = Obstruction(
        kind=data.kind, occurred_on=data.occurred_on, delay_minutes=data.delay_minutes,
        official=data.official.strip(), description=description, recorded_by=actor,
    )
    visit.obstructions.append(obstruction)
    db.session.flush()
    record(AuditAction.VISIT_ENTRY_RECORDED, actor=actor, obj=visit, changes=_entry_changes(
        "obstruction", obstruction.id, kind=obstruction.kind, occurred_on=obstruction.occurred_on,
        delay_minutes=obstruction.delay_minutes, official=obstruction.official,
        description=obstruction.description))
    return obstruction


def remove_obstruction(obstruction: Obstruction, *, actor: User) -> None:
    """An incident recorded in error; the audit entry keeps what it said."""
    visit = obstruction.visit
    require_recording(visit, actor)
    record(AuditAction.VISIT_ENTRY_REMOVED, actor=actor, obj=visit, changes=_entry_changes(
        "obstruction", obstruction.id, kind=obstruction.kind, occurred_on=obstruction.occurred_on,
        delay_minutes=obstruction.delay_minutes, official=obstruction.official,
        description=obstruction.description))
    visit.obstructions.remove(obstruction)


# -- interviews and CCTV ----------------------------------------------------------------------


def record_observations(
    visit: Visit, *, actor: User, interviews_in_private: int | None,
    cctv_seen: CctvCoverage | None,
) -> bool:
    """How many people the team interviewed in private, and the CCTV coverage they saw (kept
    in the facility's history too, dated the visit's last day). Whether anything changed."""
    require_recording(visit, actor)
    before, version = visit.snapshot(), visit.version
    visit.interviews_in_private = checked_interview_count(visit, interviews_in_private)
    if cctv_seen is not None and cctv_seen is not visit.cctv_seen:
        record_cctv_coverage(visit.facility, cctv_seen, actor=actor, changed_on=visit.ends_on,
                             visit=visit, note=visit.reference)
    visit.cctv_seen = cctv_seen
    changed = diff(before, visit.snapshot())
    if changed:
        record(AuditAction.VISIT_EDITED, actor=actor, obj=visit,
               changes={**changed, "version": version})
    return bool(changed)


# -- interviewees -----------------------------------------------------------------------------


def first_check_in_on(visit: Visit, calendar: WorkingCalendar | None = None) -> date:
    """The default date of an interviewee's first check-in."""
    calendar = calendar or WorkingCalendar.load()
    return calendar.add_working_days(visit.ends_on, FIRST_CHECK_IN_WORKING_DAYS)


@dataclass(frozen=True)
class IntervieweeInput:
    person: NewPerson
    is_reprisal_risk: bool = True
    risk_note: str = ""
    first_check_in_on: date | None = None


def add_interviewee(visit: Visit, data: IntervieweeInput, *, actor: User) -> Interviewee:
    """Name a person the team interviewed in private, to follow them up against reprisals.

    A typed IIN of a registered person links that person (one record per IIN) and keeps the
    registered details, for an actor who may know who that person is. Anyone else gets the
    same answer as for an IIN nobody registered: a record of the person's own, with the typed
    details but not the IIN (it stays with the registered record). A refusal, or the
    registered name or birth date shown on the visit, would tell a stranger that the office
    knows this person; the audit entry keeps the registered record's id for reconciling.
    """
    require_recording(visit, actor)
    details = data.person
    if not details.full_name.strip():
        raise Refusal(_("Enter the full name."), field="full_name")
    if details.iin and not is_valid_iin(details.iin):
        raise Refusal(_("IIN must be 12 digits with a valid check digit"), field="iin")
    check_in_on = _first_check_in(visit, data)
    person, created = find_or_create_person(details, actor=actor)
    registered: Person | None = None
    if not created and not _may_link(actor, person):
        registered = person
        person, created = find_or_create_person(replace(details, iin=None), actor=actor)
    if (named := next((i for i in visit.interviewees if i.person_id == person.id), None)):
        raise Refusal(_("This person is already named on this visit as interviewee %(number)d.",
                        number=named.number), field="full_name")
    number = 1 + (db.session.scalar(
        sa.select(sa.func.max(Interviewee.number)).where(Interviewee.visit_id == visit.id)
    ) or 0)
    interviewee = Interviewee(
        number=number, person=person, is_reprisal_risk=data.is_reprisal_risk,
        risk_note=data.risk_note.strip(), next_check_in_on=check_in_on, recorded_by=actor,
    )
    visit.interviewees.append(interviewee)
    db.session.flush()
    record(AuditAction.VISIT_ENTRY_RECORDED, actor=actor, obj=visit, changes=_entry_changes(
        "interviewee", interviewee.id, number=number, person_id=person.id,
        person_created=created, is_reprisal_risk=interviewee.is_reprisal_risk,
        next_check_in_on=check_in_on,
        **({"iin_registered_to_person_id": registered.id} if registered else {})))
    return interviewee


def _may_link(actor: User, person: Person) -> bool:
    """Whether the actor may know who a registered person is: through the register's rule, or
    as one of the interviewees of a visit whose names they see."""
    if can_identify_person(actor, person):
        return True
    visits = db.session.scalars(
        sa.select(Visit).join(Interviewee).where(Interviewee.person_id == person.id)
    )
    return any(can(actor, Permission.SEE_INTERVIEWEES, visit) for visit in visits)


def _first_check_in(visit: Visit, data: IntervieweeInput) -> date | None:
    if not data.is_reprisal_risk:
        return None
    day = data.first_check_in_on
    if day is None:
        raise Refusal(_("Choose the date of the first check-in."), field="first_check_in_on")
    if day < visit.starts_on:
        raise Refusal(_("The first check-in cannot be before the visit."),
                      field="first_check_in_on")
    if day > office_today() + timedelta(days=CHECK_IN_HORIZON_DAYS):
        raise Refusal(_("Plan the check-in within a year."), field="first_check_in_on")
    return day


def remove_interviewee(interviewee: Interviewee, *, actor: User) -> None:
    """A person named in error, before any check-in: their record in the register stays."""
    visit = interviewee.visit
    require_recording(visit, actor)
    if interviewee.check_ins:
        raise Refusal(_("Check-ins are recorded for this person: the entry stays."))
    record(AuditAction.VISIT_ENTRY_REMOVED, actor=actor, obj=visit, changes=_entry_changes(
        "interviewee", interviewee.id, number=interviewee.number,
        person_id=interviewee.person_id))
    visit.interviewees.remove(interviewee)
