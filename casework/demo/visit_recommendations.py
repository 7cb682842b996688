"""Recommendations from the demo year's visits: about one for every three violations, each
answering one to four findings of a category, addressed to the facility's administration or
the body that runs it; drafted by the visit's leader, issued by the region's supervisor once
the record is complete and handed to a caseworker to follow up; answered, verified (on the
next visit to the place when there was one) and closed as the case recommendations are.

They share the register's numbering with the case recommendations: numbers follow the issue
dates across both (see numbering.py in this package).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from casework.accounts.models import User
from casework.audit import AuditAction, diff
from casework.demo import data
from casework.demo.cases import Office, moment, pick, working_day_on_or_before
from casework.demo.office import COLLEAGUES
from casework.demo.recommendation_follow_up import VERIFIED_RESULT, _plan_replies
from casework.demo.recommendation_records import Step, office_day
from casework.demo.visits import VisitYear
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    Priority,
    RecordStatus,
    Response,
    Scope,
)
from casework.recommendations.models import Recommendation, Reply, Verification, VerificationMethod
from casework.reference.models import Authority, Facility
from casework.reference.regions import Region
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Visit, VisitStatus

PER_VIOLATIONS = 3  # a visit makes about one recommendation for every three findings
MOST_LINKED = 4  # violations one recommendation answers
VERIFIED_AFTER_DAYS = 30  # a later visit checks what was issued at least this long before
DOCUMENT_REVIEW_SHARE = 0.7  # of the others, checked on papers around the deadline
CLOSED_SHARE = 0.85  # of those verified as final, closed by the supervisor
WITHDRAWN_SHARE = 0.02
COOPERATION = 0.65  # the authorities' willingness to accept, as for open cases
HIGH_PRIORITY = frozenset({"torture", "death_in_custody", "medical_care"})


@dataclass
class VisitPlan:
    """A recommendation of a visit and the steps it takes, in time order."""

    recommendation: Recommendation
    visit: Visit
    steps: list[Step] = field(default_factory=list)
    written: list[tuple[Step, AuditAction, dict[str, Any], Any]] = field(default_factory=list)

    def at(self, name: str) -> datetime | None:
        return next((step.at for step in self.steps if step.name == name), None)


def plan_visit_recommendations(office: Office, year: VisitYear) -> list[VisitPlan]:
    """The recommendations of every visit that found something, with their histories up to
    yesterday (applied to the records, not yet numbered nor flushed)."""
    rng = office.rng
    later_visits: dict[int, list[Visit]] = defaultdict(list)
    for visit in sorted(year.taken_place, key=lambda v: v.ends_on):
        later_visits[visit.facility_id].append(visit)
    plans: list[VisitPlan] = []
    for visit in year.taken_place:
        for group in _groups(rng, visit):
            plan = _draft(office, visit, group)
            if plan is None:
                continue
            _fate(office, plan, later_visits[visit.facility_id])
            _apply(plan)
            plans.append(plan)
    return plans


def _groups(rng: random.Random, visit: Visit) -> list[list[Violation]]:
    """The findings each recommendation answers, one to four of a category: the categories
    with most findings first, about one recommendation per PER_VIOLATIONS findings; a lone
    minor finding is left to the report."""
    by_category: dict[int, list[Violation]] = defaultdict(list)
    for violation in visit.violations:
        if violation.status is not ViolationStatus.NOT_SUBSTANTIATED:
            by_category[violation.category_id].append(violation)
    found = sum(len(group) for group in by_category.values())
    wanted = max(1, round(found / PER_VIOLATIONS)) if found else 0
    groups: list[list[Violation]] = []
    for group in sorted(by_category.values(), key=len, reverse=True):
        while group and len(groups) < wanted:
            size = min(len(group), rng.randint(2, MOST_LINKED) if len(group) > 1 else 1)
            groups.append(group[:size])
            group = group[size:]
    return groups


def _texts(facility: Facility, code: str) -> list[tuple[str, str, str]]:
    """(level, scope, text) a visit may recommend to the place or the body running it."""
    kind = next((k for k, types in data.FACILITY_KINDS.items() if facility.type in types), None)
    texts = [(level, scope, text) for level, scope, fits, text in data.RECOMMENDATION_TEXTS[code]
             if level in ("facility", "operator") and scope == "structural"
             and fits in ("", kind)]
    return texts or [(level, scope, text) for level, scope, _f, text
                     in data.RECOMMENDATION_TEXTS[code] if level in ("facility", "operator")]


def _draft(office: Office, visit: Visit, group: list[Violation]) -> VisitPlan | None:
    rng, facility, code = office.rng, visit.facility, group[0].category.code
    texts = _texts(facility, code)
    if not texts or facility.authority is None:
        return None
    level, scope, text = rng.choice(texts)
    authority: Authority = facility.authority
    if level == "operator" and authority.parent is not None:
        authority = authority.parent
    drafter = visit.leader
    recommendation = Recommendation(
        visit=visit, region=visit.region, authority=authority, facility=facility,
        category=group[0].category, text=text, scope=Scope(scope),
        priority=(Priority.HIGH if code in HIGH_PRIORITY and rng.random() < 0.5
                  else pick(rng, {Priority.HIGH: 1, Priority.MEDIUM: 3, Priority.LOW: 1})),
        record_status=RecordStatus.DRAFT, response=Response.AWAITING,
        implementation=Implementation.NOT_STARTED, drafted_by=drafter, owner=drafter,
        follow_up_note="", violations=list(group),
    )
    plan = VisitPlan(recommendation, visit)
    last = visit.completed_on or office.today
    drafted_on = min(last, visit.ends_on + timedelta(days=rng.randint(1, 10)))
    plan.steps.append(Step(moment(drafted_on, rng), "drafted", drafter))
    return plan


def _fate(office: Office, plan: VisitPlan, visits_there: list[Visit]) -> None:
    """Issued once the record is complete (a recent one may still be a draft), then what
    followed, up to yesterday."""
    rng, visit = office.rng, plan.visit
    yesterday = office.today - timedelta(days=1)
    if visit.status is not VisitStatus.COMPLETED or visit.completed_on is None:
        return  # the team is still drafting
    recent = (office.today - visit.completed_on).days < 30
    fate = pick(rng, {"issued": 70, "draft": 25, "discarded": 5} if recent
                else {"issued": 93, "discarded": 7})
    if fate == "draft":
        return
    if fate == "discarded":
        day = min(yesterday, visit.completed_on + timedelta(days=rng.randint(0, 10)))
        _add(office, plan, day, "discard", plan.recommendation.drafted_by,
             {"reason": rng.choice(data.DISCARD_REASONS)})
        return
    issued_on = working_day_on_or_before(
        min(yesterday, visit.completed_on + timedelta(days=rng.randint(0, 10))), office.calendar)
    _plan_issued(office, plan, issued_on, [v for v in visits_there
                                           if v.starts_on > visit.ends_on])


def _plan_issued(office: Office, plan: VisitPlan, issued_on: date, later: list[Visit]) -> None:
    rng, cal, recommendation = office.rng, office.calendar, plan.recommendation
    supervisor = office.supervisor_for(plan.visit.region)
    yesterday = office.today - timedelta(days=1)
    reply_due = deadlines.reply_due(issued_on, recommendation.authority, cal)
    months = pick(rng, {1: 2, 3: 4, 6: 3, 12: 1})
    implementation_due = deadlines.implementation_due(issued_on, months)
    _add(office, plan, issued_on, "issue", supervisor,
         {"reply_due": reply_due, "implementation_due": implementation_due})
    _add(office, plan, issued_on, "reassigned", supervisor,
         {"owner": _caseworker(office, plan.visit)})
    planned, response = _plan_replies(rng, issued_on, reply_due,
                                      willing=rng.random() < COOPERATION)
    planned += _verifications(office, plan, issued_on, implementation_due, response, later)
    if rng.random() < WITHDRAWN_SHARE:
        planned.append((issued_on + timedelta(days=rng.randint(10, 150)), "withdraw",
                        {"reason": rng.choice(data.WITHDRAW_REASONS)}))
    for day, name, params in sorted((p for p in planned if p[0] <= yesterday),
                                    key=lambda p: p[0]):
        actor = supervisor if name in ("close", "withdraw") else params.pop("by", None) or \
            plan.recommendation.owner
        _add(office, plan, day, name, actor, params)
        if name in ("close", "withdraw"):
            break


def _caseworker(office: Office, visit: Visit) -> User:
    """Who follows the visit's recommendations up: Karaganda's own caseworker there, one of
    the central team elsewhere."""
    if visit.region is Region.KARAGANDA:
        return office.users["caseworker2"]
    team = ["caseworker", *(f"colleague{n}" for n in range(1, len(COLLEAGUES) + 1))]
    return office.users[team[visit.id % len(team)]]


def _verifications(office: Office, plan: VisitPlan, issued_on: date, due: date,
                   response: Response | None, later: list[Visit]
                   ) -> list[tuple[date, str, dict[str, Any]]]:
    """Seen on the next visit to the place, or else checked on papers around the deadline;
    closed when final."""
    rng = office.rng
    result = pick(rng, VERIFIED_RESULT[response or Response.REJECTED])
    next_visit = next((v for v in later
                       if (v.ends_on - issued_on).days >= VERIFIED_AFTER_DAYS), None)
    if next_visit is not None:
        evidence = rng.choice(data.EVIDENCE[result.value])
        day, method = next_visit.ends_on, VerificationMethod.FOLLOW_UP_VISIT
        params = {"result": result, "method": method, "by": next_visit.leader, "exact": True,
                  "evidence": f"{next_visit.reference}: {evidence}"}
    elif rng.random() < DOCUMENT_REVIEW_SHARE:
        papers = [text for text in data.EVIDENCE[result.value] if "посещ" not in text]
        day = max(issued_on + timedelta(days=10), due + timedelta(days=rng.randint(-20, 40)))
        params = {"result": result, "method": VerificationMethod.DOCUMENT_REVIEW,
                  "evidence": rng.choice(papers or data.EVIDENCE[result.value])}
    else:
        return []
    planned = [(day, "verified", params)]
    if result in FINAL_IMPLEMENTATION and rng.random() < CLOSED_SHARE:
        planned.append((day + timedelta(days=rng.randint(1, 20)), "close", {}))
    return planned


def _add(office: Office, plan: VisitPlan, day: date, name: str, actor: User,
         params: dict[str, Any]) -> None:
    """A step on a working day in office hours (a visit's on its day), after the one before."""
    previous = plan.steps[-1].at
    if not params.pop("exact", False):
        day = working_day_on_or_before(day, office.calendar)
    day = max(day, office_day(previous))
    at = max(moment(day, office.rng), previous + timedelta(minutes=office.rng.randint(5, 40)))
    plan.steps.append(Step(at, name, actor, params))


# -- the steps applied to the record, as the services would ------------------------------------


def _apply(plan: VisitPlan) -> None:
    recommendation = plan.recommendation
    for step in plan.steps:
        before = {} if step.name == "drafted" else recommendation.snapshot()
        action, extra, made = _APPLY[step.name](recommendation, step)
        plan.written.append((step, action, {**diff(before, recommendation.snapshot()), **extra},
                             made))
    recommendation.created_at = plan.steps[0].at
    recommendation.updated_at = plan.steps[-1].at


Applied = tuple[AuditAction, dict[str, Any], Any]


def _drafted(recommendation: Recommendation, step: Step) -> Applied:
    ids = [violation.id for violation in recommendation.violations]
    return AuditAction.RECOMMENDATION_DRAFTED, {"violation_ids": ids}, None


def _issue(recommendation: Recommendation, step: Step) -> Applied:
    recommendation.issued_on, recommendation.issued_by = step.day, step.actor
    recommendation.reply_due = step.params["reply_due"]
    recommendation.implementation_due = step.params["implementation_due"]
    recommendation.record_status = RecordStatus.ISSUED
    return AuditAction.RECOMMENDATION_STEP, {"reason": ""}, None


def _reassign(recommendation: Recommendation, step: Step) -> Applied:
    previous, recommendation.owner = recommendation.owner, step.params["owner"]
    return AuditAction.RECOMMENDATION_REASSIGNED, {
        "owner_id": [previous.id, recommendation.owner.id]}, None


def _reply(recommendation: Recommendation, step: Step) -> Applied:
    params = step.params
    reply = Reply(received_on=step.day, register_number=params["register_number"],
                  summary=params["summary"], response=params["response"],
                  claimed_implementation=params["claimed"], recorded_by=step.actor,
                  recorded_at=step.at)
    recommendation.replies.append(reply)
    recommendation.response = params["response"]
    recommendation.replied_on = step.day
    return AuditAction.REPLY_RECORDED, {"register_number": params["register_number"]}, reply


def _verify(recommendation: Recommendation, step: Step) -> Applied:
    params = step.params
    verification = Verification(result=params["result"], method=params["method"],
                                verified_on=step.day, evidence=params["evidence"],
                                verified_by=step.actor, recorded_at=step.at)
    recommendation.verifications.append(verification)
    recommendation.implementation = params["result"]
    return AuditAction.IMPLEMENTATION_VERIFIED, {}, verification


def _close(recommendation: Recommendation, step: Step) -> Applied:
    recommendation.record_status, recommendation.closed_on = RecordStatus.CLOSED, step.day
    return AuditAction.RECOMMENDATION_STEP, {"reason": ""}, None


def _withdraw(recommendation: Recommendation, step: Step) -> Applied:
    recommendation.record_status = RecordStatus.WITHDRAWN
    return AuditAction.RECOMMENDATION_STEP, {"reason": step.params["reason"]}, None


_APPLY = {"drafted": _drafted, "issue": _issue, "reassigned": _reassign, "reply": _reply,
          "verified": _verify, "close": _close, "withdraw": _withdraw, "discard": _withdraw}


def audit_visit_recommendations(year: VisitYear, plans: list[VisitPlan]) -> None:
    """The audit entries of each step, now that the records and their replies have ids."""
    for plan in plans:
        for step, action, changes, made in plan.written:
            if isinstance(made, Reply):
                changes = {**changes, "reply_id": made.id}
            elif isinstance(made, Verification):
                changes = {**changes, "verification_id": made.id}
            year.audit.add(step.at, step.actor, action, plan.recommendation, changes)
