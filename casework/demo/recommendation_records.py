"""Demo recommendation plans and the record each leaves: repeat findings, the steps replayed
as their services would, and the timeline events and audit entries they write."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app

from casework.accounts.models import User
from casework.audit import AuditAction, diff
from casework.cases.deadlines import add_months
from casework.cases.models import EventKind
from casework.database import OFFICE_TZ
from casework.demo import data
from casework.demo.cases import Audited, Story
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import (
    DeadlineChange,
    DeadlineKind,
    Recommendation,
    Reply,
    Verification,
)


def office_day(moment_: datetime) -> date:
    return moment_.astimezone(OFFICE_TZ).date()


@dataclass
class Step:
    """One thing done to a recommendation, named as the services name their steps."""

    at: datetime
    name: str
    actor: User
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return office_day(self.at)


@dataclass
class Plan:
    """A recommendation of a case's story and the steps it is to take, in time order."""

    recommendation: Recommendation
    story: Story
    steps: list[Step] = field(default_factory=list)
    number: str | None = None
    repeat_of: Plan | None = None
    # (step, audit action, event details, audit changes, reply or verification it made)
    written: list[tuple[Step, AuditAction, dict[str, Any], dict[str, Any], Any]] = field(
        default_factory=list)

    def at(self, *names: str) -> datetime | None:
        return next((step.at for step in self.steps if step.name in names), None)

    def withdrawn_before(self, moment_: datetime) -> bool:
        withdrawn = self.at("withdraw")
        return withdrawn is not None and withdrawn < moment_

    def is_open_at(self, moment_: datetime) -> bool:
        """Still a draft or binding the addressee at that moment (lifecycle.OPEN_RECORDS)."""
        started = self.steps[0].at < moment_
        ended = self.at("close", "withdraw", "discard")
        return started and (ended is None or ended > moment_)


def flag_repeats(issued: list[tuple[datetime, Plan]]) -> None:
    """What services.find_repeat_of said at each issue: the latest record of another case on
    the same facility and category issued within REPEAT_FINDING_MONTHS before, unless withdrawn
    by then."""
    months = int(current_app.config["REPEAT_FINDING_MONTHS"])
    earlier: dict[tuple[int, int], list[tuple[date, Plan]]] = {}
    for issue_at, plan in issued:  # in issue order
        recommendation, issued_on = plan.recommendation, office_day(issue_at)
        if recommendation.facility_id is None or recommendation.category_id is None:
            continue
        since = add_months(issued_on, -months)
        same = earlier.setdefault((recommendation.facility_id, recommendation.category_id), [])
        plan.repeat_of = next(
            (other for day, other in reversed(same)
             if day >= since and other.story is not plan.story
             and not other.withdrawn_before(issue_at)),
            None,
        )
        same.append((issued_on, plan))


def replay(plan: Plan) -> None:
    """Apply each step to the record as its service would, noting the event and audit entry."""
    recommendation = plan.recommendation
    for step in plan.steps:
        before = {} if step.name == "drafted" else recommendation.snapshot()
        action, event, extra, made = STEPS[step.name](plan, step)
        changes = {**diff(before, recommendation.snapshot()), **extra}
        details = {"step": step.name, "number": recommendation.number, **event}
        plan.written.append((step, action, details, changes, made))


Applied = tuple[AuditAction, dict[str, Any], dict[str, Any], Any]


def _drafted(plan: Plan, step: Step) -> Applied:
    return AuditAction.RECOMMENDATION_DRAFTED, {}, {}, None


def _issue(plan: Plan, step: Step) -> Applied:
    recommendation = plan.recommendation
    recommendation.number, recommendation.issued_on = plan.number, step.day
    recommendation.issued_by_id = step.actor.id
    recommendation.reply_due = step.params["reply_due"]
    recommendation.implementation_due = step.params["implementation_due"]
    recommendation.repeat_of = plan.repeat_of.recommendation if plan.repeat_of else None
    recommendation.record_status = RecordStatus.ISSUED
    return AuditAction.RECOMMENDATION_STEP, {"reason": ""}, {"reason": ""}, None


def _withdraw(plan: Plan, step: Step) -> Applied:
    plan.recommendation.record_status = RecordStatus.WITHDRAWN
    reason = step.params["reason"]
    return AuditAction.RECOMMENDATION_STEP, {"reason": reason}, {"reason": reason}, None


def _close(plan: Plan, step: Step) -> Applied:
    plan.recommendation.record_status = RecordStatus.CLOSED
    plan.recommendation.closed_on = step.day
    return AuditAction.RECOMMENDATION_STEP, {"reason": ""}, {"reason": ""}, None


def _record_reply(plan: Plan, step: Step) -> Applied:
    recommendation, params = plan.recommendation, step.params
    reply = Reply(received_on=step.day, register_number=params["register_number"],
                  summary=params["summary"], response=params["response"],
                  claimed_implementation=params["claimed"], recorded_by_id=step.actor.id,
                  recorded_at=step.at)
    recommendation.replies.append(reply)
    recommendation.response = params["response"]
    recommendation.replied_on = max(step.day, recommendation.replied_on or step.day)
    event = {"response": params["response"], "claimed": params["claimed"],
             "received_on": step.day}
    return (AuditAction.REPLY_RECORDED, event,
            {"register_number": params["register_number"]}, reply)


def _record_verification(plan: Plan, step: Step) -> Applied:
    params = step.params
    verification = Verification(result=params["result"], method=params["method"],
                                verified_on=step.day, evidence=params["evidence"],
                                verified_by_id=step.actor.id, recorded_at=step.at)
    plan.recommendation.verifications.append(verification)
    plan.recommendation.implementation = params["result"]
    event = {"result": params["result"], "method": params["method"], "verified_on": step.day}
    return AuditAction.IMPLEMENTATION_VERIFIED, event, {}, verification


def _change_deadline(plan: Plan, step: Step) -> Applied:
    recommendation, kind = plan.recommendation, step.params["kind"]
    column = "reply_due" if kind is DeadlineKind.REPLY else "implementation_due"
    previous, new_due, reason = getattr(recommendation, column), step.params["new_due"], \
        step.params["reason"]
    recommendation.deadline_changes.append(DeadlineChange(
        kind=kind, previous_due=previous, new_due=new_due, reason=reason,
        changed_by_id=step.actor.id, changed_at=step.at))
    setattr(recommendation, column, new_due)
    event = {"deadline": kind, "reason": reason, "from": previous, "to": new_due}
    return AuditAction.RECOMMENDATION_DEADLINE_CHANGED, event, {"reason": reason}, None


def _reassign(plan: Plan, step: Step) -> Applied:
    owner = step.params["owner"]
    plan.recommendation.owner_id = owner.id
    return AuditAction.RECOMMENDATION_REASSIGNED, {"user": owner.full_name}, {}, None


def _schedule_follow_up(plan: Plan, step: Step) -> Applied:
    plan.recommendation.follow_up_on = step.params["on"]
    plan.recommendation.follow_up_note = step.params["note"]
    event = {"due": step.params["on"], "reason": step.params["note"]}
    return AuditAction.FOLLOW_UP_SCHEDULED, event, {}, None


STEPS = {
    "drafted": _drafted, "issue": _issue, "discard": _withdraw, "withdraw": _withdraw,
    "close": _close, "reply": _record_reply, "verified": _record_verification,
    "deadline": _change_deadline, "reassigned": _reassign, "follow_up": _schedule_follow_up,
}


def tell(plan: Plan) -> None:
    """The steps on the case's timeline and in the audit log, now that the ids exist."""
    recommendation_id = plan.recommendation.id
    for step, action, details, changes, made in plan.written:
        if isinstance(made, Reply):
            changes = {**changes, "reply_id": made.id}
        elif isinstance(made, Verification):
            changes = {**changes, "verification_id": made.id}
        audited = Audited(action, Recommendation.__tablename__, recommendation_id, changes)
        plan.story.add_audited(step.at, EventKind.RECOMMENDATION, step.actor, audited,
                               {**details, "recommendation_id": recommendation_id})


def explain_closing_with_open_recommendations(rng: random.Random, stories: list[Story],
                                              plans: list[Plan]) -> None:
    """A case closed with recommendations still open carries the supervisor's reason."""
    by_case: dict[int, list[Plan]] = {}
    for plan in plans:
        by_case.setdefault(plan.story.case.id, []).append(plan)
    for story in stories:
        closing = story.transition("close")
        if closing and any(plan.is_open_at(closing[0]) for plan in by_case.get(story.case.id, [])):
            closing[1]["why_open"] = rng.choice(data.WHY_OPEN)
