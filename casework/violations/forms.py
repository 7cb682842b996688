"""Forms of the violation pages: recording and editing a violation, its status, its evidence,
and the list's filters.

Forms check the shape of the input; the rules (dates within the visit, who may record, which
status follows) are the services', whose refusals the views put next to the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from casework.attachments.forms import validate_uploads
from casework.cases.forms import optional_id, options
from casework.forms import chosen_value
from casework.reference.models import Category, Facility, FacilityType
from casework.reference.regions import Region
from casework.violations.models import ViolationStatus
from casework.violations.queries import ViolationFilters
from casework.violations.services import MAX_PEOPLE_AFFECTED, statuses_after

# Suggestions for the legal basis (the field stays free text): the provisions findings cite
# most, as the office writes them in each language.
LEGAL_BASES = (
    _l("UNCAT art. 1 (definition of torture)"),
    _l("UNCAT art. 2 (prevention of torture)"),
    _l("UNCAT art. 11 (review of custody and interrogation rules)"),
    _l("UNCAT art. 12 (prompt and impartial investigation)"),
    _l("UNCAT art. 13 (right to complain)"),
    _l("UNCAT art. 14 (redress and rehabilitation)"),
    _l("UNCAT art. 16 (cruel, inhuman or degrading treatment)"),
    _l("OPCAT art. 14 (access to places, records and people)"),
    _l("OPCAT art. 15 (no sanction for communicating with the NPM)"),
    _l("OPCAT art. 21 (protection from reprisals, confidentiality)"),
    _l("Nelson Mandela Rules, r. 1 (dignity, prohibition of torture)"),
    _l("Nelson Mandela Rules, r. 12–17 (accommodation)"),
    _l("Nelson Mandela Rules, r. 18 (personal hygiene)"),
    _l("Nelson Mandela Rules, r. 22 (food and drinking water)"),
    _l("Nelson Mandela Rules, r. 23 (exercise in the open air)"),
    _l("Nelson Mandela Rules, r. 24–35 (health-care services)"),
    _l("Nelson Mandela Rules, r. 43–45 (solitary confinement and restrictions)"),
    _l("Nelson Mandela Rules, r. 54–57 (information and complaints)"),
    _l("Nelson Mandela Rules, r. 58 (contact with family and friends)"),
    _l("Nelson Mandela Rules, r. 61 (access to a lawyer)"),
    _l("Nelson Mandela Rules, r. 71 (investigation of deaths and torture)"),
    _l("Bangkok Rules, r. 5 (hygiene of women)"),
    _l("Bangkok Rules, r. 19–20 (searches of women)"),
    _l("Bangkok Rules, r. 22 (no close confinement of pregnant women and mothers)"),
    _l("Constitution of the Republic of Kazakhstan, art. 17 (dignity, no torture)"),
    _l("Criminal Code of the Republic of Kazakhstan, art. 146 (torture)"),
    _l("Criminal Executive Code of the Republic of Kazakhstan, art. 10 (rights of convicts)"),
)

CATEGORY_MESSAGE = _l("Choose a category from the list.")
FACILITY_MESSAGE = _l("Choose a facility from the list.")


def _id_select(label: Any, message: Any, *, required: bool = True) -> SelectField:
    return SelectField(
        label, coerce=optional_id,
        validators=[InputRequired(message)] if required else [Optional()],
        invalid_value_message=message, invalid_choice_message=message,
    )


class ViolationForm(FlaskForm):
    """Recording a violation on a visit; the case's form adds the facility."""

    category = _id_select(_l("Category"), CATEGORY_MESSAGE)
    legal_basis = StringField(_l("Legal basis"), validators=[
        DataRequired(_l("Give the legal basis: the treaty, rule or law article violated.")),
        Length(max=300),
    ])
    description = TextAreaField(_l("What was found"), validators=[
        DataRequired(_l("Describe what was found.")), Length(max=20000),
    ])
    found_on = DateField(_l("Found on"), validators=[InputRequired(_l("Give the date."))])
    people_affected = IntegerField(
        _l("People affected"), default=0,
        validators=[InputRequired(_l("Give the number of people affected: 0 or more.")),
                    NumberRange(min=0, max=MAX_PEOPLE_AFFECTED)],
    )
    status = SelectField(_l("Status"), validators=[InputRequired()])
    files = MultipleFileField(_l("Evidence"), validators=[validate_uploads])

    def prepare(self, categories: Iterable[Category], current: Category | None = None
                ) -> ViolationForm:
        """Categories in use, plus the violation's own when it is no longer in use."""
        rows = list(categories)
        if current is not None and current not in rows:
            rows.append(current)
        self.category.choices = options(
            [("", _l("Choose…"))] + [(str(c.id), c.name) for c in rows]
        )
        self.status.choices = options(ViolationStatus.choices())
        return self

    def facts(self) -> dict[str, Any]:
        """The fields as the services take them; the category id was checked against the
        choices, so the row is in the session."""
        from casework.extensions import db

        return {
            "category": db.session.get(Category, self.category.data),
            "legal_basis": self.legal_basis.data or "",
            "description": self.description.data or "",
            "found_on": self.found_on.data,
            "people_affected": self.people_affected.data,
        }


class CaseViolationForm(ViolationForm):
    facility = _id_select(_l("Facility"), FACILITY_MESSAGE, required=False)

    def prepare_facilities(self, facilities: Iterable[Facility]) -> CaseViolationForm:
        self.facility.choices = options(
            [("", "—")] + [(str(f.id), f.name) for f in facilities]
        )
        return self

    def chosen_facility(self) -> Facility | None:
        from casework.extensions import db

        return db.session.get(Facility, self.facility.data) if self.facility.data else None


class EditViolationForm(CaseViolationForm):
    """The edit form (the facility only for a case's violation); a change of status needs a
    reason."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason for the change of status"),
                           validators=[Optional(), Length(max=5000)])
    files = None  # evidence is added on the violation's page

    def prepare_status(self, current: ViolationStatus) -> EditViolationForm:
        self.status.choices = options(
            [(s.value, s.label) for s in [current, *statuses_after(current)]]
        )
        return self


class StatusForm(FlaskForm):
    """The finding on a violation, from its page."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    status = SelectField(_l("New status"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give the reason for the new status.")), Length(max=5000),
    ])

    def prepare(self, current: ViolationStatus) -> StatusForm:
        self.status.choices = options([(s.value, s.label) for s in statuses_after(current)])
        return self


class EvidenceForm(FlaskForm):
    files = MultipleFileField(_l("Add evidence"), validators=[validate_uploads])


# -- the list's filters -----------------------------------------------------------------------


def _with_any(pairs: Iterable[tuple[Any, Any]]) -> list:
    return options([("", _l("Any")), *pairs])


class ViolationFilterForm(FlaskForm):
    """The list's filters: a GET form (no CSRF token), so a link from the statistics carries
    them. The names are the URL's arguments."""

    class Meta:
        csrf = False

    category_id = SelectField(_l("Category"), validators=[Optional()])
    facility_type = SelectField(_l("Facility type"), validators=[Optional()])
    facility_id = SelectField(_l("Facility"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    found_from = DateField(_l("Found from"), validators=[Optional()])
    found_to = DateField(_l("Found to"), validators=[Optional()])
    repeat = BooleanField(_l("Repeat findings only"))

    def set_choices(self, categories: Iterable[Category],
                    facilities: Iterable[Facility]) -> ViolationFilterForm:
        self.category_id.choices = _with_any([(str(c.id), c.name) for c in categories])
        self.facility_type.choices = _with_any(FacilityType.choices())
        self.facility_id.choices = _with_any([(str(f.id), f.name) for f in facilities])
        self.region.choices = _with_any(Region.choices())
        self.status.choices = _with_any(ViolationStatus.choices())
        return self

    def filters(self) -> ViolationFilters:
        """The valid filters; a tampered value is ignored rather than an error."""
        value = chosen_value

        return ViolationFilters(
            category_id=value(self.category_id, optional_id),
            facility_type=value(self.facility_type, FacilityType),
            facility_id=value(self.facility_id, optional_id),
            region=value(self.region, Region),
            status=value(self.status, ViolationStatus),
            found_from=value(self.found_from, lambda day: day),
            found_to=value(self.found_to, lambda day: day),
            repeat_only=bool(self.repeat.data),
        )
