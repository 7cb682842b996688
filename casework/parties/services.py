"""Adding people to a case after registration and changing their consent, risk and contact.

The identity rules are intake's: a picked person must be someone the actor may identify, and
a typed IIN of a registered person links that person with the registered details and without
the consent typed for them, unless the actor could already identify them. Each change writes
a timeline event and an audit entry (ids and field names only: the audit log outlives the
record, so it holds no names or contact details) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.cases.models import Case, CaseParty, EventKind, PartyRole
from casework.cases.timeline import add_event
from casework.database import office_today, utcnow
from casework.extensions import db
from casework.intake.services import NOT_HELD
from casework.parties.addressees import (
    CHOOSE_FROM_THE_LIST,
    UnknownAddressee,
    canonical_addressees,
)
from casework.people.models import Person
from casework.people.services import NewPerson, find_or_create_person, person_by_iin
from casework.permissions import Permission, can, can_identify_person, can_record_consent


class PartyError(Exception):
    """A rule refused the change; `message` is for the user, `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Consent:
    """A person's written consent to disclose their identity, and their risk of reprisals.

    `addressees` are the kinds of authority (AuthorityType values) the consent lets letters
    name the person to; to any other addressee a letter gives the pseudonym.
    """

    consents_to_disclosure: bool = False
    scope: str = ""
    given_on: date | None = None
    is_reprisal_risk: bool = False
    addressees: tuple[str, ...] = ()

    def normalised(self) -> Consent:
        """Scope, date and addressees mean nothing without consent: they are not kept. The
        addressees are kept once each in AuthorityType's order; a value that names no kind
        of authority is refused (PartyError), with or without consent."""
        try:
            addressees = tuple(canonical_addressees(self.addressees))
        except UnknownAddressee as error:
            raise PartyError(str(CHOOSE_FROM_THE_LIST), field="consent_addressees") from error
        if not self.consents_to_disclosure:
            return replace(self, scope="", given_on=None, addressees=())
        return replace(self, scope=self.scope.strip(), addressees=addressees)

    def without_disclosure(self) -> Consent:
        return replace(self, consents_to_disclosure=False).normalised()


@dataclass(frozen=True)
class NewParty:
    """A party to add: a registered person (person_id) or a new one."""

    role: PartyRole
    consent: Consent
    person_id: int | None = None
    new_person: NewPerson | None = None


@dataclass(frozen=True)
class AddedParty:
    party: CaseParty
    # A typed IIN named a registered person the actor could not identify: linked, and the
    # consent typed for them was not recorded (a stranger's word cannot consent for them).
    linked_unidentifiable: bool
    # The person already had a role in the case: consent and risk were taken from it.
    consent_inherited: bool = False


def may_manage_parties(user: User, case: Case) -> bool:
    """Adding and editing parties shows who they are: it needs both rights on the case."""
    return can(user, Permission.EDIT_CASE, case) and can(user, Permission.SEE_IDENTITY, case)


def _require(user: User, case: Case) -> None:
    if not may_manage_parties(user, case):
        raise PartyError(_("You are not allowed to do this on this case."))


def _check_given_on(consent: Consent) -> None:
    if not consent.consents_to_disclosure:
        return
    if consent.given_on is None:
        raise PartyError(_("Enter the date the written consent was given."), field="given_on")
    if consent.given_on > office_today():
        raise PartyError(_("The date cannot be in the future."), field="given_on")


def pseudonym_number(case: Case, person: Person) -> int:
    """The person's number in the case: the one they have, else the next free one."""
    numbers = {party.person_id: party.pseudonym_index for party in case.parties}
    if person.id in numbers:
        return numbers[person.id]
    return max(numbers.values(), default=0) + 1


# -- adding -----------------------------------------------------------------------------------


def add_party(case: Case, new: NewParty, *, actor: User) -> AddedParty:
    """Add a person to the case in a role. Raises PartyError."""
    _require(actor, case)
    if new.role is PartyRole.COMPLAINANT and case.is_anonymous:
        raise PartyError(
            _("This complaint was registered as anonymous: it has no complainant."), field="role"
        )
    consent = new.consent.normalised()
    _check_given_on(consent)
    person, may_consent = _person_for(case, new, actor=actor)
    if any(p.person_id == person.id and p.role is new.role for p in case.parties):
        raise PartyError(_("This person is already a party in this role."), field="role")
    existing = next((p for p in case.parties if p.person_id == person.id), None)
    if existing is not None:
        consent = _consent_of(existing)  # one person, one letter, one consent
    elif not may_consent:
        consent = consent.without_disclosure()
    party = CaseParty(
        person=person,
        role=new.role,
        pseudonym_index=pseudonym_number(case, person),
        consents_to_disclosure=consent.consents_to_disclosure,
        consent_scope=consent.scope,
        consent_recorded_on=consent.given_on,
        consent_addressees=list(consent.addressees),
        is_reprisal_risk=consent.is_reprisal_risk,
    )
    case.parties.append(party)
    # Touching the case bumps its version, so two people adding a party at the same moment
    # cannot both hand out the same letter: the second save is refused as a concurrent edit.
    case.updated_at = utcnow()
    db.session.flush()
    add_event(case, EventKind.PARTY_ADDED, actor=actor, **_event_party(party))
    record(AuditAction.PARTY_ADDED, actor=actor, obj=party, changes={
        "case_id": case.id, "person_id": person.id, "role": party.role,
        "pseudonym_index": party.pseudonym_index,
        "consents_to_disclosure": party.consents_to_disclosure,
        "consent_addressees": party.consent_addressees,
        "is_reprisal_risk": party.is_reprisal_risk,
    })
    return AddedParty(party, linked_unidentifiable=not may_consent,
                      consent_inherited=existing is not None)


def _consent_of(party: CaseParty) -> Consent:
    """A person's consent in a case. A role with a different one would unmask the pseudonym
    the person's roles share, so a new role takes the consent already recorded."""
    return Consent(party.consents_to_disclosure, party.consent_scope,
                   party.consent_recorded_on, party.is_reprisal_risk,
                   tuple(party.consent_addressees or ()))


def _person_for(case: Case, new: NewParty, *, actor: User) -> tuple[Person, bool]:
    """The party's person, and whether the consent typed for them may be recorded.

    Decided before the new party exists: once it does, the person is identifiable through
    this very case, and the check would always pass.
    """
    if new.person_id is not None:
        person = db.session.get(Person, new.person_id)
        if person is None or not can_identify_person(actor, person):
            raise PartyError(_("Pick the person again, or enter their details."),
                             field="person_id")
        return person, True
    if new.new_person is None:
        raise PartyError(_("Enter the full name, or pick a person."), field="full_name")
    details = new.new_person
    known = person_by_iin(details.iin) if details.iin else None
    if known is not None:
        return known, can_identify_person(actor, known)  # the typed details are not stored
    if case.facility_id is not None and details.detention_status not in NOT_HELD:
        details = replace(details, facility_id=details.facility_id or case.facility_id)
    person, _created = find_or_create_person(details, actor=actor)
    return person, True


# -- editing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyChanges:
    consent: Consent
    contact: str | None = None  # None: keep the recorded contact


def edit_party(party: CaseParty, changes: PartyChanges, *, actor: User) -> list[str]:
    """Record consent, reprisal risk and contact; returns the names of the changed fields.

    Consent and risk belong to the person within the case, so every role of the person in
    the case changes together: they share a letter, and a name shown on one row would
    unmask the pseudonym on the other.
    """
    case = party.case
    _require(actor, case)
    consent = changes.consent.normalised()
    _check_given_on(consent)
    if consent.consents_to_disclosure and not party.consents_to_disclosure and (
        not can_record_consent(actor, party)
    ):
        raise PartyError(
            _("This person also appears in cases you cannot see: a supervisor of the region "
              "records their consent."),
            field="consents_to_disclosure",
        )
    rows = [p for p in case.parties if p.person_id == party.person_id]
    wanted = {
        "consents_to_disclosure": consent.consents_to_disclosure,
        "consent_scope": consent.scope,
        "consent_recorded_on": consent.given_on,
        "consent_addressees": list(consent.addressees),
        "is_reprisal_risk": consent.is_reprisal_risk,
    }
    changed = [name for name, value in wanted.items() if getattr(party, name) != value]
    for row in rows:
        for name, value in wanted.items():
            setattr(row, name, value)
    person = party.person
    if changes.contact is not None and changes.contact.strip() != person.contact:
        person.contact = changes.contact.strip()
        changed.append("contact")
    if not changed:
        return []
    add_event(case, EventKind.PARTY_EDITED, actor=actor, changed=changed, **_event_party(party))
    record(AuditAction.PARTY_EDITED, actor=actor, obj=party, changes={
        "person_id": party.person_id, "party_ids": [row.id for row in rows], "fields": changed,
    })
    return changed


def _event_party(party: CaseParty) -> dict[str, object]:
    """Who the event is about, as the timeline draws it: role and number, never a name."""
    return {"party_role": party.role, "party_index": party.pseudonym_index}
