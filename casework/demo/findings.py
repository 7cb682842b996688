"""The demo's violations: what each visit's team found (about seven per visit, categories and
legal bases that fit the kind of place, repeated on follow-up visits), the NPM findings cases
registered from them, and violations on about a third of the complaint cases, alleged when
recorded and then substantiated or not as the case decided."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from casework.accounts.models import User
from casework.audit import AuditAction, diff
from casework.cases.models import Case, CaseKind, EventKind
from casework.database import utcnow
from casework.demo import finding_data, visit_data
from casework.demo.cases import Audited, Office, Story, moment, pick
from casework.demo.interviewees import set_registrar
from casework.demo.visits import VisitYear
from casework.extensions import db
from casework.reference.models import Facility
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Visit, VisitStatus, VisitType

S = ViolationStatus
PER_VISIT = 7.1  # violations per visit of the year: about 3,000 for 425 visits
MOST_PER_VISIT = 20
REPEATED_SHARE = 0.6  # of a follow-up visit's findings, those the previous visit found too
CASE_SHARE = 0.3  # of the complaint cases, those with violations recorded
# Findings by the visit's type, relative to a planned in-depth visit.
TYPE_FACTORS = {VisitType.PLANNED: 1.3, VisitType.THEMATIC: 0.9, VisitType.REACTIVE: 0.7,
                VisitType.FOLLOW_UP: 0.8}
STATUSES = {VisitStatus.COMPLETED: {S.SUBSTANTIATED: 92, S.ALLEGED: 4, S.NOT_SUBSTANTIATED: 4},
            VisitStatus.CONDUCTED: {S.SUBSTANTIATED: 70, S.ALLEGED: 30}}


def make_visit_violations(office: Office, year: VisitYear, count: int) -> list[Violation]:
    """About PER_VISIT times `count` violations over the visits that took place, flushed."""
    rng = office.rng
    visits = sorted(year.taken_place, key=lambda v: (v.starts_on, v.id))
    counts = _counts(rng, visits, round(PER_VISIT * count))
    found: dict[int, list[str]] = {}
    made: list[Violation] = []
    for visit in visits:
        previous = year.slot(visit).previous
        earlier = found.get(year.by_slot[id(previous)].id, []) if previous else []
        codes = _categories(rng, visit, counts[visit.id], earlier)
        found[visit.id] = codes
        made += [_violation(office, visit, code) for code in codes]
    db.session.add_all(made)
    db.session.flush()
    for violation in made:
        year.audit.add(violation.created_at, violation.recorded_by,
                       AuditAction.VIOLATION_RECORDED, violation,
                       {**diff({}, violation.snapshot()), "visit_id": violation.visit_id})
    return made


def _counts(rng: random.Random, visits: list[Visit], total: int) -> dict[int, int]:
    """`total` split over the visits by type, size and chance, at most MOST_PER_VISIT each."""
    weights = {visit.id: TYPE_FACTORS[visit.type] * (0.6 if (visit.facility.capacity or 0) < 100
                                                      else 1.1) * rng.gammavariate(2.0, 0.5)
               for visit in visits}
    scale = total / sum(weights.values()) if weights else 0
    counts = {key: min(MOST_PER_VISIT, int(weight * scale)) for key, weight in weights.items()}
    keys = list(counts)
    while keys and sum(counts.values()) != total:
        key = rng.choice(keys)
        step = 1 if sum(counts.values()) < total else -1
        if 0 <= counts[key] + step <= MOST_PER_VISIT:
            counts[key] += step
    return counts


def _categories(rng: random.Random, visit: Visit, count: int, earlier: list[str]) -> list[str]:
    weights = finding_data.CATEGORY_WEIGHTS[visit_data.KINDS[visit.facility.type]]
    codes = []
    for _ in range(count):
        repeat = earlier and rng.random() < REPEATED_SHARE
        codes.append(rng.choice(earlier) if repeat else pick(rng, weights))
    return codes


def _violation(office: Office, visit: Visit, code: str) -> Violation:
    rng = office.rng
    day = visit.starts_on + timedelta(days=rng.randint(0, (visit.ends_on - visit.starts_on).days))
    text, low, high = _description(rng, visit.facility, code)
    recorder = rng.choice(visit.team)
    status = pick(rng, STATUSES[visit.status])
    at = moment(day, rng, at=time(17)) + timedelta(minutes=rng.randint(0, 120))
    return Violation(
        visit=visit, facility=visit.facility, region=visit.region,
        category=office.categories[code], legal_basis=legal_basis(rng, visit.facility, code),
        description=text, found_on=day, status=status, recorded_by=recorder,
        people_affected=rng.randint(low, max(low, min(high, visit.facility.capacity or high))),
        created_at=at, updated_at=at,
    )


def _fits(kind: str, facility: Facility | None) -> bool:
    return not kind or (facility is not None and visit_data.KINDS[facility.type] == kind)


def legal_basis(rng: random.Random, facility: Facility | None, code: str) -> str:
    options = [basis for kind, basis in finding_data.LEGAL_BASES[code] if _fits(kind, facility)]
    return rng.choice(options or [basis for _kind, basis in finding_data.LEGAL_BASES[code]])


def _description(rng: random.Random, facility: Facility, code: str) -> tuple[str, int, int]:
    texts = [entry for entry in finding_data.DESCRIPTIONS[code] if _fits(entry[0], facility)]
    _kind, text, low, high = rng.choice(texts or finding_data.DESCRIPTIONS[code])
    cell = rng.randint(1, 40)
    return text.format(n=rng.randint(2, 6), cell=cell, cell2=cell + rng.randint(1, 6),
                       unit=rng.randint(1, 12), area=rng.choice(("2,1", "2,5", "2,8", "3,2"))
                       ), low, high


# -- the summary a completed visit's record carries ----------------------------------------


def write_summaries(office: Office, year: VisitYear) -> None:
    """The general findings every completed record has: what was seen, what was found."""
    for visit in year.visits:
        if visit.status is not VisitStatus.COMPLETED:
            continue
        found = Counter(v.category.name_ru.lower() for v in visit.violations
                        if v.status is not S.NOT_SUBSTANTIATED)
        findings = (f"Выявлено нарушений: {sum(found.values())} "
                    f"({', '.join(name for name, _n in found.most_common(4))})."
                    if found else visit_data.CLEAN)
        closing = visit_data.OBSTRUCTED if visit.obstructions else visit_data.UNOBSTRUCTED
        visit.summary = " ".join((office.rng.choice(visit_data.OPENINGS), findings, closing))


# -- NPM findings registered as cases ------------------------------------------------------


def link_finding_cases(office: Office, year: VisitYear) -> int:
    """Each NPM finding of the year points at the visit that found it, was registered by a
    monitor on its team, and holds the visit's violations of its categories."""
    linked = 0
    for visit in year.taken_place:
        for story in year.slot(visit).findings:
            case = story.case
            case.visit = visit
            demo = office.users["monitor"]
            set_registrar(story, demo if demo in visit.team else visit.leader)
            _take_violations(office, story, visit)
            linked += 1
    return linked


def _take_violations(office: Office, story: Story, visit: Visit) -> None:
    case = story.case
    codes = {category.code for category in case.categories}
    mine = [v for v in visit.violations
            if v.category.code in codes and v.case is None and v.status is S.SUBSTANTIATED]
    registered_at = min(at for at, *_rest in story.happenings)
    for number, violation in enumerate(mine[:2], start=1):
        violation.case = case
        at = registered_at + timedelta(minutes=number)
        story.add_audited(at, EventKind.VIOLATION, case.created_by,
                          Audited(AuditAction.VIOLATION_EDITED, Violation.__tablename__,
                                  violation.id, {"case_id": [None, case.id]}),
                          {"step": "recorded", "violation_id": violation.id,
                           "status": violation.status})


# -- violations alleged in complaints ------------------------------------------------------


def make_case_violations(office: Office, stories: list[Story]) -> list[Violation]:
    """Violations on about CASE_SHARE of the complaint cases: recorded as alleged when the
    caseworker took the case up, then found substantiated (the case proposed
    recommendations) or not (it closed with no violation found)."""
    rng = office.rng
    complaints = [story for story in stories if story.case.kind is CaseKind.COMPLAINT]
    taken_up = [story for story in complaints if story.transition("start_triage")
                and not story.transition("declare_not_admissible")
                and not story.transition("refer_out")]
    chosen = rng.sample(taken_up, k=min(len(taken_up), round(CASE_SHARE * len(complaints))))
    planned: list[tuple[Story, Violation, datetime, tuple[datetime, dict[str, Any]] | None]] = []
    for story in chosen:
        case = story.case
        start = story.transition("open_investigation") or story.transition("start_triage")
        # Steps taken today may be dated minutes ahead (cases.py): nothing is recorded after.
        if start is None or start[0] > utcnow() - timedelta(minutes=30):
            continue
        decided = _decision(story)
        for index, category in enumerate(case.categories[:pick(rng, {1: 3, 2: 1})]):
            violation = _alleged(office, case, category.code, start[0])
            if decided is not None:
                violation.status = decided[1]["to"]
            planned.append((story, violation, start[0] + timedelta(minutes=10 + index),
                            decided))
    db.session.add_all(violation for _s, violation, _at, _d in planned)
    db.session.flush()
    for story, violation, at, decided in planned:
        _tell(office, story, violation, at, decided)
    return [violation for _s, violation, _at, _d in planned]


def _decision(story: Story) -> tuple[datetime, dict[str, Any]] | None:
    """When the case decided on the allegation, and to which status."""
    for action, status, reason in (
            ("propose_recommendations", S.SUBSTANTIATED, finding_data.FINDING_CONFIRMED),
            ("close_no_violation", S.NOT_SUBSTANTIATED, finding_data.FINDING_REJECTED)):
        if found := story.transition(action):
            return found[0] + timedelta(minutes=-3), {"from": S.ALLEGED, "to": status,
                                                      "reason": reason}
    return None


def _alleged(office: Office, case: Case, code: str, at: datetime) -> Violation:
    rng = office.rng
    found_on: date = max(case.received_on - timedelta(days=rng.randint(0, 30)),
                         case.received_on - timedelta(days=365))
    return Violation(
        case=case, facility=case.facility, region=case.region, category=office.categories[code],
        legal_basis=legal_basis(rng, case.facility, code),
        description=f"{finding_data.CASE_PREFIX}{case.summary}.", found_on=found_on,
        people_affected=1, status=S.ALLEGED, recorded_by=office.caseworker_for(case),
        created_at=at, updated_at=at,
    )


def _tell(office: Office, story: Story, violation: Violation, at: datetime,
          decided: tuple[datetime, dict[str, Any]] | None) -> None:
    """The timeline events and audit entries violations.services writes."""
    actor: User = violation.recorded_by
    recorded = {**violation.snapshot(), "status": S.ALLEGED}
    story.add_audited(at, EventKind.VIOLATION, actor,
                      Audited(AuditAction.VIOLATION_RECORDED, Violation.__tablename__,
                              violation.id, {**diff({}, recorded), "case_id": story.case.id}),
                      {"step": "recorded", "violation_id": violation.id, "status": S.ALLEGED})
    if decided is None:
        return
    decided_at, event = decided
    story.add_audited(max(decided_at, at + timedelta(minutes=1)), EventKind.VIOLATION,
                      office.caseworker_for(story.case),
                      Audited(AuditAction.VIOLATION_EDITED, Violation.__tablename__,
                              violation.id, {"status": [S.ALLEGED, event["to"]], "version": 1,
                                             "reason": event["reason"]}),
                      {"step": "status", "violation_id": violation.id, **event})
    violation.updated_at = decided_at
