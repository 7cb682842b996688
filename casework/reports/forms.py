"""The statistics page's two GET forms: the period and region the figures are for, and the
year and language of the annual report. Neither changes anything, so neither has a CSRF
token, and their URLs can be shared."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields import Field
from wtforms.validators import InputRequired, Optional, ValidationError

from casework.cases.deadlines import add_months
from casework.cases.forms import options
from casework.forms import chosen_value
from casework.labels import LabelledEnum
from casework.reference.models import Language
from casework.reference.regions import Region
from casework.reports.figures import Period

FIRST_YEAR = 2000  # no record of the office is older; a typo like 0202 is refused


class Preset(LabelledEnum):
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"
    THIS_QUARTER = "this_quarter"
    LAST_QUARTER = "last_quarter"

    @classmethod
    def _labels(cls):
        return {
            "this_year": _l("This year"),
            "last_year": _l("Last year"),
            "this_quarter": _l("This quarter"),
            "last_quarter": _l("Last quarter"),
        }

    def period(self, today: date) -> Period:
        """The whole year or quarter, to its last day even while it runs."""
        if self in (Preset.THIS_YEAR, Preset.LAST_YEAR):
            year = today.year - (self is Preset.LAST_YEAR)
            return Period(date(year, 1, 1), date(year, 12, 31))
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if self is Preset.LAST_QUARTER:
            start = add_months(start, -3)
        return Period(start, add_months(start, 3) - timedelta(days=1))


DEFAULT_PRESET = Preset.THIS_YEAR


class StatisticsForm(FlaskForm):
    """A preset period, or dates typed in (which win over the preset), and a region."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), default=DEFAULT_PRESET.value, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # Labels in the reader's language: choices are made per request, not at import.
        self.period.choices = options(Preset.choices())
        self.region.choices = options([("", _l("All regions")), *Region.choices()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends an empty field's checks before validate_<field> runs: the pair is
        # checked here.
        for field, other, message in (
            (self.start, self.end, _l("Give the first day of the period too.")),
            (self.end, self.start, _l("Give the last day of the period too.")),
        ):
            empty = not field.raw_data or not field.raw_data[0]
            if empty and other.data is not None and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_start(self, field: Field) -> None:
        if field.data.year < FIRST_YEAR:
            raise ValidationError(_l("The office keeps no records from before %(year)d.",
                                     year=FIRST_YEAR))
        if field.data > self.today:
            raise ValidationError(_l("The period cannot start after today."))

    def validate_end(self, field: Field) -> None:
        if self.start.data is not None and field.data < self.start.data:
            raise ValidationError(_l("The end of the period is before its start."))
        if field.data.year > self.today.year + 1:
            raise ValidationError(_l("The period cannot end after next year."))

    def chosen_period(self) -> Period:
        """The typed dates when valid, else the preset (this year when none is valid)."""
        if self.start.data and self.end.data and not (self.start.errors or self.end.errors):
            return Period(self.start.data, self.end.data)
        return Preset(chosen_value(self.period) or DEFAULT_PRESET.value).period(self.today)

    def chosen_region(self) -> Region | None:
        return chosen_value(self.region, Region)

    def as_args(self) -> dict[str, str]:
        """The query arguments that choose the same figures (the export link)."""
        period = self.chosen_period()
        args = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if (region := self.chosen_region()) is not None:
            args["region"] = region.value
        return args


class AnnualReportForm(FlaskForm):
    """The year (one that has begun) and the language of the annual report; last year and
    the reader's language unless chosen."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[InputRequired()])
    language = SelectField(_l("Language of the report"), validators=[InputRequired()])

    def __init__(self, formdata: MultiDict[str, str], *, today: date) -> None:
        locale = get_locale()
        language = locale.language if locale is not None else Language.RU.value
        super().__init__(formdata, year=today.year - 1, language=language)
        self.today = today
        self.language.choices = options(Language.choices())

    def validate_year(self, field: Field) -> None:
        if field.data is not None and not FIRST_YEAR <= field.data <= self.today.year:
            raise ValidationError(_("Choose a year from %(first)d to %(last)d.",
                                    first=FIRST_YEAR, last=self.today.year))
