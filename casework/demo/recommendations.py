"""Demo recommendations on the demo cases, with a history the services could have written.

Drafted after the case's findings, issued by a supervisor other than the drafter before the
case went to follow-up, then answered (or not) by the authority, verified, extended, reassigned,
closed or withdrawn; every step leaves its case timeline event and audit entry.

Four passes, because numbers and repeat findings depend on all recommendations together: plan
each recommendation's steps (dates only), number the issued ones in issue order and flag repeat
findings, replay each plan on its record, and after one flush tell the case stories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app

from casework.accounts.models import User
from casework.audit import AuditAction, diff
from casework.cases.deadlines import add_months
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import Case, CaseKind, EventKind
from casework.database import OFFICE_TZ, utcnow
from casework.demo import data
from casework.demo.cases import (
    Audited,
    Office,
    Story,
    moment,
    pick,
    working_day_on_or_before,
)
from casework.demo.office import COLLEAGUES
from casework.extensions import db
from casework.numbering import recommendation_number
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import (
    Implementation,
    Priority,
    RecordStatus,
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
from casework.reference.models import Authority, Facility
from casework.reference.regions import Region

PER_CASE = 3  # recommendations per demo case, on the cases that found a violation
Impl = Implementation

# How willing the authority is, by what became of the case; open cases are in between.
COOPERATION = {Outcome.RESOLVED: 0.9, Outcome.PARTIALLY_RESOLVED: 0.55,
               Outcome.NOT_RESOLVED: 0.2, None: 0.65}
# What happens to each recommendation of a case, by the case's stage: issued with the first
# letter, issued later, still a draft, or a draft discarded.
FATES = {
    CaseStatus.RECOMMENDATION: {"draft": 60, "discarded": 15, "letter": 25},
    CaseStatus.FOLLOW_UP: {"letter": 75, "later": 12, "draft": 8, "discarded": 5},
    CaseStatus.CLOSED: {"letter": 80, "later": 14, "discarded": 6},
}
# The share of a closed case's recommendations finished before the case closed, by outcome.
FINISHED_BEFORE_CLOSING: dict[Outcome | None, float] = {
    Outcome.RESOLVED: 0.85, Outcome.PARTIALLY_RESOLVED: 0.5, Outcome.NOT_RESOLVED: 0.4}
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


def _office_day(moment_: datetime) -> date:
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
        return _office_day(self.at)


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


def make_recommendations(office: Office, stories: list[Story]) -> list[Recommendation]:
    """About PER_CASE recommendations per case, on the cases that found a violation."""
    addressees = Addressees(office.authorities)
    eligible = [story for story in stories if story.transition("propose_recommendations")]
    plans = [
        plan
        for story, count in zip(eligible, _counts(office.rng, eligible, PER_CASE * len(stories)),
                                strict=True)
        for plan in _plan_case(office, addressees, story, count)
    ]
    issued = sorted(((at, plan) for plan in plans if (at := plan.at("issue")) is not None),
                    key=lambda pair: pair[0])
    for issue_at, plan in issued:  # in issue order, so numbers grow with dates
        plan.number = recommendation_number(_office_day(issue_at).year)
    _flag_repeats(issued)
    for plan in plans:
        _replay(plan)
    ordered = [*(plan for _at, plan in issued), *(plan for plan in plans if not plan.at("issue"))]
    db.session.add_all(plan.recommendation for plan in ordered)
    db.session.flush()
    for plan in plans:
        _tell(plan)
    _explain_closing_with_open_recommendations(office.rng, eligible, plans)
    return [plan.recommendation for plan in ordered]


def _counts(rng: random.Random, stories: list[Story], total: int) -> list[int]:
    """Monitoring visits find many things, complaints a few: split `total` accordingly."""
    weights = [rng.uniform(3, 6) if story.case.kind is CaseKind.NPM_FINDING
               else rng.uniform(0.5, 2) for story in stories]
    scale = total / sum(weights) if weights else 0
    return [max(1, round(weight * scale)) for weight in weights]


class Addressees:
    """The demo's authorities, to address each finding to the body that can act on it."""

    def __init__(self, authorities: list[Authority]) -> None:
        self.by_name = {authority.name: authority for authority in authorities}
        self.national = {key: self.by_name[name] for key, name, *_ in data.MINISTRIES}
        self.templates = {key: template for key, template, *_ in data.REGIONAL_BODIES}

    def regional(self, key: str, region: Region) -> Authority | None:
        name = self.templates[key].format(region=data.REGION_GENITIVE[region])
        return self.by_name.get(name)

    def for_level(self, level: str, facility: Facility | None, region: Region
                  ) -> Authority | None:
        """The addressee of a finding at `facility` (or in `region`) at the text's level."""
        if level == "facility":
            return facility.authority if facility else None
        if level == "operator":
            return facility.authority.parent if facility and facility.authority else None
        if level == "prosecutor":
            return self.regional("prok", region) or self.national["gp"]
        if level == "health":
            return self.regional("akimat", region) or self.national["mz"]
        return self.national[data.NATIONAL_BODY[facility.type] if facility else "mvd"]


@dataclass(frozen=True)
class Finding:
    category: str
    scope: Scope
    text: str
    authority: Authority
    facility: Facility | None


def _findings(rng: random.Random, addressees: Addressees, case: Case, count: int
              ) -> list[Finding]:
    """Up to `count` findings: the case's own categories first, then related ones. At most one
    per category names the facility: the others go to the bodies above it."""
    own = [category.code for category in case.categories]
    related = [code for c in own for code in data.RELATED_FINDINGS[c] if code not in own]
    rest = rng.sample(list(data.RECOMMENDATION_TEXTS), k=len(data.RECOMMENDATION_TEXTS))
    order = list(dict.fromkeys([*own, *related, *rest]))
    kind = next((k for k, types in data.FACILITY_KINDS.items()
                 if case.facility and case.facility.type in types), None)
    pools = {code: rng.sample(texts, k=len(texts))
             for code, texts in data.RECOMMENDATION_TEXTS.items()}
    findings: list[Finding] = []
    with_facility: set[str] = set()
    while len(findings) < count and any(pools.values()):
        for code in order:
            for level, scope, fits, text in pools[code][:rng.randint(1, 3)]:
                pools[code].remove((level, scope, fits, text))
                names_facility = case.facility is not None and level == "facility"
                authority = addressees.for_level(level, case.facility, case.region)
                if (fits and fits != kind) or authority is None or (
                        names_facility and code in with_facility):
                    continue
                if names_facility:
                    with_facility.add(code)
                findings.append(Finding(code, Scope(scope), text, authority,
                                        case.facility if names_facility else None))
            if len(findings) >= count:
                break
    return findings[:count]


def _moment_between(office: Office, start: datetime, end: datetime, share: float) -> datetime:
    """A moment `share` of the way from start to end, on a working day in office hours when
    they allow."""
    target = start + (end - start) * share
    day = working_day_on_or_before(_office_day(target), office.calendar)
    at = moment(day, office.rng)
    return at if start < at < end else target


@dataclass(frozen=True)
class Window:
    """When a case's recommendations were drafted and issued."""

    findings_at: datetime
    follow_up_at: datetime | None  # the first letter went out before the case's follow-up
    end: datetime  # every draft was issued or discarded by then: the case closed, or now
    letter_at: datetime  # the first letter: the supervisor approves one after the other
    one_by_one: timedelta

    @classmethod
    def of(cls, office: Office, story: Story, count: int) -> Window | None:
        findings, follow_up = story.transition("propose_recommendations"), \
            story.transition("start_follow_up")
        if findings is None:
            return None
        closing = story.transition("close")
        now = utcnow() - timedelta(minutes=30)
        letter_end = follow_up[0] if follow_up else now
        letter_at = _moment_between(office, findings[0], letter_end, office.rng.uniform(0.55, 0.98))
        return cls(findings[0], follow_up[0] if follow_up else None,
                   closing[0] if closing else now, letter_at,
                   min(timedelta(minutes=2), (letter_end - letter_at) / (count + 1)))

    def fate(self, rng: random.Random, status: CaseStatus, index: int) -> str:
        """Issued with the first letter or later, still a draft, or discarded."""
        fate = "letter" if index == 0 and self.follow_up_at else pick(rng, FATES[status])
        if fate == "later" and (self.follow_up_at is None
                                or self.follow_up_at + timedelta(days=3) > self.end):
            return "letter"
        return fate

    def drafted_and_issued(self, office: Office, fate: str, index: int
                           ) -> tuple[datetime, datetime]:
        """When it was drafted, and when it was (or would have been) issued."""
        rng = office.rng
        if fate == "later" and self.follow_up_at is not None:
            issue_at = _moment_between(office, self.follow_up_at, self.end, rng.uniform(0.05, 0.95))
            return _moment_between(office, self.follow_up_at, issue_at, rng.uniform(0.2, 0.8)), \
                issue_at
        return (_moment_between(office, self.findings_at, self.letter_at, rng.uniform(0.05, 0.9)),
                self.letter_at + self.one_by_one * index)


def _plan_case(office: Office, addressees: Addressees, story: Story, count: int) -> list[Plan]:
    rng, case = office.rng, story.case
    window = Window.of(office, story, count)
    if window is None:
        return []
    plans = []
    for index, finding in enumerate(_findings(rng, addressees, case, count)):
        fate = window.fate(rng, case.status, index)
        drafter, issuer = _authors(office, case)
        plan = Plan(_draft(office, case, finding, drafter), story)
        drafted_at, issue_at = window.drafted_and_issued(office, fate, index)
        plan.steps.append(Step(drafted_at, "drafted", drafter))
        if fate == "discarded":
            discarded_at = _moment_between(office, drafted_at, window.end, rng.uniform(0.1, 0.9))
            plan.steps.append(Step(discarded_at, "discard", drafter,
                                   {"reason": rng.choice(data.DISCARD_REASONS)}))
        elif fate != "draft":
            _plan_issued(office, plan, finding.authority, issue_at, issuer, may_withdraw=index > 0,
                         finish_by=_finish_by(rng, case, issue_at))
        plan.recommendation.created_at = drafted_at
        plan.recommendation.updated_at = plan.steps[-1].at
        plans.append(plan)
    return plans


def _draft(office: Office, case: Case, finding: Finding, drafter: User) -> Recommendation:
    """The record as first saved (column defaults spelled out: the replay snapshots it)."""
    return Recommendation(
        case_id=case.id, region=case.region, authority_id=finding.authority.id,
        facility_id=finding.facility.id if finding.facility else None,
        category_id=office.categories[finding.category].id, text=finding.text,
        scope=finding.scope, priority=_priority(office.rng, finding),
        record_status=RecordStatus.DRAFT, response=Response.AWAITING,
        implementation=Impl.NOT_STARTED, drafted_by_id=drafter.id,
        owner_id=office.caseworker_for(case).id, follow_up_note="",
    )


def _authors(office: Office, case: Case) -> tuple[User, User]:
    """Who drafts and who issues: never the same person (four-eyes). In Karaganda the region's
    supervisor sometimes drafts; the national supervisor then approves."""
    supervisor = office.supervisor_for(case.region)
    if case.region is Region.KARAGANDA and office.rng.random() < 0.15:
        return supervisor, office.users["supervisor"]
    return office.caseworker_for(case), supervisor


def _priority(rng: random.Random, finding: Finding) -> Priority:
    if finding.category in ("torture", "death_in_custody", "medical_care") and \
            finding.scope is Scope.INDIVIDUAL:
        return Priority.HIGH
    return pick(rng, {Priority.HIGH: 1, Priority.MEDIUM: 3, Priority.LOW: 1})


def _finish_by(rng: random.Random, case: Case, issue_at: datetime) -> date | None:
    """For a closed case: the day before it closed, when this recommendation was done by then."""
    if case.closed_on is None or rng.random() >= FINISHED_BEFORE_CLOSING.get(case.outcome, 0):
        return None
    last = case.closed_on - timedelta(days=1)
    return last if (last - _office_day(issue_at)).days >= 15 else None


# -- after issue: replies, verifications, deadline changes, closing ---------------------------

Planned = tuple[date, str, dict[str, Any]]  # a step's day, name and parameters


def _plan_issued(office: Office, plan: Plan, authority: Authority, issue_at: datetime,
                 issuer: User, *, may_withdraw: bool, finish_by: date | None) -> None:
    """The issue step and what followed it, up to yesterday."""
    rng, cal, case = office.rng, office.calendar, plan.story.case
    issued_on = _office_day(issue_at)
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
                  _office_day(previous))
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


# -- numbers, repeat findings, and the record each plan leaves ---------------------------------


def _flag_repeats(issued: list[tuple[datetime, Plan]]) -> None:
    """What services.find_repeat_of said at each issue: the latest record of another case on
    the same facility and category issued within REPEAT_FINDING_MONTHS before, unless withdrawn
    by then."""
    months = int(current_app.config["REPEAT_FINDING_MONTHS"])
    earlier: dict[tuple[int, int], list[tuple[date, Plan]]] = {}
    for issue_at, plan in issued:  # in issue order
        recommendation, issued_on = plan.recommendation, _office_day(issue_at)
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


def _replay(plan: Plan) -> None:
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


def _tell(plan: Plan) -> None:
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


def _explain_closing_with_open_recommendations(rng: random.Random, stories: list[Story],
                                               plans: list[Plan]) -> None:
    """A case closed with recommendations still open carries the supervisor's reason."""
    by_case: dict[int, list[Plan]] = {}
    for plan in plans:
        by_case.setdefault(plan.story.case.id, []).append(plan)
    for story in stories:
        closing = story.transition("close")
        if closing and any(plan.is_open_at(closing[0]) for plan in by_case.get(story.case.id, [])):
            closing[1]["why_open"] = rng.choice(data.WHY_OPEN)
