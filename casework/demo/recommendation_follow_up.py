"""What follows a demo recommendation's issue: replies, verifications, deadline changes,
reassignment, withdrawal and closing, planned up to yesterday."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from casework.accounts.models import User
from casework.cases.deadlines import add_months
from casework.cases.lifecycle import Outcome
from casework.cases.models import CaseKind
from casework.demo import data
from casework.demo.cases import Office, moment, pick, working_day_on_or_before
from casework.demo.office import COLLEAGUES
from casework.demo.recommendation_records import Plan, Step, office_day
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import Implementation, Response
from casework.recommendations.models import DeadlineKind, VerificationMethod
from casework.reference.models import Authority
from casework.reference.regions import Region

Impl = Implementation

# How willing the authority is, by what became of the case; open cases are in between.
COOPERATION = {Outcome.RESOLVED: 0.9, Outcome.PARTIALLY_RESOLVED: 0.55,
               Outcome.NOT_RESOLVED: 0.2, None: 0.65}
VERIFIED_RESULT = {
    Response.ACCEPTED: {Impl.IMPLEMENTED: 14, Impl.PARTIALLY_IMPLEMENTED: 4,
                        Impl.SUPERSEDED: 1, Impl.NOT_IMPLEMENTED: 1},
    Response.PARTIALLY_ACCEPTED: {Impl.PARTIALLY_IMPLEMENTED: 5, Impl.IMPLEMENTED: 2,
                                  Impl.NOT_IMPLEMENTED: 3},
    Response.REJECTED: {Impl.NOT_IMPLEMENTED: 6, Impl.SUPERSEDED: 2,
                        Impl.PARTIALLY_IMPLEMENTED: 2},
}
CLAIMED = {Response.ACCEPTED: {Impl.IN_PROGRESS: 3, Impl.IMPLEMENTED: 2},
           Response.PARTIALLY_ACCEPTED: {Impl.IN_PROGRESS: 1, Impl.PARTIALLY_IMPLEMENTED: 1}}
SUPERVISOR_STEPS = frozenset({"issue", "withdraw", "close", "deadline", "reassigned"})

Planned = tuple[date, str, dict[str, Any]]  # a step's day, name and parameters


def plan_issued(office: Office, plan: Plan, authority: Authority, issue_at: datetime,
                issuer: User, *, may_withdraw: bool, finish_by: date | None) -> None:
    """The issue step and what followed it, up to yesterday."""
    rng, cal, case = office.rng, office.calendar, plan.story.case
    issued_on = office_day(issue_at)
    reply_due = deadlines.reply_due(issued_on, authority, cal)
    implementation_due = deadlines.implementation_due(issued_on, _months(rng, issued_on,
                                                                         finish_by))
    plan.steps.append(Step(issue_at, "issue", issuer, {
        "reply_due": reply_due, "implementation_due": implementation_due}))
    last = office.today - timedelta(days=1)
    planned: list[Planned] = []
    if rng.random() < 0.04:  # the addressee asked for more time to answer
        reply_due = _extend(rng, planned, DeadlineKind.REPLY, issued_on, reply_due,
                            cal.add_working_days(reply_due, 10), last)
    replies, response = _plan_replies(rng, issued_on, reply_due,
                                      willing=rng.random() < COOPERATION[case.outcome])
    planned += replies
    if rng.random() < 0.1 and not finish_by:
        implementation_due = _extend(rng, planned, DeadlineKind.IMPLEMENTATION, issued_on,
                                     implementation_due,
                                     add_months(implementation_due, rng.randint(1, 3)), last)
    planned += _plan_verifications(rng, issued_on, implementation_due, response, finish_by,
                                   visited=case.kind is CaseKind.NPM_FINDING)
    if may_withdraw and rng.random() < 0.04:
        planned.append((issued_on + timedelta(days=rng.randint(10, 150)), "withdraw",
                        {"reason": rng.choice(data.WITHDRAW_REASONS)}))
    if rng.random() < 0.06:
        planned.append((issued_on + timedelta(days=rng.randint(5, 200)), "reassigned", {}))
    planned = _until_the_end(rng, planned, issued_on, last)
    _add_steps(office, plan, planned, issue_at)


def _months(rng: random.Random, issued_on: date, finish_by: date | None) -> int:
    """The implementation period chosen at issue; within finish_by when given."""
    if finish_by is None:
        return pick(rng, {1: 2, 3: 4, 6: 3, 12: 1})
    fitting = [months for months in deadlines.IMPLEMENTATION_PERIODS
               if deadlines.implementation_due(issued_on, months) <= finish_by]
    return rng.choice(fitting or [1])


def _extend(rng: random.Random, planned: list[Planned], kind: DeadlineKind, issued_on: date,
            due: date, new_due: date, last: date) -> date:
    """A supervisor's extension before the deadline; the deadline that applies afterwards."""
    day = issued_on + timedelta(days=rng.randint(2, max(2, (due - issued_on).days - 1)))
    if day > last:
        return due
    planned.append((day, "deadline", {"kind": kind, "new_due": new_due,
                                      "reason": rng.choice(data.RECOMMENDATION_DEADLINE_REASONS)}))
    return new_due


def _plan_replies(rng: random.Random, issued_on: date, reply_due: date, *, willing: bool
                  ) -> tuple[list[Planned], Response | None]:
    """Most authorities answer in time, some late, a few never; some change their position."""
    chance = rng.random()
    if chance < 0.6:
        first = issued_on + timedelta(days=rng.randint(3, max(3, (reply_due - issued_on).days)))
    elif chance < 0.92:
        first = reply_due + timedelta(days=1 + int(rng.expovariate(1 / 45)))
    else:
        return [], None
    response = pick(rng, {Response.ACCEPTED: 4, Response.PARTIALLY_ACCEPTED: 1} if willing
                    else {Response.REJECTED: 3, Response.PARTIALLY_ACCEPTED: 2})
    planned = [(first, "reply", _reply(rng, response))]
    if response is not Response.ACCEPTED and rng.random() < 0.25:  # after an escalation
        response = Response.ACCEPTED if response is Response.PARTIALLY_ACCEPTED else pick(
            rng, {Response.ACCEPTED: 1, Response.PARTIALLY_ACCEPTED: 1})
        planned.append((first + timedelta(days=rng.randint(20, 90)), "reply",
                        _reply(rng, response)))
    return planned, response


def _reply(rng: random.Random, response: Response) -> dict[str, Any]:
    claims = CLAIMED.get(response)
    return {
        "response": response,
        "claimed": pick(rng, claims) if claims else None,
        # The office's incoming register (вх. №): the page adds the "вх. №" itself.
        "register_number": f"{rng.choice(('12-3', '12-4', '04-1', '04-2'))}/"
                           f"{rng.randint(100, 9999)}",
        "summary": rng.choice(data.REPLY_SUMMARIES[response.value]),
    }


def _plan_verifications(rng: random.Random, issued_on: date, due: date,
                        response: Response | None, finish_by: date | None, *, visited: bool
                        ) -> list[Planned]:
    """The office checks around the deadline (often late); it may close the record then."""
    if finish_by is not None:
        verified_on = issued_on + timedelta(days=rng.randint(14, (finish_by - issued_on).days - 1))
    else:
        verified_on = max(issued_on + timedelta(days=10), _verification_day(rng, due))
    result = pick(rng, VERIFIED_RESULT[response or Response.REJECTED])
    planned: list[Planned] = []
    if rng.random() < 0.3 and (verified_on - issued_on).days > 30:
        early = issued_on + timedelta(days=rng.randint(15, (verified_on - issued_on).days - 10))
        planned.append((early, "verified", _verification(rng, Impl.IN_PROGRESS, visited)))
    planned.append((verified_on, "verified", _verification(rng, result, visited)))
    if result is Impl.PARTIALLY_IMPLEMENTED and finish_by is None and rng.random() < 0.25:
        verified_on += timedelta(days=rng.randint(30, 120))
        planned.append((verified_on, "verified", _verification(rng, Impl.IMPLEMENTED, visited)))
    if response is None or rng.random() < 0.9:  # what is left open has its reply
        closed_on = verified_on + timedelta(days=rng.randint(1, 20))
        planned.append((min(closed_on, finish_by or closed_on), "close", {"reason": ""}))
    return planned


def _verification_day(rng: random.Random, due: date) -> date:
    chance = rng.random()
    if chance < 0.35:
        return due - timedelta(days=rng.randint(0, 30))
    if chance < 0.83:
        return due + timedelta(days=int(rng.expovariate(1 / 40)))
    return due + timedelta(days=rng.randint(60, 400))


def _verification(rng: random.Random, result: Implementation, visited: bool) -> dict[str, Any]:
    method = VerificationMethod.FOLLOW_UP_VISIT if visited or rng.random() < 0.35 \
        else VerificationMethod.DOCUMENT_REVIEW
    return {"result": result, "method": method,
            "evidence": rng.choice(data.EVIDENCE[result.value])}


def _until_the_end(rng: random.Random, planned: list[Planned], issued_on: date, last: date
                   ) -> list[Planned]:
    """The steps up to yesterday in day order, none after the record closed or was withdrawn;
    a record still live may have a follow-up scheduled."""
    planned = sorted((step for step in planned if step[0] <= last), key=lambda step: step[0])
    end = next((i for i, (_day, name, _) in enumerate(planned) if name in ("close", "withdraw")),
               None)
    if end is not None:
        return planned[:end + 1]
    if rng.random() < 0.3:
        day = max(issued_on + timedelta(days=1), last - timedelta(days=rng.randint(0, 20)))
        on = day + timedelta(days=rng.randint(3, 45))
        planned.append((day, "follow_up", {"on": on, "note": rng.choice(data.FOLLOW_UP_NOTES)}))
    return sorted(planned, key=lambda step: step[0])


def _add_steps(office: Office, plan: Plan, planned: list[Planned], issue_at: datetime) -> None:
    """Steps on working days at office hours, each after the one before, by the person whose
    step it is."""
    rng, case = office.rng, plan.story.case
    owner, supervisor = office.caseworker_for(case), office.supervisor_for(case.region)
    previous = issue_at
    for planned_day, name, params in planned:
        day = max(working_day_on_or_before(planned_day, office.calendar),
                  office_day(previous))
        at = max(moment(day, rng), previous + timedelta(minutes=rng.randint(5, 40)))
        if name == "reassigned":
            owner = rng.choice([user for user in _team(office, case.region) if user is not owner])
            params = {"owner": owner}
        plan.steps.append(Step(at, name, supervisor if name in SUPERVISOR_STEPS else owner,
                               params))
        previous = at


def _team(office: Office, region: Region) -> list[User]:
    """The caseworkers who may follow up a recommendation of the region."""
    central = ["caseworker", *(f"colleague{n}" for n in range(1, len(COLLEAGUES) + 1))]
    local = ["caseworker2"] if region is Region.KARAGANDA else []
    return [office.users[key] for key in (*central, *local)]

