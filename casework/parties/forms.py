"""Forms for adding a party to a case and for changing a party's consent, risk and contact.

The field checks are intake's own (IIN check digit, dates), imported rather than copied, so
a person is held to the same rules whichever page records them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from casework.accounts.models import User
from casework.cases.models import CaseParty, PartyRole
from casework.database import office_today
from casework.forms import MultiCheckboxField
from casework.parties.addressees import CHOOSE_FROM_THE_LIST
from casework.parties.services import Consent, NewParty, PartyChanges
from casework.people.forms import (
    PICK_AGAIN,
    contact_field,
    detail_fields,
    identity_fields,
    new_person_from,
    not_in_future,
    posted_id,
    registered_person,
)
from casework.people.models import Person
from casework.people.services import mask_iin
from casework.permissions import can_identify_person
from casework.reference.models import AuthorityType


def consent_addressees_field() -> MultiCheckboxField:
    """The kinds of authority letters may name the person to; intake asks the same."""
    return MultiCheckboxField(
        _l("Letters may name them to"), choices=AuthorityType.choices,
        invalid_choice_message=CHOOSE_FROM_THE_LIST,
    )


class ConsentFields(FlaskForm):
    """Consent to disclosure, its scope, addressees and date, and the reprisal-risk flag."""

    consents_to_disclosure = BooleanField(_l("Consents in writing to disclose their identity"))
    consent_scope = StringField(_l("Consent covers (to whom)"), validators=[Length(max=300)])
    consent_addressees = consent_addressees_field()
    given_on = DateField(
        _l("Date of the written consent"), default=office_today,
        validators=[Optional(), not_in_future],
    )
    is_reprisal_risk = BooleanField(_l("At risk of reprisals"))

    def validate_given_on(self, field: Field) -> None:
        if self.consents_to_disclosure.data and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the date the written consent was given."))

    def consent(self) -> Consent:
        return Consent(
            consents_to_disclosure=self.consents_to_disclosure.data,
            scope=self.consent_scope.data or "",
            given_on=self.given_on.data,
            is_reprisal_risk=self.is_reprisal_risk.data,
            addressees=tuple(self.consent_addressees.data or ()),
        )


class EditPartyForm(ConsentFields):
    contact = contact_field()

    @classmethod
    def for_party(cls, party: CaseParty, *, shows_identity: bool) -> EditPartyForm:
        """The form filled from the record; the contact only where the name may be shown."""
        return cls(data={
            "consents_to_disclosure": party.consents_to_disclosure,
            "consent_scope": party.consent_scope,
            "consent_addressees": party.consent_addressees,
            "given_on": party.consent_recorded_on or office_today(),
            "is_reprisal_risk": party.is_reprisal_risk,
            "contact": party.person.contact if shows_identity else "",
        })

    def changes(self, *, shows_identity: bool) -> PartyChanges:
        """Under a pseudonym the contact is not shown, so an empty box keeps it."""
        contact = (self.contact.data or "").strip()
        keep = not shows_identity and not contact
        return PartyChanges(consent=self.consent(), contact=None if keep else contact)


def person_choice(person: Person) -> tuple[int, str]:
    """How a registered person is offered: enough to tell namesakes apart, no more."""
    parts = [person.full_name, mask_iin(person.iin)]
    if person.birth_date:
        parts.append(str(person.birth_date.year))
    return person.id, " · ".join(part for part in parts if part)


class AddPartyForm(ConsentFields):
    role = SelectField(_l("Role"), choices=PartyRole.choices, default=PartyRole.VICTIM.value)
    # Choices come from the page's search; any posted id is checked against the identity rules.
    person_id = RadioField(
        _l("Person"), coerce=posted_id, validate_choice=False, default=None
    )
    full_name, iin = identity_fields()
    birth_date, sex, detention_status = detail_fields()
    contact = contact_field()

    def __init__(
        self, *args: Any, actor: User, found: Sequence[Person] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        people = list(found)
        picked = self._picked()
        if picked is not None and picked not in people:
            people.insert(0, picked)  # a failed submit offers the chosen person again
        self.person_id.choices = [(None, _l("A new person: enter the details below")),
                                  *(person_choice(p) for p in people)]

    def _picked(self) -> Person | None:
        """The posted person, if the actor may identify them; a tampered id names nobody."""
        person = registered_person(self.person_id.data)
        return person if person is not None and can_identify_person(self.actor, person) else None

    def validate_person_id(self, field: Field) -> None:
        if field.data is not None and self._picked() is None:
            field.data = None
            raise ValidationError(PICK_AGAIN)

    def validate_full_name(self, field: Field) -> None:
        if self.person_id.data is None and not (field.data or "").strip():
            raise ValidationError(_l("Enter the full name, or pick a person."))

    def new_party(self) -> NewParty:
        picked = self.person_id.data
        return NewParty(
            role=PartyRole(self.role.data),
            consent=self.consent(),
            person_id=picked,
            new_person=None if picked is not None else new_person_from(self),
        )

