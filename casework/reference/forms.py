"""Forms of the reference-data screens: the calendar, facilities, authorities, the CSV
imports and the registry of NPM participants."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from casework.accounts.forms import enum_options, optional_enum
from casework.reference.models import (
    Authority,
    AuthorityType,
    CalendarDayKind,
    CctvCoverage,
    FacilityType,
    Language,
)
from casework.reference.participants import DeclarationState
from casework.reference.queries import ActiveFilter
from casework.reference.regions import Region
from casework.reference.services import (
    MAX_ADDRESS,
    MAX_CAPACITY,
    MAX_CONTACT,
    MAX_NAME,
    RESPONSE_PERIOD_RANGE,
)
from casework.routing import MAX_DATABASE_ID


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    note = StringField(
        _l("Note"),
        validators=[Length(max=300)],
        description=_l("E.g. the government decree that moved the day."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices are built per request so their labels follow the user's language.
        self.kind.choices = CalendarDayKind.choices()


def _status_choices() -> list[SelectChoice]:
    return [
        SelectChoice(ActiveFilter.ACTIVE.value, _l("Active")),
        SelectChoice(ActiveFilter.INACTIVE.value, _l("Inactive")),
        SelectChoice(ActiveFilter.ALL.value, _l("All")),
    ]


class GetForm(FlaskForm):
    """A filter form sent by GET: no CSRF token, unknown values fall back to "all"."""

    class Meta:
        csrf = False


class FacilityFilterForm(GetForm):
    q = SearchField(_l("Name or address"), validators=[Optional(), Length(max=200)])
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, str(_l("All regions"))),
        coerce=optional_enum(Region),
    )
    type = SelectField(
        _l("Type"), choices=lambda: enum_options(FacilityType, str(_l("All types"))),
        coerce=optional_enum(FacilityType),
    )
    status = SelectField(_l("Status"), choices=_status_choices, default=ActiveFilter.ACTIVE.value)


class AuthorityFilterForm(GetForm):
    q = SearchField(_l("Name, address or contact"), validators=[Optional(), Length(max=200)])
    type = SelectField(
        _l("Type"), choices=lambda: enum_options(AuthorityType, str(_l("All types"))),
        coerce=optional_enum(AuthorityType),
    )
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, str(_l("All regions"))),
        coerce=optional_enum(Region),
    )


def _id_or_none(value: Any) -> int | None:
    """A picked record's id, None for the empty option; ValueError (a field error) for
    anything no database row can have."""
    if value in (None, "", "0", 0):
        return None
    number = int(value)
    if not 0 < number <= MAX_DATABASE_ID:
        raise ValueError("not a database id")
    return number


class EditedRecordForm(FlaskForm):
    # The record's updated_at when the form opened: a later save by someone else is a 409.
    opened_at = HiddenField()


class FacilityForm(EditedRecordForm):
    name = StringField(_l("Facility name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    # No preselected type or region: a facility saved in Astana by default is hard to notice.
    type = SelectField(
        _l("Type"), choices=lambda: enum_options(FacilityType, "—"),
        coerce=optional_enum(FacilityType), validators=[DataRequired()],
    )
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, "—"), coerce=optional_enum(Region),
        validators=[DataRequired()],
    )
    authority = SelectField(_l("Operating authority"), coerce=_id_or_none)
    capacity = IntegerField(
        _l("Capacity"), validators=[Optional(), NumberRange(min=0, max=MAX_CAPACITY)],
        description=_l("Places, as the facility's regulations state them."),
    )
    cctv_coverage = SelectField(
        _l("CCTV coverage"), choices=lambda: enum_options(CctvCoverage), coerce=CctvCoverage,
        default=CctvCoverage.UNKNOWN.value,
        description=_l("A change is kept in the facility's CCTV history."),
    )
    address = TextAreaField(_l("Address"), validators=[Length(max=MAX_ADDRESS)])

    def set_authorities(self, authorities: list[Authority]) -> None:
        self.authority.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(a.id), a.name) for a in authorities
        ]


class AuthorityForm(EditedRecordForm):
    name = StringField(_l("Authority name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    type = SelectField(
        _l("Type"), choices=lambda: enum_options(AuthorityType, "—"),
        coerce=optional_enum(AuthorityType), validators=[DataRequired()],
    )
    # Choices leave out the authority itself and those below it; a forged or outdated value
    # still reaches the service, which explains the refusal.
    parent = SelectField(
        _l("Parent authority"), coerce=_id_or_none, validate_choice=False,
        description=_l("Where escalations go: the authority this one answers to."),
    )
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, "—"), coerce=optional_enum(Region),
        description=_l("Empty for a national authority."),
    )
    address = TextAreaField(_l("Address"), validators=[Length(max=MAX_ADDRESS)])
    contact = StringField(
        _l("Contact"), validators=[Length(max=MAX_CONTACT)],
        description=_l("Telephone, e-mail or the office to address."),
    )
    response_period_days = IntegerField(
        _l("Response period (working days)"),
        validators=[InputRequired(), NumberRange(*RESPONSE_PERIOD_RANGE)],
        default=15,
        description=_l("From %(low)d to %(high)d working days; the law's default is 15.",
                       low=RESPONSE_PERIOD_RANGE[0], high=RESPONSE_PERIOD_RANGE[1]),
    )
    letter_language = SelectField(
        _l("Letter language"), choices=lambda: enum_options(Language), coerce=Language,
        default=Language.RU.value,
    )

    def set_parents(self, authorities: list[Authority]) -> None:
        self.parent.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(a.id), a.name) for a in authorities
        ]


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class ConfirmImportForm(FlaskForm):
    """Import the file the dry run checked: kept on the server under its SHA-256."""

    # \Z, not $: "$" also matches before a final newline, which import_stash refuses.
    sha256 = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}\Z")])
    file_name = HiddenField(validators=[Length(max=255)])


# -- NPM participants ---------------------------------------------------------------------


class ParticipantFilterForm(GetForm):
    q = SearchField(_l("Name, organisation or expertise"),
                    validators=[Optional(), Length(max=200)])
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, str(_l("All regions"))),
        coerce=optional_enum(Region),
    )
    declaration = SelectField(
        _l("Declaration"), choices=lambda: DeclarationState.filter_choices(),
        coerce=optional_enum(DeclarationState),
    )
    status = SelectField(_l("Status"), choices=_status_choices, default=ActiveFilter.ACTIVE.value)


class ParticipantForm(EditedRecordForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=300)])
    expertise = StringField(
        _l("Expertise"), validators=[Length(max=300)],
        description=_l("E.g. forensic doctor, psychiatrist, lawyer, child-rights expert."),
    )
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, "—"), coerce=optional_enum(Region)
    )
    contact = StringField(_l("Contact"), validators=[Length(max=300)])
    declaration_signed_on = DateField(_l("Declaration signed on"), validators=[Optional()])
    declaration_valid_until = DateField(
        _l("Declaration valid until"), validators=[Optional()],
        description=_l("Leave empty when the declaration has no end date."),
    )
    declaration_number = StringField(_l("Declaration number"), validators=[Length(max=50)])
