"""The demo year's NPM visits as records: the registry of external participants, each visit
with its team, status, obstruction by staff, what the team saw of the cameras (kept in the
facility's CCTV history) and the audit entries the visit services would have written.

Planned visits lie in the coming weeks; those that ended in the last weeks are still being
recorded (conducted); older ones are completed, a few were cancelled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from casework.audit import AuditAction, diff
from casework.demo import visit_data
from casework.demo.audit_rows import AuditRows
from casework.demo.cases import Office, Story, moment, pick
from casework.demo.office import random_name
from casework.demo.visit_schedule import Slot, plan_year
from casework.extensions import db
from casework.numbering import visit_reference
from casework.people.models import Sex
from casework.reference.models import CctvChange, CctvCoverage, Facility
from casework.visits.models import (
    NpmParticipant,
    Obstruction,
    ObstructionKind,
    Visit,
    VisitMember,
    VisitParticipant,
    VisitStatus,
    VisitType,
)

OBSTRUCTED_SHARE = 0.12
IMPROVING_SHARE = 0.3  # of the places with cameras, those that added some during the year
COMPLETED_AFTER = (4, 18)  # working days from the visit's end to the completed record


@dataclass
class VisitYear:
    """The year's visits and what the later steps of the demo need to know about them."""

    visits: list[Visit]
    slots: dict[int, Slot]  # by visit id
    audit: AuditRows
    participants: list[NpmParticipant]
    by_slot: dict[int, Visit] = field(default_factory=dict)  # by id(slot)

    def slot(self, visit: Visit) -> Slot:
        return self.slots[visit.id]

    @property
    def taken_place(self) -> list[Visit]:
        return [visit for visit in self.visits if visit.has_taken_place]


def ensure_participants(office: Office, audit: AuditRows) -> list[NpmParticipant]:
    """The registry of external NPM participants, created where missing (by name)."""
    existing = {p.full_name: p for p in db.session.scalars(sa.select(NpmParticipant))}
    created: list[NpmParticipant] = []
    for number, (name, org, expertise, region, signed_ago, years, active) in enumerate(
            visit_data.PARTICIPANTS):
        if name in existing:
            continue
        signed_on = office.today - timedelta(days=signed_ago) if signed_ago else None
        participant = NpmParticipant(
            full_name=name, organisation=visit_data.ORGANISATIONS[org], expertise=expertise,
            region=region, contact=f"+7 70{number % 8 + 1} {2_000_000 + number * 179_357:07d}",
            declaration_signed_on=signed_on,
            declaration_valid_until=(signed_on.replace(year=signed_on.year + years)
                                     - timedelta(days=1) if signed_on else None),
            declaration_number=(f"НПМ-Д/{signed_on.year}/{len(created) + 1:03d}"
                                if signed_on else ""),
            is_active=active,
        )
        created.append(participant)
        existing[name] = participant
    db.session.add_all(created)
    db.session.flush()
    admin = office.users["admin"]
    for participant in created:
        audit.add(moment(participant.declaration_signed_on or office.today, office.rng), admin,
                  AuditAction.PARTICIPANT_SAVED, participant,
                  diff({}, {"full_name": participant.full_name,
                            "declaration_signed_on": participant.declaration_signed_on,
                            "declaration_valid_until": participant.declaration_valid_until}))
    return list(existing.values())


def make_visits(office: Office, stories: list[Story], facilities: list[Facility],
                reprisals: list[Story], count: int) -> VisitYear:
    """`count` visits to `facilities` in the last year and the coming weeks, flushed."""
    audit = AuditRows()
    participants = ensure_participants(office, audit)
    slots = plan_year(office, stories, facilities, reprisals, count, participants)
    year = VisitYear([], {}, audit, participants)
    for slot in slots:  # by start date, so references grow with dates
        visit = _visit(office, slot, year.by_slot)
        year.visits.append(visit)
        year.by_slot[id(slot)] = visit
    db.session.add_all(year.visits)
    db.session.flush()
    year.slots = {year.by_slot[id(slot)].id: slot for slot in slots}
    observe_cctv(office, year)
    return year


def _visit(office: Office, slot: Slot, made: dict[int, Visit]) -> Visit:
    rng, facility = office.rng, slot.facility
    kind = visit_data.KINDS[facility.type]
    theme = rng.choice(visit_data.THEMES[kind]) if slot.type is VisitType.THEMATIC else ""
    leader = slot.team[0]
    visit = Visit(
        reference=visit_reference(slot.starts_on.year), facility=facility,
        region=facility.region, type=slot.type,
        is_announced=rng.random() < visit_data.ANNOUNCED[slot.type],
        starts_on=slot.starts_on, ends_on=slot.ends_on, theme=theme,
        purpose=_purpose(rng, slot, theme, made),
        leader=leader,
        created_by=(office.supervisor_for(facility.region) if rng.random() < 0.15 else leader),
        status=VisitStatus.PLANNED,
    )
    visit.members = [VisitMember(user=user) for user in slot.team]
    visit.participants = [VisitParticipant(participant=p) for p in slot.participants]
    # Known empty: what the demo adds later goes in without a query for each visit.
    visit.obstructions, visit.interviewees, visit.violations = [], [], []
    planned_on = min(office.today, slot.starts_on - timedelta(
        days=rng.randint(1, 3) if slot.type is VisitType.REACTIVE else rng.randint(10, 45)))
    visit.created_at = visit.updated_at = moment(planned_on, rng)
    _set_status(office, visit, slot)
    if visit.has_taken_place and rng.random() < OBSTRUCTED_SHARE:
        visit.obstructions = _obstructions(rng, visit)
    return visit


def _purpose(rng: random.Random, slot: Slot, theme: str, made: dict[int, Visit]) -> str:
    if slot.type is VisitType.THEMATIC:
        return f"Тематическое посещение: {theme}."
    if slot.type is VisitType.REACTIVE:
        return f"Специальное посещение по {rng.choice(visit_data.REACTIVE_REASONS)}."
    if slot.type is VisitType.FOLLOW_UP and slot.previous is not None:
        previous = made[id(slot.previous)]
        return ("Повторное посещение: проверка исполнения рекомендаций по итогам посещения "
                f"{previous.reference}.")
    return (f"Плановое посещение по графику НПМ на {slot.starts_on.year} год: условия "
            "содержания, обращение, медицинская помощь.")


def _set_status(office: Office, visit: Visit, slot: Slot) -> None:
    rng, today = office.rng, office.today
    if slot.is_cancelled:
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = rng.choice(visit_data.CANCEL_REASONS)
    elif visit.starts_on <= today:
        completed_on = office.calendar.add_working_days(visit.ends_on,
                                                        rng.randint(*COMPLETED_AFTER))
        done = completed_on < today
        visit.status = VisitStatus.COMPLETED if done else VisitStatus.CONDUCTED
        visit.completed_on = completed_on if done else None


def _obstructions(rng: random.Random, visit: Visit) -> list[Obstruction]:
    incidents = []
    for _ in range(pick(rng, {1: 8, 2: 2})):
        kind = pick(rng, visit_data.OBSTRUCTION_KINDS)
        day = visit.starts_on + timedelta(days=rng.randint(0, (visit.ends_on - visit.starts_on)
                                                           .days))
        recorder = rng.choice(visit.team)
        incidents.append(Obstruction(
            kind=kind, occurred_on=day,
            delay_minutes=(rng.choice((20, 30, 45, 60, 90, 120, 180))
                           if kind is ObstructionKind.ACCESS_DELAYED else None),
            official=_official(rng), description=rng.choice(visit_data.OBSTRUCTION_TEXTS[kind]),
            recorded_by=recorder, recorded_at=moment(day, rng, at=time(17, 30)),
        ))
    return incidents


def _official(rng: random.Random) -> str:
    surname, first, patronymic = random_name(rng, Sex.MALE).split()
    rank = rng.choice(visit_data.RANKS)
    name = f"{surname} {first[0]}. {patronymic[0]}."
    return f"{rng.choice(visit_data.OFFICIALS)}, {rank} {name}" if rank else \
        f"{rng.choice(visit_data.OFFICIALS)} {name}"


# -- CCTV ----------------------------------------------------------------------------------


WORSE = {CctvCoverage.FULL: CctvCoverage.PARTIAL, CctvCoverage.PARTIAL: CctvCoverage.NONE}


def observe_cctv(office: Office, year: VisitYear) -> None:
    """What each visit saw of the cameras; a change from what the facility's history says is
    recorded there (on the visit's last day), and the facility shows the latest. Some places
    added cameras during the year; a place whose coverage the office did not know shows it."""
    rng = office.rng
    by_facility: dict[Facility, list[Visit]] = {}
    for visit in sorted(year.taken_place, key=lambda v: (v.ends_on, v.id)):
        by_facility.setdefault(visit.facility, []).append(visit)
    latest = _latest_changes([facility.id for facility in by_facility])
    for facility, visits in by_facility.items():
        end = facility.cctv_coverage
        if end is CctvCoverage.UNKNOWN:
            end = pick(rng, {CctvCoverage.PARTIAL: 2, CctvCoverage.NONE: 1,
                             CctvCoverage.FULL: 1})
        improves = end in WORSE and len(visits) > 1 and rng.random() < IMPROVING_SHARE
        switch = rng.randint(1, len(visits) - 1) if improves else 0
        known = latest.get(facility.id)
        for index, visit in enumerate(visits):
            seen = WORSE[end] if index < switch else end
            visit.cctv_seen = seen
            if known is not None and (visit.ends_on < known[0] or seen is known[1]):
                continue  # the history already says so, or knows something newer
            db.session.add(CctvChange(
                facility=facility, coverage=seen, changed_on=visit.ends_on, visit=visit,
                note=visit_data.CCTV_NOTES[seen], recorded_by_id=visit.leader.id,
                recorded_at=moment(visit.ends_on, rng, at=time(18)),
            ))
            facility.cctv_coverage = seen
            known = (visit.ends_on, seen)


def _latest_changes(facility_ids: list[int]) -> dict[int, tuple[date, CctvCoverage]]:
    """Each facility's latest recorded coverage (from an earlier run of the demo)."""
    rows = db.session.execute(
        sa.select(CctvChange.facility_id, CctvChange.changed_on, CctvChange.coverage)
        .where(CctvChange.facility_id.in_(facility_ids))
        .order_by(CctvChange.changed_on, CctvChange.id)
    ).all()
    return {facility_id: (day, coverage) for facility_id, day, coverage in rows}


# -- the audit log -------------------------------------------------------------------------


def audit_visits(office: Office, year: VisitYear) -> None:
    """What visits.services would have logged: the plan, each step, each entry."""
    for visit in year.visits:
        now = visit.snapshot()
        planned = {**now, "status": VisitStatus.PLANNED, "summary": "",
                   "interviews_in_private": 0, "cctv_seen": None, "completed_on": None,
                   "cancel_reason": ""}
        year.audit.add(visit.created_at, visit.created_by, AuditAction.VISIT_PLANNED, visit,
                       {"reference": visit.reference, **diff({}, planned)})
        steps = _steps(office, visit)
        state = planned
        for action, at, changes in steps:
            after = {**state, **changes}
            year.audit.add(at, visit.leader, AuditAction.VISIT_STEP, visit,
                           {**diff(state, after), "action": action,
                            "reason": changes.get("cancel_reason", ""), "version": 1})
            state = after
        for obstruction in visit.obstructions:
            year.audit.add(obstruction.recorded_at, obstruction.recorded_by,
                           AuditAction.VISIT_ENTRY_RECORDED, visit,
                           {"entry": "obstruction", "entry_id": obstruction.id,
                            "kind": obstruction.kind})
        visit.updated_at = max([visit.created_at, *(at for _a, at, _c in steps)])


def _steps(office: Office, visit: Visit) -> list[tuple[str, datetime, dict[str, object]]]:
    rng = office.rng
    if visit.status is VisitStatus.CANCELLED:
        day = min(visit.starts_on - timedelta(days=rng.randint(1, 5)), office.today)
        return [("cancel", moment(day, rng), {"status": VisitStatus.CANCELLED,
                                              "cancel_reason": visit.cancel_reason})]
    steps: list[tuple[str, datetime, dict[str, object]]] = []
    if visit.has_taken_place:
        steps.append(("conduct", moment(visit.starts_on, rng, at=time(9)),
                      {"status": VisitStatus.CONDUCTED}))
    if visit.status is VisitStatus.COMPLETED and visit.completed_on is not None:
        steps.append(("complete", moment(visit.completed_on, rng), {
            "status": VisitStatus.COMPLETED, "summary": visit.summary,
            "interviews_in_private": visit.interviews_in_private,
            "cctv_seen": visit.cctv_seen, "completed_on": visit.completed_on}))
    return steps
