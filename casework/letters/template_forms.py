"""The form of the letter-template editor: a wording's subject and body, and the fingerprint of
the wording it was opened on. Whether the wording renders is the service's check
(letters.templates_admin), shown next to the field at fault."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from casework.letters.models import LetterTemplate
from casework.letters.templates_admin import fingerprint, wording_from_input
from casework.letters.wording import Wording

MAX_SUBJECT_SOURCE = LetterTemplate.subject.type.length
MAX_BODY_SOURCE = 20_000  # characters of template: several pages of letter


class WordingForm(FlaskForm):
    subject = StringField(
        _l("Subject"), validators=[InputRequired(), Length(max=MAX_SUBJECT_SOURCE)]
    )
    body = TextAreaField(_l("Body"), validators=[InputRequired(), Length(max=MAX_BODY_SOURCE)])
    based_on = HiddenField()
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))

    @classmethod
    def opened_on(cls, wording: Wording) -> WordingForm:
        return cls(data={"subject": wording.subject, "body": wording.body,
                         "based_on": fingerprint(wording)})

    def wording(self) -> Wording:
        return wording_from_input(self.subject.data or "", self.body.data or "")
