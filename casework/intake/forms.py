"""The intake form: one page that registers a complaint with its people and files."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from casework.accounts.models import User
from casework.attachments.forms import validate_uploads
from casework.cases.models import CaseKind, Channel
from casework.database import office_today
from casework.extensions import db
from casework.forms import MultiCheckboxField
from casework.intake.services import (
    IntakeData,
    PartyInput,
    earliest_received_on,
)
from casework.parties.forms import consent_addressees_field
from casework.people.forms import (
    PICK_AGAIN,
    contact_field,
    detail_fields,
    identity_fields,
    new_person_from,
    not_in_future,
    optional_int,
    posted_id,
    registered_person,
)
from casework.people.services import mask_iin
from casework.permissions import can_identify_person
from casework.reference.models import Category, Facility
from casework.reference.regions import Region
from casework.templating import format_day

BLANK_ROWS = 3  # rows offered without JavaScript
MAX_VICTIMS = 30
DESCRIPTION_MAX = 20000  # the case edit form's limit: a longer one could never be edited


def received_recently(_form: Form, field: Field) -> None:
    """A mistyped year (0001, 1026) would put a complaint outside every report and deadline."""
    earliest = earliest_received_on(office_today())
    if field.data and field.data < earliest:
        raise ValidationError(
            _l("The date received cannot be earlier than %(day)s.", day=format_day(earliest))
        )


def clear_errors(form: Form) -> None:
    for field in form:
        field.errors = []


def add_error(field: Field, message: str) -> None:
    # A field that was never validated holds an empty tuple, not a list.
    field.errors = [*field.errors, message]


class PartyForm(Form):
    """A person in a case: someone already registered (person_id) or someone new."""

    person_id = HiddenField(_l("Registered person"), filters=[posted_id])
    full_name, iin = identity_fields()
    consents_to_disclosure = BooleanField(_l("Consents in writing to disclose their identity"))
    consent_scope = StringField(_l("Consent covers (to whom)"), validators=[Length(max=300)])
    consent_addressees = consent_addressees_field()
    is_reprisal_risk = BooleanField(_l("At risk of reprisals"))

    picked_label = ""  # who was picked with the search box, to show it again on re-render
    actor: User | None = None  # who fills in the form; IntakeForm sets it before validating

    def is_blank(self) -> bool:
        return not (self.person_id.data or self.full_name.data or self.iin.data)

    def validate_person_id(self, field: Field) -> None:
        """A picked id must name someone the actor may identify; anything else is dropped, and
        the answer neither names the person nor tells whether the id exists."""
        if field.data is None or field.data == "":
            return
        person = registered_person(field.data)
        if person is None or self.actor is None or not can_identify_person(self.actor, person):
            field.data = None
            raise ValidationError(PICK_AGAIN)
        self.picked_label = f"{person.full_name} {mask_iin(person.iin)}".strip()

    def to_input(self) -> PartyInput:
        return PartyInput(
            person_id=self.person_id.data,
            new_person=None if self.person_id.data else new_person_from(self),
            consents_to_disclosure=self.consents_to_disclosure.data,
            consent_scope=self.consent_scope.data or "",
            is_reprisal_risk=self.is_reprisal_risk.data,
            consent_addressees=tuple(self.consent_addressees.data or ()),
        )

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            return True  # an unused row is ignored, not an error
        valid = super().validate(extra_validators)
        if not self.person_id.data and not (self.full_name.data or "").strip():
            add_error(self.full_name, _l("Enter the full name, or pick a person."))
            valid = False
        return valid


class ComplainantForm(PartyForm):
    contact = contact_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required (asterisk, aria-required) unless the complaint is anonymous or someone is
        # picked, which hides this field: IntakeForm checks it, as it depends on other fields.
        self.full_name.flags.required = True


class VictimForm(PartyForm):
    birth_date, sex, detention_status = detail_fields()

    def is_blank(self) -> bool:
        typed_date = any(str(v).strip() for v in self.birth_date.raw_data or [])
        return super().is_blank() and not typed_date


class IntakeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=CaseKind.choices, default=CaseKind.COMPLAINT.value)
    channel = SelectField(_l("Received via"), validators=[DataRequired()])
    received_on = DateField(
        _l("Date received"), default=office_today,
        validators=[DataRequired(), not_in_future, received_recently],
    )
    is_anonymous = BooleanField(_l("Anonymous complaint"))
    complainant = FormField(ComplainantForm, label=_l("Complainant"))
    complainant_is_victim = BooleanField(_l("The complainant is also the victim"))
    # Labelled in the singular: the error summary names each row "Victim 2: Full name".
    victims = FieldList(
        FormField(VictimForm), label=_l("Victim"), min_entries=1, max_entries=MAX_VICTIMS
    )
    facility_id = SelectField(_l("Facility"), coerce=optional_int)
    region = SelectField(_l("Region"))
    category_ids = MultiCheckboxField(
        _l("Categories"), coerce=int,
        validators=[DataRequired(message=_l("Choose at least one category."))],
    )
    is_urgent = BooleanField(_l("Urgent: risk to life or health"))
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    attachments = MultipleFileField(_l("Attachments"), validators=[validate_uploads])
    confirm_duplicates = HiddenField()

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.channel.choices = [("", _l("Choose…")), *Channel.choices()]
        self.region.choices = [("", _l("From the facility")), *Region.choices()]
        facilities = db.session.scalars(
            sa.select(Facility).where(Facility.is_active).order_by(Facility.name)
        )
        self.facility_id.choices = [(None, _l("No facility / not known"))] + [
            (f.id, f"{f.name} ({f.region.label})") for f in facilities
        ]
        categories = db.session.scalars(
            sa.select(Category).where(Category.is_active).order_by(Category.position, Category.id)
        )
        self.category_ids.choices = [(c.id, c.name) for c in categories]

    def offer_blank_rows(self) -> None:
        """Without JavaScript nobody can add rows, so a fresh form brings a few."""
        while len(self.victims) < BLANK_ROWS:
            self.victims.append_entry()

    def victim_rows(self) -> list[VictimForm]:
        return [entry.form for entry in self.victims if not entry.form.is_blank()]

    @property
    def wants_confirmation(self) -> bool:
        return self.confirm_duplicates.data == "1"

    def to_data(self) -> IntakeData:
        anonymous = self.is_anonymous.data
        return IntakeData(
            kind=CaseKind(self.kind.data),
            channel=Channel(self.channel.data),
            received_on=self.received_on.data,
            summary=self.summary.data,
            description=self.description.data or "",
            is_urgent=self.is_urgent.data,
            facility_id=self.facility_id.data,
            region=Region(self.region.data) if self.region.data else None,
            category_ids=tuple(self.category_ids.data),
            complainant=None if anonymous else self.complainant.form.to_input(),
            complainant_is_victim=self.complainant_is_victim.data and not anonymous,
            victims=tuple(row.to_input() for row in self.victim_rows()),
        )

    def validate(self, extra_validators: Any = None) -> bool:
        for party in [self.complainant.form, *(entry.form for entry in self.victims)]:
            party.actor = self.actor
        super().validate(extra_validators)
        if self.is_anonymous.data:
            clear_errors(self.complainant.form)  # what was typed there is not used
        self._check_people()
        self._check_place()
        return not self.errors

    def _check_people(self) -> None:
        complainant = self.complainant.form
        if not self.is_anonymous.data and complainant.is_blank():
            add_error(
                complainant.full_name,
                _l("Enter the complainant's name, or tick “Anonymous complaint”."),
            )
        named_victim = self.complainant_is_victim.data and not self.is_anonymous.data
        if not named_victim and not self.victim_rows() and not self.is_anonymous.data:
            add_error(
                self.complainant_is_victim,
                _l("Add at least one victim, or tick this box if the complainant is the victim."),
            )

    def _check_place(self) -> None:
        if self.facility_id.data is None and not self.region.data:
            add_error(self.region, _l("Choose the region, or a facility."))
