"""Form fields and checks for a person, shared by every page that records one (intake, adding
a party), so a person is held to the same rules wherever they are entered."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, Form, SelectField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, Optional, ValidationError

from casework.database import office_today
from casework.extensions import db
from casework.people.iin import is_valid_iin, normalise_iin
from casework.people.models import DetentionStatus, Person, Sex
from casework.people.services import NewPerson
from casework.routing import MAX_DATABASE_ID
from casework.templating import format_day

IIN_ERROR = _l("IIN must be 12 digits with a valid check digit")
# The same words whether the id is unknown or names someone the user may not identify.
PICK_AGAIN = _l("Pick the person again, or enter their details.")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def posted_id(value: Any) -> Any:
    """An id as posted; text that is no number stays text for validation to refuse politely."""
    try:
        return optional_int(value)
    except ValueError:
        return value


def registered_person(person_id: object) -> Person | None:
    """The person a posted id names; a tampered id (text, out of range) names nobody."""
    if not isinstance(person_id, int) or not 0 < person_id <= MAX_DATABASE_ID:
        return None
    return db.session.get(Person, person_id)


def not_in_future(_form: Form, field: Field) -> None:
    if field.data and field.data > office_today():
        raise ValidationError(_l("The date cannot be in the future."))


def plausible_birth_date(_form: Form, field: Field) -> None:
    if field.data and field.data < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _l("The date of birth cannot be earlier than %(day)s.",
               day=format_day(EARLIEST_BIRTH_DATE))
        )


def valid_iin(_form: Form, field: Field) -> None:
    if field.data and not is_valid_iin(field.data):
        raise ValidationError(IIN_ERROR)


# Factories rather than a mixin class: fields made in the form's own class body keep the
# form's order, which the error summary and the page follow.

def identity_fields() -> tuple[UnboundField, UnboundField]:
    """Full name and IIN."""
    return (
        StringField(_l("Full name"), validators=[Length(max=200)]),
        StringField(
            _l("IIN"), filters=[normalise_iin], validators=[valid_iin],
            render_kw={"inputmode": "numeric", "autocomplete": "off"},
        ),
    )


def detail_fields() -> tuple[UnboundField, UnboundField, UnboundField]:
    """Date of birth, sex and detention status."""
    return (
        DateField(
            _l("Date of birth"), validators=[Optional(), not_in_future, plausible_birth_date]
        ),
        SelectField(_l("Sex"), choices=Sex.choices, default=Sex.UNKNOWN.value),
        SelectField(
            _l("Detention status"), choices=DetentionStatus.choices,
            default=DetentionStatus.UNKNOWN.value,
        ),
    )


def contact_field() -> UnboundField:
    return StringField(_l("Contact (phone, address, e-mail)"), validators=[Length(max=300)])


def new_person_from(form: Form) -> NewPerson:
    """The details typed for someone new, from whichever of the person fields the form has
    (a complainant's form asks for a contact, a victim's for birth date and detention)."""
    details: dict[str, Any] = {}
    if (contact := getattr(form, "contact", None)) is not None:
        details["contact"] = (contact.data or "").strip()
    if (birth_date := getattr(form, "birth_date", None)) is not None:
        details["birth_date"] = birth_date.data
    if (sex := getattr(form, "sex", None)) is not None:
        details["sex"] = Sex(sex.data)
    if (detention := getattr(form, "detention_status", None)) is not None:
        details["detention_status"] = DetentionStatus(detention.data)
    return NewPerson(full_name=form.full_name.data.strip(), iin=form.iin.data or None, **details)
