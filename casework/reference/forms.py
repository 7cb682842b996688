"""Forms of the reference-data screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from casework.reference.models import CalendarDayKind


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
