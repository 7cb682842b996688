"""Demo recommendations on the demo cases, with a history the services could have written.

Drafted after the case's findings, issued by a supervisor other than the drafter before the
case went to follow-up, then answered (or not) by the authority, verified, extended, reassigned,
closed or withdrawn; every step leaves its case timeline event and audit entry.

Four passes, because numbers and repeat findings depend on all recommendations together: plan
each recommendation's steps (dates only; here up to issue, the rest in recommendation_follow_up),
number the issued ones in issue order and flag repeat findings, replay each plan on its record,
and after one flush tell the case stories (recommendation_records).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casework.accounts.models import User
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import Case, CaseKind
from casework.database import utcnow
from casework.demo import data
from casework.demo.cases import Office, Story, moment, pick, working_day_on_or_before
from casework.demo.recommendation_follow_up import plan_issued
from casework.demo.recommendation_records import (
    Plan,
    Step,
    explain_closing_with_open_recommendations,
    flag_repeats,
    office_day,
    replay,
    tell,
)
from casework.extensions import db
from casework.numbering import recommendation_number
from casework.recommendations.lifecycle import (
    Implementation,
    Priority,
    RecordStatus,
    Response,
    Scope,
)
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Facility
from casework.reference.regions import Region

PER_CASE = 3  # recommendations per demo case, on the cases that found a violation

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
        plan.number = recommendation_number(office_day(issue_at).year)
    flag_repeats(issued)
    for plan in plans:
        replay(plan)
    ordered = [*(plan for _at, plan in issued), *(plan for plan in plans if not plan.at("issue"))]
    db.session.add_all(plan.recommendation for plan in ordered)
    db.session.flush()
    for plan in plans:
        tell(plan)
    explain_closing_with_open_recommendations(office.rng, eligible, plans)
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
    day = working_day_on_or_before(office_day(target), office.calendar)
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
            plan_issued(office, plan, finding.authority, issue_at, issuer, may_withdraw=index > 0,
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
        implementation=Implementation.NOT_STARTED, drafted_by_id=drafter.id,
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
    return last if (last - office_day(issue_at)).days >= 15 else None
