"""Business rules for recommendations: drafting, four-eyes issuing, replies, verifications,
deadline changes, reassignment and follow-up scheduling (DESIGN.md §4).

Like the case services, every function checks the actor's rights itself, writes its audit entry
and its case timeline event, and leaves the commit to the caller so that both are atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry, diff, record
from casework.cases.deadlines import add_months
from casework.cases.models import Case, EventKind
from casework.cases.timeline import add_event
from casework.database import office_today
from casework.extensions import db
from casework.numbering import recommendation_number
from casework.permissions import Permission, can, covers_region
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import (
    IMPLEMENTATION_STEPS,
    ISSUED_RECORDS,
    RECORD_STEPS_BY_ACTION,
    RESPONSE_STEPS,
    Implementation,
    Priority,
    RecordStatus,
    RecordStep,
    Response,
    Scope,
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
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.workdays import WorkingCalendar

if TYPE_CHECKING:
    from casework.violations.models import Violation
    from casework.visits.models import Visit

P = Permission


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You are not allowed to do this on this recommendation."))


def _log(
    recommendation: Recommendation,
    action: AuditAction,
    *,
    actor: User,
    step: str,
    changes: dict[str, Any],
    **event: Any,
) -> None:
    """The audit entry, and the event on the case timeline when the recommendation has a case."""
    record(action, actor=actor, obj=recommendation, changes=changes)
    if recommendation.case is not None:
        add_event(recommendation.case, EventKind.RECOMMENDATION, actor=actor, step=step,
                  number=recommendation.number, recommendation_id=recommendation.id,
                  **event)


def _check_past_date(day: date, recommendation: Recommendation, field: str) -> None:
    """A date the authority or the office acted on: not in the future, not before the issue."""
    if day > office_today():
        raise Refusal(_("The date cannot be in the future."), field=field)
    if recommendation.issued_on and day < recommendation.issued_on:
        raise Refusal(_("The date cannot be before the recommendation was issued."),
                        field=field)


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(message, field=field)
    return value


# -- drafting ---------------------------------------------------------------------------------


def draft(
    subject: Case | Visit,
    *,
    actor: User,
    text: str,
    authority: Authority,
    scope: Scope,
    priority: Priority = Priority.MEDIUM,
    facility: Facility | None = None,
    category: Category | None = None,
    violations: Sequence[Violation] = (),
) -> Recommendation:
    """A draft from a case (a caseworker's or a supervisor's) or from a visit (its team's);
    it binds nobody until a supervisor issues it. `violations` are the findings it answers,
    all of the same case or visit."""
    _require(can(actor, P.DRAFT_RECOMMENDATION, subject))
    from_case = isinstance(subject, Case)
    if isinstance(subject, Case) and not subject.is_open:
        raise Refusal(_("A closed case gets no new recommendations."))
    if not isinstance(subject, Case) and not subject.has_taken_place:
        raise Refusal(_("Recommendations follow a visit that has taken place."))
    for violation in violations:
        if (violation.case if from_case else violation.visit) is not subject:
            raise Refusal(_("Link only the violations found in this case or visit."),
                          field="violation_ids")
    recommendation = Recommendation(
        case=subject if from_case else None, visit=None if from_case else subject,
        region=subject.region, authority=authority, facility=facility or subject.facility,
        category=category, scope=scope, priority=priority,
        text=_text(text, "text", _("Write the recommendation.")),
        drafted_by=actor, owner=_default_owner(subject, actor), violations=list(violations),
    )
    db.session.add(recommendation)
    db.session.flush()
    _log(recommendation, AuditAction.RECOMMENDATION_DRAFTED, actor=actor, step="drafted",
         changes={**diff({}, recommendation.snapshot()),
                  "violation_ids": [violation.id for violation in violations]})
    return recommendation


def _default_owner(subject: Case | Visit, actor: User) -> User:
    """Whoever follows the recommendation up: the drafting caseworker, or else the case's
    (a supervisor hands a visit's recommendations to a caseworker when issuing them)."""
    if actor.has_role(Role.CASEWORKER) or not isinstance(subject, Case):
        return actor
    caseworkers = [a.user for a in subject.assignments if a.user.has_role(Role.CASEWORKER)]
    return caseworkers[0] if caseworkers else actor


def edit_draft(
    recommendation: Recommendation, *, actor: User, expected_version: int, **changes: Any
) -> None:
    """Change a draft's text, addressee, facility, category, scope or priority."""
    _require(can(actor, P.FOLLOW_UP_RECOMMENDATION, recommendation))
    if recommendation.record_status is not RecordStatus.DRAFT:
        raise Refusal(_("Only a draft can be edited; an issued recommendation stays as sent."))
    if expected_version != recommendation.version:
        raise Refusal(_("Someone else changed this recommendation after you opened the "
                          "form. Check it and edit again."))
    before = recommendation.snapshot()
    if "text" in changes:
        changes["text"] = _text(changes["text"], "text", _("Write the recommendation."))
    for name, value in changes.items():
        setattr(recommendation, name, value)
    if changed := diff(before, recommendation.snapshot()):
        _log(recommendation, AuditAction.RECOMMENDATION_EDITED, actor=actor, step="edited",
             changes=changed)


# -- the record: issue, discard, withdraw, close -------------------------------------------


def apply_step(
    recommendation: Recommendation,
    action: str,
    *,
    actor: User,
    reason: str = "",
    implementation_months: int | None = None,
    expected_version: int | None = None,
) -> RecordStep:
    """Move the record along one step of RECORD_STEPS; the only place that sets its status.

    `expected_version` is the version the actor read: a step (above all, approving the
    wording) is refused when someone changed the recommendation since."""
    step = RECORD_STEPS_BY_ACTION.get(action)
    if step is None:
        raise InvalidTransition(_("There is no such action."))
    if expected_version is not None and expected_version != recommendation.version:
        raise InvalidTransition(_("Someone changed this recommendation after you opened it. "
                                  "Read it again, then decide."))
    check_step_possible(recommendation, step, actor=actor)
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise InvalidTransition(_("Give the reason for this step."), field="reason")
    before = recommendation.snapshot()
    if step.action == "issue":
        _issue(recommendation, actor, implementation_months)
    recommendation.record_status = step.target
    if step.target is RecordStatus.CLOSED:
        recommendation.closed_on = office_today()
    _log(recommendation, AuditAction.RECOMMENDATION_STEP, actor=actor, step=step.action,
         reason=reason, changes={**diff(before, recommendation.snapshot()), "reason": reason})
    return step


def check_step_possible(recommendation: Recommendation, step: RecordStep, *, actor: User) -> None:
    """Refuse a step the table does not allow now, or that is not the actor's to take."""
    if recommendation.record_status is not step.source:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the recommendation is “%(status)s”.",
              action=step.label, status=recommendation.record_status.label)
        )
    _require(can(actor, step.permission, recommendation))
    if step.action == "issue" and is_author(actor, recommendation):
        # Four-eyes: nobody who wrote the wording approves it.
        raise NotAllowed(
            _("Another supervisor must approve a recommendation you drafted or edited.")
        )
    if step.action == "issue" and recommendation.case and not recommendation.case.is_open:
        raise InvalidTransition(_("The case is closed: reopen it before issuing its "
                                  "recommendations."))
    if step.action == "close" and not recommendation.implementation_is_final:
        raise InvalidTransition(
            _("Close a recommendation once its implementation is verified as final.")
        )


def authored_by(user: User) -> sa.ColumnElement[bool]:
    """Recommendations whose wording the user wrote: drafted it, or edited the draft (the
    audit log is the record of edits). Four-eyes keeps them from approving these."""
    edited = sa.exists().where(
        AuditEntry.object_type == Recommendation.__tablename__,
        AuditEntry.object_id == Recommendation.id,
        AuditEntry.action == AuditAction.RECOMMENDATION_EDITED,
        AuditEntry.actor_id == user.id,
    )
    return sa.or_(Recommendation.drafted_by_id == user.id, edited)


def is_author(user: User, recommendation: Recommendation) -> bool:
    return bool(db.session.scalar(sa.select(
        sa.exists().where(Recommendation.id == recommendation.id, authored_by(user))
    )))


def _issue(recommendation: Recommendation, actor: User, months: int | None) -> None:
    if months not in deadlines.IMPLEMENTATION_PERIODS:
        raise InvalidTransition(_("Choose the period for implementation."),
                                field="implementation_months")
    today = office_today()
    recommendation.number = recommendation_number(today.year)
    recommendation.issued_on, recommendation.issued_by = today, actor
    recommendation.reply_due = deadlines.reply_due(
        today, recommendation.authority, WorkingCalendar.load()
    )
    recommendation.implementation_due = deadlines.implementation_due(today, months)
    recommendation.repeat_of = find_repeat_of(recommendation)


def find_repeat_of(recommendation: Recommendation) -> Recommendation | None:
    """The latest issued recommendation on the same finding (facility and category) within
    REPEAT_FINDING_MONTHS before this one, in another case or visit: the finding repeats.
    Several recommendations of one case or visit (to several authorities) are one finding."""
    if recommendation.facility_id is None or recommendation.category_id is None:
        return None
    issued_on = recommendation.issued_on or office_today()
    since = add_months(issued_on, -int(current_app.config["REPEAT_FINDING_MONTHS"]))
    other_case = (sa.true() if recommendation.case_id is None
                  else Recommendation.case_id.is_distinct_from(recommendation.case_id))
    if recommendation.visit_id is not None:  # one visit's recommendations are one finding
        other_case = sa.and_(other_case,
                             Recommendation.visit_id.is_distinct_from(recommendation.visit_id))
    return db.session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.id != recommendation.id,
            other_case,
            Recommendation.facility_id == recommendation.facility_id,
            Recommendation.category_id == recommendation.category_id,
            Recommendation.record_status.in_(ISSUED_RECORDS),
            Recommendation.issued_on.between(since, issued_on),
        )
        .order_by(Recommendation.issued_on.desc(), Recommendation.id.desc())
        .limit(1)
    ).first()


# -- what the addressee says, and what the office verifies ------------------------------------


def _require_live(recommendation: Recommendation) -> None:
    if not recommendation.is_live:
        raise Refusal(_("Replies and verifications are recorded on issued recommendations."))


def record_reply(
    recommendation: Recommendation,
    *,
    actor: User,
    received_on: date,
    register_number: str,
    summary: str,
    response: Response,
    claimed_implementation: Implementation | None = None,
) -> Reply:
    """The authority's reply: its position on the response axis, and what it claims (a claim
    never changes the verified implementation)."""
    _require(can(actor, P.FOLLOW_UP_RECOMMENDATION, recommendation))
    _require_live(recommendation)
    if response is Response.AWAITING:
        raise Refusal(_("Choose the position the reply takes."), field="response")
    if response is not recommendation.response and \
            (recommendation.response, response) not in RESPONSE_STEPS:
        raise InvalidTransition(_("This response does not follow from the current one."),
                                field="response")
    _check_past_date(received_on, recommendation, "received_on")
    reply = Reply(
        received_on=received_on, response=response,
        register_number=_text(register_number, "register_number",
                              _("Give the reply's incoming register number.")),
        summary=_text(summary, "summary", _("Summarise what the authority replied.")),
        claimed_implementation=claimed_implementation, recorded_by=actor,
    )
    recommendation.replies.append(reply)
    before = recommendation.snapshot()
    recommendation.response = response
    recommendation.replied_on = max(received_on, recommendation.replied_on or received_on)
    db.session.flush()
    _log(recommendation, AuditAction.REPLY_RECORDED, actor=actor, step="reply",
         response=response, claimed=claimed_implementation, received_on=received_on,
         changes={**diff(before, recommendation.snapshot()), "reply_id": reply.id,
                  "register_number": reply.register_number})
    return reply


def record_verification(
    recommendation: Recommendation,
    *,
    actor: User,
    result: Implementation,
    method: VerificationMethod,
    verified_on: date,
    evidence: str,
) -> Verification:
    """The office's own finding on implementation; the only way that status changes."""
    _require(can(actor, P.FOLLOW_UP_RECOMMENDATION, recommendation))
    return record_verification_unchecked(
        recommendation, actor=actor, result=result, method=method, verified_on=verified_on,
        evidence=evidence,
    )


def record_verification_unchecked(
    recommendation: Recommendation,
    *,
    actor: User,
    result: Implementation,
    method: VerificationMethod,
    verified_on: date,
    evidence: str,
) -> Verification:
    """record_verification without its permission check, for a caller that has checked the
    actor's right in its own terms (a visit's team verifying what it saw: visits.follow_up)."""
    _require_live(recommendation)
    if (recommendation.implementation, result) not in IMPLEMENTATION_STEPS:
        raise InvalidTransition(
            _("“%(new)s” does not follow from “%(old)s”.", new=result.label,
              old=recommendation.implementation.label), field="result")
    _check_past_date(verified_on, recommendation, "verified_on")
    verification = Verification(
        result=result, method=method, verified_on=verified_on, verified_by=actor,
        evidence=_text(evidence, "evidence", _("Describe the evidence you saw.")),
    )
    recommendation.verifications.append(verification)
    before = recommendation.snapshot()
    recommendation.implementation = result
    db.session.flush()
    _log(recommendation, AuditAction.IMPLEMENTATION_VERIFIED, actor=actor, step="verified",
         result=result, method=method, verified_on=verified_on,
         changes={**diff(before, recommendation.snapshot()), "verification_id": verification.id})
    return verification


# -- acting on an overdue item ----------------------------------------------------------------


def change_deadline(
    recommendation: Recommendation, kind: DeadlineKind, new_due: date, reason: str, *,
    actor: User,
) -> DeadlineChange:
    """A supervisor moves the reply or implementation deadline, with a recorded reason."""
    _require(can(actor, P.ISSUE_RECOMMENDATION, recommendation))
    _require_live(recommendation)
    reason = _text(reason, "reason", _("Give the reason for the new deadline."))
    column = "reply_due" if kind is DeadlineKind.REPLY else "implementation_due"
    previous = getattr(recommendation, column)
    if new_due == previous:
        raise Refusal(_("The new deadline is the same as the current one."), field="new_due")
    if recommendation.issued_on and new_due < recommendation.issued_on:
        raise Refusal(_("The deadline cannot be before the recommendation was issued."),
                        field="new_due")
    if new_due > deadlines.furthest_date(recommendation.issued_on or office_today()):
        raise Refusal(_("Choose a date within five years."), field="new_due")
    change = DeadlineChange(kind=kind, previous_due=previous, new_due=new_due, reason=reason,
                            changed_by=actor)
    recommendation.deadline_changes.append(change)
    setattr(recommendation, column, new_due)
    _log(recommendation, AuditAction.RECOMMENDATION_DEADLINE_CHANGED, actor=actor,
         step="deadline", deadline=kind, reason=reason, **{"from": previous, "to": new_due},
         changes={column: [previous, new_due], "reason": reason})
    return change


def reassign(recommendation: Recommendation, owner: User, *, actor: User) -> None:
    """A supervisor hands the follow-up to another caseworker of the region."""
    _require(can(actor, P.ISSUE_RECOMMENDATION, recommendation))
    if recommendation.record_status not in (RecordStatus.DRAFT, RecordStatus.ISSUED):
        raise Refusal(_("A closed or withdrawn recommendation has nobody to follow it up."))
    if not (owner.is_active and owner.has_role(Role.CASEWORKER)
            and covers_region(owner, recommendation.region)):
        raise Refusal(_("%(name)s cannot follow up recommendations of this region.",
                          name=owner.full_name), field="owner")
    if owner.id == recommendation.owner_id:
        raise Refusal(_("%(name)s already follows it up.", name=owner.full_name),
                        field="owner")
    previous = recommendation.owner
    recommendation.owner = owner
    _log(recommendation, AuditAction.RECOMMENDATION_REASSIGNED, actor=actor, step="reassigned",
         user=owner.full_name, changes={"owner_id": [previous.id, owner.id]})


def schedule_follow_up(
    recommendation: Recommendation, on: date, note: str, *, actor: User
) -> None:
    """The date of the next check (a call, a request, a visit) and what it is for."""
    _require(can(actor, P.FOLLOW_UP_RECOMMENDATION, recommendation))
    _require_live(recommendation)
    if on < office_today():
        raise Refusal(_("A follow-up is scheduled for today or later."), field="on")
    if on > deadlines.furthest_date(office_today()):
        raise Refusal(_("Choose a date within five years."), field="on")
    note = _text(note, "note", _("Say what the follow-up is for."))
    before = recommendation.snapshot()
    recommendation.follow_up_on, recommendation.follow_up_note = on, note
    _log(recommendation, AuditAction.FOLLOW_UP_SCHEDULED, actor=actor, step="follow_up",
         due=on, reason=recommendation.follow_up_note,
         changes=diff(before, recommendation.snapshot()))
