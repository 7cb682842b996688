"""Business rules for cases: the lifecycle, assignment, deadlines, tasks, edits, notes and
revealing identities.

Every function checks the actor's rights itself (a view may forget; a forged request must not
get through), writes its audit entry and timeline event, and never commits: the caller does,
so a change and its record are atomic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, diff, record
from casework.cases import deadlines
from casework.cases.lifecycle import (
    TRANSITIONS_BY_ACTION,
    CaseStatus,
    Outcome,
    Transition,
    open_recommendations,
)
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseParty,
    CaseTask,
    DeadlineExtension,
    EventKind,
    Note,
    TaskKind,
)
from casework.cases.queries import ChangeRow, changes_since
from casework.cases.timeline import add_event
from casework.database import office_today, utcnow
from casework.extensions import db
from casework.permissions import Permission, can, covers_region
from casework.reference.models import Authority, Facility
from casework.reference.regions import Region
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.templating import format_day
from casework.workdays import WorkingCalendar


class StaleEdit(Refusal):
    """Someone changed the case after the user opened the form; `changes` says what."""

    def __init__(self, changes: list[ChangeRow], current_version: int) -> None:
        super().__init__(_("Someone else changed this case after you opened the form."))
        self.changes = changes
        self.current_version = current_version


def _require(allowed: bool, error: type[Refusal] = NotAllowed) -> None:
    if not allowed:
        raise error(_("You are not allowed to do this on this case."))


# -- the lifecycle ----------------------------------------------------------------------------


def apply_transition(
    case: Case,
    action: str,
    *,
    actor: User,
    reason: str | None = None,
    outcome: Outcome | str | None = None,
    authority: Authority | None = None,
    why_open: str | None = None,
) -> Transition:
    """Move the case along one transition of the lifecycle table; the only place that sets
    a case's status. Closing a case whose recommendations are still open needs `why_open`."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise InvalidTransition(_("There is no such action."))
    reason = (reason or "").strip()
    chosen = _check_transition(case, transition, actor, reason, outcome or None, authority)
    why_open = _why_close_with_open_recommendations(case, transition, why_open)
    reopening = transition.source is CaseStatus.CLOSED
    # Read the calendar before changing the case: the query would flush a half-made change.
    calendar = WorkingCalendar.load() if reopening else None
    before, version = case.snapshot(), case.version
    case.status = transition.target
    if transition.target is CaseStatus.CLOSED:
        case.outcome, case.closed_on = chosen, office_today()
        case.referred_to = authority if transition.needs_authority else None
    elif calendar is not None:  # reopening: the calendar was read above
        case.outcome = case.closed_on = case.referred_to = None
        # A reopened case is decided again within the full period, counted from today.
        case.decision_due = deadlines.decision_due(office_today(), calendar)
    if action == "refer_out":
        _finish_open_tasks(case, TaskKind.FORWARD_OUT_OF_MANDATE, actor)
    add_event(
        case, EventKind.TRANSITION, actor=actor, action=action, reason=reason,
        outcome=chosen, why_open=why_open, **{"from": before["status"], "to": transition.target},
    )
    record(
        AuditAction.CASE_TRANSITION, actor=actor, obj=case,
        changes={**diff(before, case.snapshot()), "action": action, "reason": reason,
                 "why_open": why_open, "version": version},
    )
    return transition


def _why_close_with_open_recommendations(
    case: Case, transition: Transition, why_open: str | None
) -> str:
    """A case closes with recommendations still open only when the supervisor says why."""
    if transition.target is not CaseStatus.CLOSED or not (count := open_recommendations(case)):
        return ""
    why_open = (why_open or "").strip()
    if not why_open:
        raise InvalidTransition(
            ngettext("%(num)d recommendation of this case is still open: say why the case "
                     "closes anyway.",
                     "%(num)d recommendations of this case are still open: say why the case "
                     "closes anyway.", count),
            field="why_open",
        )
    return why_open


def check_transition_possible(case: Case, transition: Transition, *, actor: User) -> None:
    """Refuse a step the actor cannot take now, whatever they type: the case is at another
    stage, the step is not theirs, or something blocks it."""
    if case.status is not transition.source:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the case is at the stage “%(status)s”.",
              action=transition.label, status=case.status.label)
        )
    _require(can(actor, transition.permission, case), InvalidTransition)
    if (blocker := transition.blocker(case)) is not None:
        raise InvalidTransition(str(blocker))


def _check_transition(
    case: Case,
    transition: Transition,
    actor: User,
    reason: str,
    outcome: Outcome | str | None,
    authority: Authority | None,
) -> Outcome | None:
    """Refuse the transition with the first reason that applies; return the outcome to set."""
    check_transition_possible(case, transition, actor=actor)
    if transition.needs_reason and not reason:
        raise InvalidTransition(_("Give the reason for this step."), field="reason")
    if transition.needs_authority and authority is None:
        raise InvalidTransition(_("Choose the body the case is referred to."), field="authority")
    if outcome is None and len(transition.outcomes) == 1:
        return transition.outcomes[0]
    if outcome is None and transition.outcomes:
        raise InvalidTransition(_("Choose the outcome."), field="outcome")
    if outcome is not None and outcome not in transition.outcomes:
        raise InvalidTransition(_("This outcome does not fit this step."), field="outcome")
    return Outcome(outcome) if outcome is not None else None


# -- assignment -------------------------------------------------------------------------------

ASSIGNABLE_ROLES = {AssignmentRole.CASEWORKER: Role.CASEWORKER, AssignmentRole.LAWYER: Role.LAWYER}


def assign_case(case: Case, user: User, role: AssignmentRole, *, actor: User) -> CaseAssignment:
    _require(can(actor, Permission.ASSIGN_CASE, case))
    if not case.is_open:
        raise Refusal(_("A closed case cannot be assigned."))
    if not user.is_active or not user.has_role(ASSIGNABLE_ROLES[role]):
        raise Refusal(_("%(name)s cannot work on cases as %(role)s.",
                          name=user.full_name, role=role.label), field="user")
    if any(a.user_id == user.id for a in case.assignments):
        raise Refusal(_("%(name)s is already assigned.", name=user.full_name), field="user")
    assignment = CaseAssignment(user=user, role=role)
    case.assignments.append(assignment)
    db.session.flush()  # permission rules compare assignments by user_id
    add_event(case, EventKind.ASSIGNED, actor=actor, user=user.full_name, role=role)
    record(AuditAction.CASE_ASSIGNED, actor=actor, obj=case,
           changes={"user_id": user.id, "role": role})
    return assignment


def unassign_case(case: Case, user: User, *, actor: User) -> None:
    _require(can(actor, Permission.ASSIGN_CASE, case))
    assignment = next((a for a in case.assignments if a.user_id == user.id), None)
    if assignment is None:
        raise Refusal(_("%(name)s is not assigned to this case.", name=user.full_name))
    case.assignments.remove(assignment)
    add_event(case, EventKind.UNASSIGNED, actor=actor, user=user.full_name, role=assignment.role)
    record(AuditAction.CASE_UNASSIGNED, actor=actor, obj=case,
           changes={"user_id": user.id, "role": assignment.role})


# -- deadlines and tasks ----------------------------------------------------------------------


def extend_deadline(
    case: Case, new_due: date, ground: str, *, actor: User
) -> DeadlineExtension:
    """A reasoned extension by a supervisor; the complainant must be told within days."""
    _require(can(actor, Permission.EXTEND_DEADLINE, case))
    if not case.is_open:
        raise Refusal(_("The deadline of a closed case cannot be extended."))
    ground = ground.strip()
    if not ground:
        raise Refusal(_("Give the ground for the extension."), field="ground")
    if new_due <= case.decision_due:
        raise Refusal(_("The new date must be after the current deadline."), field="new_due")
    latest = deadlines.latest_extension(case)
    if new_due > latest:
        raise Refusal(_("The deadline can be extended until %(day)s at the latest.",
                          day=format_day(latest)), field="new_due")
    version, previous = case.version, case.decision_due
    extension = DeadlineExtension(
        previous_due=previous, new_due=new_due, ground=ground, extended_by=actor
    )
    case.extensions.append(extension)
    case.decision_due = new_due
    notice_due = deadlines.extension_notice_due(office_today(), WorkingCalendar.load())
    case.tasks.append(CaseTask(kind=TaskKind.NOTIFY_EXTENSION, due_on=notice_due))
    add_event(case, EventKind.DEADLINE_EXTENDED, actor=actor, ground=ground,
              **{"from": previous, "to": new_due})
    record(AuditAction.DEADLINE_EXTENDED, actor=actor, obj=case,
           changes={"decision_due": [previous, new_due], "ground": ground, "version": version})
    return extension


def mark_out_of_mandate(case: Case, *, actor: User) -> CaseTask:
    """Triage found the complaint outside the mandate: it must be forwarded within days."""
    _require(can(actor, Permission.CHANGE_STATUS, case))
    if case.status is not CaseStatus.TRIAGE:
        raise Refusal(_("Only a case in triage can be found outside the mandate."))
    if any(t.kind is TaskKind.FORWARD_OUT_OF_MANDATE and not t.is_done for t in case.tasks):
        raise Refusal(_("The case is already marked as outside the mandate."))
    due = deadlines.forward_due(case.registered_on, WorkingCalendar.load())
    task = CaseTask(kind=TaskKind.FORWARD_OUT_OF_MANDATE, due_on=due)
    case.tasks.append(task)
    add_event(case, EventKind.OUT_OF_MANDATE, actor=actor, due=due)
    record(AuditAction.OUT_OF_MANDATE, actor=actor, obj=case, changes={"forward_due": due})
    return task


def complete_task(task: CaseTask, *, actor: User) -> None:
    _require(can(actor, Permission.CHANGE_STATUS, task.case))
    if task.is_done:
        raise Refusal(_("This task is already done."))
    _mark_done(task, actor)


def _finish_open_tasks(case: Case, kind: TaskKind, actor: User) -> None:
    for task in case.tasks:
        if task.kind is kind and not task.is_done:
            _mark_done(task, actor)


def _mark_done(task: CaseTask, actor: User) -> None:
    task.done_at, task.done_by = utcnow(), actor
    add_event(task.case, EventKind.TASK_DONE, actor=actor, task=task.kind)
    record(AuditAction.TASK_DONE, actor=actor, obj=task.case,
           changes={"task_id": task.id, "kind": task.kind})


def record_first_action(case: Case, *, actor: User) -> None:
    """For urgent cases the law counts the first action separately (1 working day)."""
    _require(can(actor, Permission.CHANGE_STATUS, case))
    if not case.is_urgent or case.first_action_on is not None or not case.is_open:
        raise Refusal(_("A first action can be recorded only once, on an open urgent case."))
    version, case.first_action_on = case.version, office_today()
    add_event(case, EventKind.FIRST_ACTION, actor=actor)
    record(AuditAction.FIRST_ACTION, actor=actor, obj=case,
           changes={"first_action_on": [None, case.first_action_on], "version": version})


# -- editing, notes, identities ---------------------------------------------------------------

EDITABLE_FIELDS = frozenset({"summary", "description", "is_urgent", "facility", "categories"})


def edit_case(
    case: Case, *, expected_version: int, changes: dict[str, Any], actor: User
) -> dict[str, list[Any]]:
    """Save the edit form unless someone saved the case since the user opened it.

    Returns the audited diff. The version check here catches the ordinary case; the flush at
    the end raises StaleDataError when another save slipped in after this request loaded it.
    """
    _require(can(actor, Permission.EDIT_CASE, case))
    if expected_version != case.version:
        raise StaleEdit(changes_since(case, expected_version), case.version)
    if unknown := set(changes) - EDITABLE_FIELDS:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "facility" in changes:
        _check_facility(case, changes["facility"], actor)
    with db.session.no_autoflush:  # one UPDATE, hence one new version, per edit
        before = case.snapshot()
        for name, value in changes.items():
            _set_field(case, name, value, actor)
        changed = diff(before, case.snapshot())
        if changed:
            case.updated_at = utcnow()  # a new version even when only the categories changed
    if not changed:
        return {}
    add_event(case, EventKind.EDITED, actor=actor, fields=sorted(changed))
    record(AuditAction.CASE_EDITED, actor=actor, obj=case,
           changes={**changed, "version": expected_version})
    db.session.flush()
    return changed


def _check_facility(case: Case, facility: Facility | None, actor: User) -> None:
    """Refuse a facility that would move the case out of the regions the actor covers: they
    would lose the case, and it would land with another region's staff unannounced."""
    if facility is None or facility.id == case.facility_id or facility.region == case.region:
        return
    if not covers_region(actor, facility.region):
        raise NotAllowed(
            _("This facility is in %(region)s, outside your region. Ask a supervisor of "
              "that region or of the central office to transfer the case.",
              region=facility.region.label),
            field="facility",
        )


def _set_field(case: Case, name: str, value: Any, actor: User) -> None:
    if name == "facility":
        case.facility = value
        # A case belongs to its facility's region, within the regions the actor covers.
        if value is not None and covers_region(actor, value.region):
            _move_to_region(case, value.region)
    elif name == "categories":
        case.categories = list(value)
    elif name == "is_urgent":
        _set_urgency(case, bool(value))
    else:
        setattr(case, name, value)


def _move_to_region(case: Case, region: Region) -> None:
    """The case's recommendations move with it: the new region's supervisor follows them up."""
    case.region = region
    for recommendation in case.recommendations:
        recommendation.region = region


def _set_urgency(case: Case, urgent: bool) -> None:
    """Becoming urgent starts the first-action clock from today, not from registration."""
    case.is_urgent = urgent
    if urgent and case.first_action_due is None:
        case.first_action_due = deadlines.first_action_due(office_today(), WorkingCalendar.load())
    elif not urgent and case.first_action_on is None:
        case.first_action_due = None


def add_note(case: Case, body: str, *, actor: User) -> Note:
    _require(can(actor, Permission.ADD_NOTE, case))
    if not body.strip():
        raise Refusal(_("The note is empty."), field="body")
    note = Note(author=actor, body=body.strip())
    case.notes.append(note)
    add_event(case, EventKind.NOTE_ADDED, actor=actor)
    db.session.flush()
    record(AuditAction.NOTE_ADDED, actor=actor, obj=case, changes={"note_id": note.id})
    return note


def reveal_identity(case: Case, *, actor: User) -> list[CaseParty]:
    """Show the names of parties who did not consent; every reveal is audited."""
    _require(can(actor, Permission.SEE_IDENTITY, case))
    hidden = [p for p in case.parties if not p.consents_to_disclosure]
    record(AuditAction.IDENTITY_REVEALED, actor=actor, obj=case,
           changes={"party_ids": [p.id for p in hidden]})
    return hidden
