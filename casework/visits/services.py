"""Business rules for planning a visit, editing it and moving it along its lifecycle.

Like every feature's services, each function checks the actor's rights itself, writes its
audit entry and never commits: the view does, so a change and its record are atomic. What
the team records during the visit lives in `records`, reprisal follow-up in `reprisals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, diff, record
from casework.database import office_today, utcnow
from casework.extensions import db
from casework.numbering import visit_reference
from casework.permissions import Permission, can, covers_region, has_permission
from casework.reference.models import Facility
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.templating import format_day
from casework.visits.lifecycle import (
    EDITABLE,
    INTERVIEWS,
    REASON,
    STEPS_BY_ACTION,
    SUMMARY,
    VisitStep,
)
from casework.visits.models import (
    NpmParticipant,
    Visit,
    VisitMember,
    VisitParticipant,
    VisitStatus,
    VisitType,
)
from casework.visits.queries import ChangeRow, changes_since

TEAM_ROLES = (Role.MONITOR, Role.SUPERVISOR)
MAX_VISIT_DAYS = 31  # longer is a typo, not a visit
PLANNING_HORIZON_DAYS = 2 * 366  # how far ahead a visit may be planned
LATE_ENTRY_DAYS = 366  # how long after the fact a visit may still be entered


class StaleEdit(Refusal):
    """Someone changed the visit after the user opened the form; `changes` says what."""

    def __init__(self, changes: list[ChangeRow]) -> None:
        super().__init__(_("Someone else changed this visit after you opened the form."))
        self.changes = changes


@dataclass(frozen=True)
class VisitInput:
    """What the plan and edit forms give: the facility, dates, kind, team and purpose."""

    facility: Facility
    type: VisitType
    is_announced: bool
    starts_on: date
    ends_on: date
    team: Sequence[User]
    participants: Sequence[NpmParticipant] = ()
    leader: User | None = None  # None: the planner if on the team, else the first member
    theme: str = ""
    purpose: str = ""
    summary: str | None = None  # None: keep it (the plan form has no summary)


def require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You are not allowed to do this on this visit."))


def require_editable(visit: Visit) -> None:
    """Entries and edits are made until the record is completed (or the visit cancelled)."""
    if visit.status not in EDITABLE:
        raise Refusal(_("The visit is %(status)s: its record can no longer be changed.",
                        status=visit.status.label.lower()))


def may_plan(user: User) -> bool:
    return has_permission(user, Permission.RECORD_VISIT)


# -- planning and editing ---------------------------------------------------------------------


def plan_visit(data: VisitInput, *, actor: User) -> Visit:
    """A new visit in status PLANNED, numbered in the year it starts. A monitor who plans a
    visit is on its team (or they could not record it); a supervisor may plan for others."""
    require(may_plan(actor))
    today = office_today()
    _check_facility(data.facility, actor, current=None)
    _check_dates(data.starts_on, data.ends_on, today)
    team = _team_with_planner(data.team, actor)
    visit = Visit(
        reference=visit_reference(data.starts_on.year),
        facility=data.facility, region=data.facility.region, type=data.type,
        is_announced=data.is_announced, starts_on=data.starts_on, ends_on=data.ends_on,
        theme=_theme(data), purpose=data.purpose.strip(), status=VisitStatus.PLANNED,
        created_by=actor,
    )
    _set_team(visit, team, data.leader, actor, before=[])
    _set_participants(visit, data.participants, before=[])
    db.session.add(visit)
    db.session.flush()
    record(AuditAction.VISIT_PLANNED, actor=actor, obj=visit,
           changes={"reference": visit.reference, **diff({}, visit.snapshot())})
    return visit


def edit_visit(visit: Visit, data: VisitInput, *, expected_version: int, actor: User) -> bool:
    """Change the plan (and the summary) while the record is not final; whether anything
    changed. A form opened before someone else's save is refused with what they changed."""
    require(can(actor, Permission.RECORD_VISIT, visit))
    require_editable(visit)
    if expected_version != visit.version:
        raise StaleEdit(changes_since(visit, expected_version))
    today = office_today()
    if data.facility.id != visit.facility_id:
        if visit.has_taken_place:
            raise Refusal(_("The facility cannot change once the visit has taken place."),
                          field="facility")
        _check_facility(data.facility, actor, current=visit.facility)
    _check_dates(data.starts_on, data.ends_on, today, visit=visit)
    before, version = visit.snapshot(), visit.version
    was_on_team = {member.user_id for member in visit.members}
    had_participants = {p.participant_id for p in visit.participants}
    dates_moved = (data.starts_on, data.ends_on) != (visit.starts_on, visit.ends_on)
    visit.facility, visit.region = data.facility, data.facility.region
    visit.type, visit.is_announced = data.type, data.is_announced
    visit.starts_on, visit.ends_on = data.starts_on, data.ends_on
    visit.theme, visit.purpose = _theme(data), data.purpose.strip()
    if data.summary is not None:
        visit.summary = data.summary.strip()
    _set_team(visit, data.team, data.leader, actor, before=was_on_team)
    recheck = set() if dates_moved else had_participants
    _set_participants(visit, data.participants, before=recheck)
    db.session.flush()  # the snapshot reads the ids of the new facility, leader and members
    changed = diff(before, visit.snapshot())
    if not changed:
        return False
    if visit.version == version:  # only the team or the participants changed
        visit.updated_at = utcnow()  # still a new version: an open form must see it
    record(AuditAction.VISIT_EDITED, actor=actor, obj=visit,
           changes={**changed, "version": version})
    return True


def _theme(data: VisitInput) -> str:
    """A thematic visit names its theme; other kinds keep none."""
    theme = data.theme.strip()
    if data.type is VisitType.THEMATIC and not theme:
        raise Refusal(_("A thematic visit needs its theme."), field="theme")
    return theme if data.type is VisitType.THEMATIC else ""


def _check_facility(facility: Facility, actor: User, *, current: Facility | None) -> None:
    if not facility.is_active and facility is not current:
        raise Refusal(_("This facility is no longer active."), field="facility")
    if not covers_region(actor, facility.region):
        raise Refusal(_("You plan visits to facilities of your region only."), field="facility")


def _check_dates(starts_on: date, ends_on: date, today: date, visit: Visit | None = None) -> None:
    if ends_on < starts_on:
        raise Refusal(_("The visit cannot end before it starts."), field="ends_on")
    if (ends_on - starts_on).days >= MAX_VISIT_DAYS:
        raise Refusal(ngettext("A visit lasts at most %(num)d day.",
                               "A visit lasts at most %(num)d days.", MAX_VISIT_DAYS),
                      field="ends_on")
    if starts_on > today + timedelta(days=PLANNING_HORIZON_DAYS):
        raise Refusal(_("Plan visits at most two years ahead."), field="starts_on")
    if starts_on < today - timedelta(days=LATE_ENTRY_DAYS):
        raise Refusal(_("A visit is entered within a year of its start."), field="starts_on")
    if visit is None:
        return
    if visit.has_taken_place and starts_on > today:
        raise Refusal(_("The visit has taken place: it cannot start in the future."),
                      field="starts_on")
    outside = [o for o in visit.obstructions if not starts_on <= o.occurred_on <= ends_on]
    if outside:
        raise Refusal(_("Obstruction was recorded on %(day)s: the visit's dates must include "
                        "that day.", day=format_day(outside[0].occurred_on)), field="starts_on")


def _team_with_planner(team: Sequence[User], actor: User) -> list[User]:
    members = list(dict.fromkeys(team))
    if not actor.has_role(Role.SUPERVISOR) and actor not in members:
        members.insert(0, actor)
    return members


def _set_team(
    visit: Visit, team: Sequence[User], leader: User | None, actor: User, *,
    before: Sequence[int] | set[int],
) -> None:
    """Staff on the team: monitors and supervisors who cover the visit's region; a member
    already on the team stays even if their account changed since."""
    members = list(dict.fromkeys(team))
    if not members:
        raise Refusal(_("Choose at least one member of staff for the team."), field="team")
    unfit = [user.full_name for user in members
             if user.id not in before and not may_join(user, visit)]
    if unfit:
        raise Refusal(_("These people cannot be on this visit's team (NPM monitors and "
                        "supervisors of its region only): %(names)s.", names=", ".join(unfit)),
                      field="team")
    if actor.id in before and actor not in members and not actor.has_role(Role.SUPERVISOR):
        raise Refusal(_("You cannot take yourself off the team: ask the region's "
                        "supervisor."), field="team")
    if leader is not None and leader not in members:
        raise Refusal(_("The leader must be on the team."), field="leader")
    chosen = leader or (actor if actor in members else members[0])
    visit.leader = chosen
    kept = {member.user_id: member for member in visit.members}
    visit.members = [kept.get(user.id) or VisitMember(user=user) for user in members]


def may_join(user: User, visit: Visit) -> bool:
    return (user.is_active and any(user.has_role(role) for role in TEAM_ROLES)
            and covers_region(user, visit.region))


def _set_participants(
    visit: Visit, participants: Sequence[NpmParticipant], *, before: set[int] | list[int]
) -> None:
    """External participants: each needs a signed declaration in force on every day of the
    visit, and a participant new to the visit must be active in the registry. `before`:
    participants already on the visit whose declaration need not be checked again."""
    chosen = list(dict.fromkeys(participants))
    refused = [
        _("%(name)s (%(why)s)", name=participant.full_name, why=why)
        for participant in chosen
        if (why := _why_not_eligible(participant, visit, checked=participant.id in before))
    ]
    if refused:
        raise Refusal(_("These participants cannot join this visit: %(list)s.",
                        list="; ".join(refused)), field="participants")
    kept = {p.participant_id: p for p in visit.participants}
    visit.participants = [kept.get(p.id) or VisitParticipant(participant=p) for p in chosen]


def _why_not_eligible(participant: NpmParticipant, visit: Visit, *, checked: bool) -> str | None:
    if checked:
        return None
    if not participant.is_active:
        return _("no longer active in the registry")
    if participant.declaration_signed_on is None:
        return _("no signed eligibility declaration")
    if participant.declaration_signed_on > visit.starts_on:
        return _("the declaration was signed on %(day)s, after the visit starts",
                 day=format_day(participant.declaration_signed_on))
    for day in (visit.starts_on, visit.ends_on):  # the declaration is one unbroken period
        if not participant.declaration_covers(day):
            return _("the declaration is valid until %(day)s",
                     day=format_day(participant.declaration_valid_until))
    return None


# -- the lifecycle ----------------------------------------------------------------------------


def check_step_possible(visit: Visit, step: VisitStep, *, actor: User,
                        today: date | None = None) -> None:
    """Refuse a step the table does not allow now, that is not the actor's, or that a
    condition blocks, whatever the request says."""
    if visit.status is not step.source:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the visit is %(status)s.",
              action=step.label, status=visit.status.label.lower()))
    if not step.who(actor, visit):
        raise NotAllowed(_("You are not allowed to do this on this visit."))
    if (blocker := step.blocker(visit, today or office_today())) is not None:
        raise InvalidTransition(str(blocker))


def apply_step(
    visit: Visit,
    action: str,
    *,
    actor: User,
    reason: str = "",
    summary: str | None = None,
    interviews_in_private: int | None = None,
) -> VisitStep:
    """Move the visit along one step of the lifecycle table; the only place that sets its
    status."""
    step = STEPS_BY_ACTION.get(action)
    if step is None:
        raise InvalidTransition(_("There is no such action."))
    today = office_today()
    check_step_possible(visit, step, actor=actor, today=today)
    reason = (reason or "").strip()
    if REASON in step.needs and not reason:
        raise InvalidTransition(_("Give the reason for this step."), field="reason")
    before, version = visit.snapshot(), visit.version
    if SUMMARY in step.needs:
        visit.summary = _summary(summary)
    if INTERVIEWS in step.needs:
        visit.interviews_in_private = checked_interview_count(visit, interviews_in_private)
    visit.status = step.target
    if step.target is VisitStatus.COMPLETED:
        visit.completed_on = today
    elif step.action == "reopen":
        visit.completed_on = None
    if step.target is VisitStatus.CANCELLED:
        visit.cancel_reason = reason
    record(AuditAction.VISIT_STEP, actor=actor, obj=visit,
           changes={**diff(before, visit.snapshot()), "action": action, "reason": reason,
                    "version": version})
    return step


def _summary(summary: str | None) -> str:
    summary = (summary or "").strip()
    if not summary:
        raise InvalidTransition(_("Write the general findings of the visit."), field="summary")
    return summary


def checked_interview_count(visit: Visit, count: int | None) -> int:
    """The number of people interviewed in private: given, and at least those named."""
    if count is None:
        raise Refusal(_("Enter how many people were interviewed in private."),
                      field="interviews_in_private")
    if count < 0:
        raise Refusal(_("The number cannot be negative."), field="interviews_in_private")
    named = len(visit.interviewees)
    if count < named:
        raise Refusal(ngettext("%(num)d person interviewed in private is named below: the "
                               "number cannot be smaller.",
                               "%(num)d people interviewed in private are named below: the "
                               "number cannot be smaller.", named),
                      field="interviews_in_private")
    return count
