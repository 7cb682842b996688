"""Demo cases with a coherent history: every case walks the lifecycle table from registration
to its current status, and each step leaves a timeline event and an audit entry in order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa

from casework.accounts.models import User
from casework.audit import AuditAction, AuditEntry, _jsonable
from casework.cases import deadlines
from casework.cases.lifecycle import TRANSITIONS_BY_ACTION, CaseStatus, Outcome
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseKind,
    CaseParty,
    CaseTask,
    Channel,
    DeadlineExtension,
    Event,
    EventKind,
    Note,
    PartyRole,
    TaskKind,
)
from casework.database import OFFICE_TZ, utcnow
from casework.demo import data
from casework.demo.data import CHANNELS, HISTORY_DAYS, PATH_WEIGHTS, PATHS, STEP_DELAYS
from casework.demo.office import COLLEAGUES, PeopleMaker
from casework.extensions import db
from casework.numbering import case_reference
from casework.reference.models import Authority, AuthorityType, Category, Facility
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar

AUDIT_FOR_EVENT = {
    EventKind.REGISTERED: AuditAction.CASE_REGISTERED,
    EventKind.TRANSITION: AuditAction.CASE_TRANSITION,
    EventKind.ASSIGNED: AuditAction.CASE_ASSIGNED,
    EventKind.NOTE_ADDED: AuditAction.NOTE_ADDED,
    EventKind.DEADLINE_EXTENDED: AuditAction.DEADLINE_EXTENDED,
    EventKind.TASK_DONE: AuditAction.TASK_DONE,
    EventKind.FIRST_ACTION: AuditAction.FIRST_ACTION,
    EventKind.OUT_OF_MANDATE: AuditAction.OUT_OF_MANDATE,
}


@dataclass(frozen=True)
class Audited:
    """The audit entry of a happening that is not about the case itself (a recommendation)."""

    action: AuditAction
    object_type: str
    object_id: int
    changes: dict[str, Any]


@dataclass
class Story:
    """A case and what happened to it, kept in time order for its events and audit entries."""

    case: Case
    happenings: list[tuple[datetime, EventKind, User, dict[str, Any], Audited | None]] = field(
        default_factory=list)

    def add(self, at: datetime, kind: EventKind, actor: User, **details: Any) -> None:
        self.happenings.append((at, kind, actor, details, None))

    def add_audited(self, at: datetime, kind: EventKind, actor: User, audited: Audited,
                    details: dict[str, Any]) -> None:
        self.happenings.append((at, kind, actor, details, audited))

    def transition(self, action: str) -> tuple[datetime, dict[str, Any]] | None:
        """When the case took this step of the lifecycle, and its details (still mutable)."""
        return next(((at, details) for at, kind, _actor, details, _audited in self.happenings
                     if kind is EventKind.TRANSITION and details["action"] == action), None)


@dataclass
class Office:
    rng: random.Random
    users: dict[str, User]
    categories: dict[str, Category]
    authorities: list[Authority]
    facilities: list[Facility]
    people: PeopleMaker
    calendar: WorkingCalendar
    today: date

    def caseworker_for(self, case: Case) -> User:
        """The case's caseworker: Karaganda has its own; the central team shares the rest."""
        if case.region is Region.KARAGANDA:
            return self.users["caseworker2"]
        team = ["caseworker", *(f"colleague{n}" for n in range(1, len(COLLEAGUES) + 1))]
        return self.users[team[int(case.reference[-5:]) % len(team)]]

    def supervisor_for(self, region: Region) -> User:
        key = "regional_supervisor" if region is Region.KARAGANDA else "supervisor"
        return self.users[key]


def moment(day: date, rng: random.Random, *, at: time | None = None) -> datetime:
    """A time during office hours in Almaty (never in the future), stored in UTC."""
    local = datetime.combine(day, at or time(9)).replace(tzinfo=OFFICE_TZ)
    if at is None:
        local += timedelta(minutes=rng.randrange(8 * 60))
    return min(local.astimezone(UTC), utcnow() - timedelta(minutes=rng.randint(30, 90)))


def pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def working_day_on_or_before(day: date, cal: WorkingCalendar) -> date:
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def make_cases(office: Office, count: int) -> list[Story]:
    """Register `count` cases in date order (so references grow with dates) with their stories;
    write_histories() then writes what happened to them."""
    rng, today = office.rng, office.today
    days = sorted(
        working_day_on_or_before(
            # One case in twenty arrived this week: the newest work is never empty.
            today - timedelta(days=rng.randrange(7 if rng.random() < 0.05 else HISTORY_DAYS)),
            office.calendar,
        )
        for _ in range(count)
    )
    paths = [pick(rng, _weights_for_age((today - day).days)) for day in days]
    # Even a small demo shows every stage: paths nobody drew go to random cases.
    missing = [path for path in PATHS if path not in paths]
    for index, path in zip(rng.sample(range(count), k=min(count, len(missing))), missing,
                           strict=False):
        paths[index] = path
    # Numbering a case queries the counter; without autoflush the cases are written in one
    # flush at the end instead of one each, which takes seconds off the demo.
    with db.session.no_autoflush:
        stories = [_story(office, day, PATHS[path])
                   for day, path in zip(days, paths, strict=True)]
    db.session.flush()
    return stories


def _new_case(office: Office, registered_on: date) -> Case:
    rng = office.rng
    facility = rng.choice(office.facilities) if rng.random() < 0.9 else None
    region = facility.region if facility else rng.choice(list(Region))
    codes = rng.sample(list(office.categories), k=rng.choice([1, 1, 1, 2]))
    channel = pick(rng, CHANNELS)
    summary = rng.choice(data.SUMMARIES[codes[0]])
    kind = CaseKind.NPM_FINDING if channel is Channel.NPM_VISIT else (
        CaseKind.PAROLE_FOLLOW_UP if codes[0] == "parole" else CaseKind.COMPLAINT)
    is_urgent = codes[0] in ("torture", "death_in_custody", "medical_care") and rng.random() < 0.5
    case = Case(
        reference=case_reference(registered_on.year),
        kind=kind,
        channel=channel,
        received_on=registered_on - timedelta(days=rng.choice([0, 0, 0, 1, 2, 3])),
        registered_on=registered_on,
        summary=summary[:300],
        description=f"{summary}. Заявитель просит провести проверку и принять меры.",
        is_urgent=is_urgent,
        is_anonymous=channel in (Channel.HOTLINE, Channel.MEDIA) and rng.random() < 0.2,
        facility=facility,
        region=region,
        status=CaseStatus.REGISTERED,
        decision_due=deadlines.decision_due(registered_on, office.calendar),
        first_action_due=(deadlines.first_action_due(registered_on, office.calendar)
                          if is_urgent else None),
        created_by=office.supervisor_for(region),
        categories=[office.categories[c] for c in codes],
    )
    if channel is Channel.NPM_VISIT:
        case.created_by = office.users["monitor"]
    elif rng.random() < 0.5:
        case.created_by = office.caseworker_for(case)
    return case


def _add_parties(office: Office, case: Case) -> None:
    rng = office.rng
    victim = office.people.victim(case.facility)
    if case.is_anonymous:
        roles = [(victim, PartyRole.VICTIM)]
    elif rng.random() < 0.5:
        roles = [(victim, PartyRole.COMPLAINANT)]
    else:
        relative = office.people.make(facility=None)
        roles = [(relative, PartyRole.COMPLAINANT), (victim, PartyRole.VICTIM)]
    if rng.random() < 0.1:
        roles.append((office.people.make(facility=case.facility), PartyRole.WITNESS))
    for number, (person, role) in enumerate(roles, start=1):
        consents = rng.random() < 0.6
        addressees, scope = _consent(rng) if consents else ([], "")
        case.parties.append(CaseParty(
            person=person, role=role, consents_to_disclosure=consents,
            consent_scope=scope, consent_addressees=addressees,
            consent_recorded_on=case.registered_on if consents else None,
            is_reprisal_risk=role is not PartyRole.WITNESS and rng.random() < 0.12,
            pseudonym_index=number,  # each role here is a different person
        ))


def _consent(rng: random.Random) -> tuple[list[str], str]:
    """To whom letters may name a consenting person, and the consent's words."""
    _weight, addressees, scope = rng.choices(
        data.CONSENTS, weights=[weight for weight, *_rest in data.CONSENTS])[0]
    return [str(kind) for kind in addressees], scope


def _weights_for_age(age: int) -> dict[str, int]:
    return next(weights for limit, weights in PATH_WEIGHTS if age < limit)


def _step_days(rng: random.Random, registered_on: date, age: int, actions: tuple[str, ...]
               ) -> list[date]:
    """The day of each step: typical delays, squeezed to fit between registration and today."""
    offsets, total = [], 0
    for action in actions:
        total += rng.randint(*STEP_DELAYS[action])
        offsets.append(total)
    scale = min(1.0, age / total) if total else 1.0
    return [registered_on + timedelta(days=int(offset * scale)) for offset in offsets]


def _story(office: Office, registered_on: date, actions: tuple[str, ...]) -> Story:
    rng, today = office.rng, office.today
    case = _new_case(office, registered_on)
    db.session.add(case)
    _add_parties(office, case)
    story = Story(case)
    age = (today - registered_on).days
    step_days = _step_days(rng, registered_on, age, actions)
    registered_at = moment(registered_on, rng, at=time(8, 30))
    story.add(registered_at, EventKind.REGISTERED, case.created_by, reference=case.reference)
    _first_action(office, story, age)
    last_at, investigation_on = registered_at, None
    for action, day in zip(actions, step_days, strict=True):
        # Two steps on one day still happen one after the other.
        last_at = max(moment(day, rng), last_at + timedelta(minutes=rng.randint(5, 40)))
        _transition(office, story, action, day, last_at)
        investigation_on = day if action == "open_investigation" else investigation_on
    if investigation_on and "reopen" not in actions:
        _maybe_extend(office, story, investigation_on)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        author = office.caseworker_for(case)
        written_at = moment(registered_on + timedelta(days=rng.randint(0, age)), rng)
        # Before office hours moment() moves today's times back: never before registration.
        note = Note(author=author, body=rng.choice(data.NOTES),
                    created_at=max(written_at, registered_at + timedelta(minutes=1)))
        case.notes.append(note)
        story.add(note.created_at, EventKind.NOTE_ADDED, author)
    return story


def _first_action(office: Office, story: Story, age: int) -> None:
    case = story.case
    if not case.is_urgent or (age <= 3 and office.rng.random() < 0.6):
        return  # some urgent cases registered today still wait for their first action
    due = case.first_action_due if age > 1 else case.registered_on
    if due is None:  # never: urgent cases have a first-action deadline
        return
    case.first_action_on = first_action_on = min(due, office.today)
    story.add(moment(first_action_on, office.rng), EventKind.FIRST_ACTION,
              office.caseworker_for(case))


def _transition(office: Office, story: Story, action: str, day: date, at: datetime) -> None:
    case, rng = story.case, office.rng
    transition = TRANSITIONS_BY_ACTION[action]
    actor = (office.supervisor_for(case.region) if transition.source is CaseStatus.CLOSED
             or transition.target is CaseStatus.CLOSED else office.caseworker_for(case))
    if action == "start_triage":
        _assign(story, office.caseworker_for(case), AssignmentRole.CASEWORKER,
                at - timedelta(minutes=5), office.supervisor_for(case.region))
    if action == "open_investigation" and rng.random() < 0.35:
        _assign(story, office.users["lawyer"], AssignmentRole.LAWYER, at,
                office.supervisor_for(case.region))
    details: dict[str, Any] = {"action": action, "from": case.status, "to": transition.target,
                               "reason": data.REASONS.get(action, "")}
    if action == "refer_out":
        _forward_task(office, story, at - timedelta(minutes=2))
        case.referred_to = rng.choice([a for a in office.authorities if a.type in (
            AuthorityType.PROSECUTOR, AuthorityType.MINISTRY, AuthorityType.COMMITTEE)])
        details["authority"] = case.referred_to.name
    case.status = transition.target
    case.outcome = _outcome(rng, action, case.outcome)
    case.closed_on = day if case.status is CaseStatus.CLOSED else None
    details["outcome"] = case.outcome
    story.add(at, EventKind.TRANSITION, actor, **details)


def _outcome(rng: random.Random, action: str, current: Outcome | None) -> Outcome | None:
    if action == "reopen":
        return None
    outcomes = TRANSITIONS_BY_ACTION[action].outcomes
    return rng.choice(outcomes) if outcomes else current


def _assign(story: Story, user: User, role: AssignmentRole, at: datetime, by: User) -> None:
    story.case.assignments.append(CaseAssignment(user=user, role=role, assigned_at=at))
    story.add(at, EventKind.ASSIGNED, by, user=user.full_name, role=role)


def _forward_task(office: Office, story: Story, done_at: datetime) -> None:
    """Outside the mandate: the law gives a few working days to forward the complaint."""
    case = story.case
    done_by = office.caseworker_for(case)
    task = CaseTask(kind=TaskKind.FORWARD_OUT_OF_MANDATE,
                    due_on=deadlines.forward_due(case.registered_on, office.calendar),
                    done_at=done_at, done_by=done_by)
    case.tasks.append(task)
    story.add(done_at - timedelta(minutes=1), EventKind.OUT_OF_MANDATE, done_by,
              due=task.due_on)
    story.add(done_at, EventKind.TASK_DONE, done_by, task=task.kind)


def _maybe_extend(office: Office, story: Story, investigation_on: date) -> None:
    """Some investigations need longer: a supervisor extends with a ground and a notice task."""
    case, rng, cal = story.case, office.rng, office.calendar
    extended_on = case.decision_due - timedelta(days=rng.randint(1, 4))
    if (case.status is not CaseStatus.INVESTIGATION or extended_on > office.today
            or extended_on < investigation_on or rng.random() < 0.45):
        return
    supervisor = office.supervisor_for(case.region)
    new_due = deadlines.add_months(case.decision_due, rng.choice([1, 2]))
    ground = rng.choice(data.EXTENSION_GROUNDS)
    at = moment(extended_on, rng)
    case.extensions.append(DeadlineExtension(
        previous_due=case.decision_due, new_due=new_due, ground=ground,
        extended_by=supervisor, extended_at=at))
    story.add(at, EventKind.DEADLINE_EXTENDED, supervisor, ground=ground,
              **{"from": case.decision_due, "to": new_due})
    case.decision_due = new_due
    notice_due = deadlines.extension_notice_due(extended_on, cal)
    done = notice_due < office.today and rng.random() < 0.85
    done_at = moment(min(notice_due, office.today), rng) if done else None
    done_by = office.caseworker_for(case) if done else None
    task = CaseTask(kind=TaskKind.NOTIFY_EXTENSION, due_on=notice_due,
                    done_at=done_at, done_by=done_by)
    case.tasks.append(task)
    if done_at is not None and done_by is not None:
        story.add(done_at, EventKind.TASK_DONE, done_by, task=task.kind)


def write_histories(stories: list[Story]) -> None:
    """Timeline events and audit entries in time order, so ids follow each story; inserted in
    bulk (the demo writes tens of thousands)."""
    events: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for story in stories:
        case = story.case
        for at, kind, actor, details, audited in sorted(story.happenings, key=lambda h: h[0]):
            payload = _jsonable(details)
            events.append({"case_id": case.id, "kind": kind, "actor_id": actor.id, "at": at,
                           "data": payload})
            audited = audited or Audited(AUDIT_FOR_EVENT[kind], "cases", case.id, payload)
            entries.append({"at": at, "actor_id": actor.id, "action": audited.action,
                            "object_type": audited.object_type, "object_id": audited.object_id,
                            "changes": _jsonable(audited.changes), "ip_address": None})
    for model, rows in ((Event, events), (AuditEntry, entries)):
        if rows:  # Core inserts: the ORM would only slow them down
            db.session.execute(sa.insert(cast(sa.Table, model.__table__)), rows)
