"""Registering a case: number, deadlines, parties with pseudonyms, timeline, audit, files.

Everything happens in the caller's transaction; the view commits once, so a case is never
half-registered (a number without a case, a case without its audit entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import count

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.attachments.services import add_attachments
from casework.audit import AuditAction, record
from casework.cases import deadlines
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseKind,
    CaseParty,
    Channel,
    EventKind,
    PartyRole,
)
from casework.cases.timeline import add_event
from casework.database import office_today
from casework.extensions import db
from casework.numbering import case_reference
from casework.parties.addressees import (
    CHOOSE_FROM_THE_LIST,
    UnknownAddressee,
    canonical_addressees,
)
from casework.people.models import DetentionStatus, Person
from casework.people.services import NewPerson, find_or_create_person, person_by_iin
from casework.permissions import can_identify_person
from casework.reference.models import Category, Facility
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar

NOT_HELD = (DetentionStatus.NOT_DETAINED, DetentionStatus.UNKNOWN)
RECEIVED_WITHIN_YEARS = 10


class IntakeError(ValueError):
    """The data cannot make a case; the message is meant for the user."""


@dataclass(frozen=True)
class PartyInput:
    """A party as intake received it: an existing person (person_id) or a new one."""

    person_id: int | None = None
    new_person: NewPerson | None = None
    consents_to_disclosure: bool = False
    consent_scope: str = ""
    is_reprisal_risk: bool = False
    # Kinds of authority (AuthorityType values) letters may name the person to.
    consent_addressees: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntakeData:
    channel: Channel
    received_on: date
    summary: str
    category_ids: Sequence[int]
    kind: CaseKind = CaseKind.COMPLAINT
    description: str = ""
    is_urgent: bool = False
    facility_id: int | None = None
    region: Region | None = None
    complainant: PartyInput | None = None  # None: an anonymous complaint
    complainant_is_victim: bool = False
    victims: Sequence[PartyInput] = ()


def earliest_received_on(today: date) -> date:
    """The oldest date a complaint may have been received: ten years back (28 Feb for 29 Feb)."""
    year = today.year - RECEIVED_WITHIN_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def register_case(
    data: IntakeData, *, actor: User, files: Iterable[FileStorage] = ()
) -> Case:
    """Open a new case in status REGISTERED. Raises IntakeError or storage.FileRejected."""
    today = office_today()
    if data.received_on > today:
        raise IntakeError(_l("The date received cannot be in the future."))
    if data.received_on < earliest_received_on(today):
        raise IntakeError(_l("The date received is more than ten years ago."))
    facility = db.session.get(Facility, data.facility_id) if data.facility_id else None
    region = facility.region if facility is not None else data.region
    if region is None:
        raise IntakeError(_l("A case needs a facility or a region."))
    case = Case(
        reference=case_reference(today.year),
        kind=data.kind,
        channel=data.channel,
        received_on=data.received_on,
        registered_on=today,
        summary=data.summary.strip(),
        description=data.description.strip(),
        is_urgent=data.is_urgent,
        is_anonymous=data.complainant is None,
        facility=facility,
        region=region,
        status=CaseStatus.REGISTERED,
        created_by=actor,
        categories=_categories(data.category_ids),
        **_deadlines(today, urgent=data.is_urgent),
    )
    db.session.add(case)
    _add_parties(case, data, facility, actor=actor)
    if actor.has_role(Role.CASEWORKER):
        case.assignments.append(CaseAssignment(user=actor, role=AssignmentRole.CASEWORKER))
    db.session.flush()
    add_event(case, EventKind.REGISTERED, actor=actor, reference=case.reference)
    record(AuditAction.CASE_REGISTERED, actor=actor, obj=case, changes=_audit_summary(case))
    add_attachments(case, files, actor=actor)
    return case


def _categories(ids: Sequence[int]) -> list[Category]:
    categories = list(db.session.scalars(sa.select(Category).where(Category.id.in_(ids))))
    if not categories:
        raise IntakeError(_l("A case needs at least one category."))
    return categories


def _deadlines(registered_on: date, *, urgent: bool) -> dict[str, date | None]:
    calendar = WorkingCalendar.load()
    return {
        "decision_due": deadlines.decision_due(registered_on, calendar),
        "first_action_due": (
            deadlines.first_action_due(registered_on, calendar) if urgent else None
        ),
    }


def _add_parties(case: Case, data: IntakeData, facility: Facility | None, *, actor: User) -> None:
    """One party row per (person, role); a person keeps one number across their roles."""
    plan: list[tuple[PartyInput, list[PartyRole]]] = []
    if data.complainant is not None:
        roles = [PartyRole.COMPLAINANT]
        if data.complainant_is_victim:
            roles.append(PartyRole.VICTIM)
        plan.append((data.complainant, roles))
    plan.extend((victim, [PartyRole.VICTIM]) for victim in data.victims)

    numbers: dict[int, int] = {}
    may_consent: dict[int, bool] = {}
    # One person, one consent: a person entered twice keeps the consent of the first row,
    # as a role added later takes the recorded one (parties.services).
    consent_rows: dict[int, PartyInput] = {}
    next_number = count(1)
    seen: set[tuple[int, PartyRole]] = set()
    for party_input, roles in plan:
        person, created = _person_for(party_input, facility, actor=actor)
        if person.id not in numbers:
            numbers[person.id] = next(next_number)
            # Decided before this case adds a party that would make the person identifiable.
            may_consent[person.id] = created or can_identify_person(actor, person)
            consent_rows[person.id] = party_input
        for role in roles:
            if (person.id, role) in seen:
                continue  # the same person entered twice
            seen.add((person.id, role))
            given = consent_rows[person.id]
            consents = given.consents_to_disclosure and may_consent[person.id]
            case.parties.append(
                _party(person, role, given, numbers[person.id], consents=consents)
            )


def _person_for(
    party: PartyInput, facility: Facility | None, *, actor: User
) -> tuple[Person, bool]:
    """The party's person and whether intake created it.

    A typed IIN of a registered person links that person (one record per IIN keeps the
    duplicate check working) but keeps the registered details: the typed ones are not stored.
    """
    if party.person_id is not None:
        person = db.session.get(Person, party.person_id)
        if person is None or not can_identify_person(actor, person):
            raise IntakeError(_l("A chosen person cannot be used: pick the person again."))
        return person, False
    if party.new_person is None:
        raise IntakeError(_l("A party needs a person."))
    details = party.new_person
    if facility is not None and details.facility_id is None and (
        details.detention_status not in NOT_HELD
    ):
        details = replace(details, facility_id=facility.id)  # held where the complaint is about
    return find_or_create_person(details, actor=actor)


def unidentifiable_typed_people(data: IntakeData, *, actor: User) -> int:
    """How many typed IINs belong to registered people `actor` may not identify.

    register_case links them without recording consent: a stranger's word at intake cannot
    consent for a registered person; the assigned caseworker or a supervisor records it later.
    Ask before registering: afterwards the new case may make them identifiable.
    """
    parties = [*([data.complainant] if data.complainant else []), *data.victims]
    iins = {p.new_person.iin for p in parties if p.new_person and p.new_person.iin}
    known = [person for iin in iins if (person := person_by_iin(iin)) is not None]
    return sum(not can_identify_person(actor, person) for person in known)


def _party(
    person: Person, role: PartyRole, party: PartyInput, number: int, *, consents: bool
) -> CaseParty:
    """The row as parties.services.Consent would normalise it: scope, date and addressees
    only with consent."""
    addressees = _addressees(party)
    return CaseParty(
        person=person,
        role=role,
        consents_to_disclosure=consents,
        consent_scope=party.consent_scope.strip() if consents else "",
        consent_recorded_on=office_today() if consents else None,
        consent_addressees=addressees if consents else [],
        is_reprisal_risk=party.is_reprisal_risk,
        pseudonym_index=number,
    )


def _addressees(party: PartyInput) -> list[str]:
    try:
        return canonical_addressees(party.consent_addressees)
    except UnknownAddressee as error:
        raise IntakeError(CHOOSE_FROM_THE_LIST) from error


def _audit_summary(case: Case) -> dict[str, object]:
    """What was registered, without names: parties appear as person ids and numbers."""
    return {
        "reference": case.reference,
        "kind": case.kind,
        "channel": case.channel,
        "received_on": case.received_on,
        "region": case.region,
        "facility_id": case.facility_id,
        "categories": sorted(c.code for c in case.categories),
        "is_urgent": case.is_urgent,
        "is_anonymous": case.is_anonymous,
        "parties": [[p.person_id, p.role, p.pseudonym_index] for p in case.parties],
        "decision_due": case.decision_due,
        "first_action_due": case.first_action_due,
        "assigned_to": [a.user_id for a in case.assignments],
    }
