"""Forms of a letter's pages: drafting one from its case, editing the draft, and the actions
on its page (sign, discard, mark as sent, correct).

Forms check the shape of the input; the rules (who may sign, whose names need consent, which
status allows what) are the services', whose refusals the views put next to the field at
fault. letter_actions() decides which actions a page offers, from the same permission checks
and statuses the services apply.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.accounts.models import User
from casework.cases.forms import optional_id, options, prefix_ids
from casework.cases.models import Case
from casework.database import office_today
from casework.extensions import db
from casework.letters import queries
from casework.letters.display import party_label
from casework.letters.models import Letter, LetterKind, LetterStatus
from casework.letters.services import MAX_BODY_CHARACTERS
from casework.people.models import Person
from casework.permissions import Permission, can
from casework.recommendations.queries import authorities
from casework.reference.models import Authority, Language

P = Permission
CHOOSE = _l("Choose…")
# Written from an overdue recommendation's page, which knows what they are about.
RECOMMENDATION_KINDS = frozenset({LetterKind.REMINDER, LetterKind.ESCALATION})


def _id_select(label: Any, message: Any) -> SelectField:
    """A select of database rows by id; the service says which one the letter needs, and a
    forged id is refused with `message`."""
    return SelectField(label, coerce=optional_id, validators=[Optional()],
                       invalid_value_message=message, invalid_choice_message=message)


class NewLetterForm(FlaskForm):
    kind = SelectField(_l("Kind of letter"),
                       validators=[InputRequired(_l("Choose the kind of letter."))],
                       invalid_choice_message=_l("Choose the kind of letter."))
    language = SelectField(_l("Language of the letter"), default="")
    authority = _id_select(_l("Authority"), _l("Choose an authority from the list."))
    person = _id_select(_l("Person of the case"), _l("Choose a person of the case."))

    def prepare(self, user: User, case: Case) -> NewLetterForm:
        self.kind.choices = options(
            [("", CHOOSE)] + [(k.value, k.label) for k in LetterKind
                              if k not in RECOMMENDATION_KINDS]
        )
        self.language.choices = options(
            [("", _l("The addressee's language")), *Language.choices()])
        self.authority.choices = options(
            [("", CHOOSE)] + [(str(a.id), a.name) for a in authorities()]
        )
        self.person.choices = options(
            [("", CHOOSE)] + [(str(p.person_id), party_label(p))
                              for p in queries.case_people(case)]
        )
        self.kind.flags.required = True
        return self

    def values(self) -> dict[str, Any]:
        """What services.start_letter takes. The ids were checked against the choices."""
        kind = LetterKind(self.kind.data)
        authority = (db.session.get(Authority, self.authority.data)
                     if self.authority.data and not kind.to_person else None)
        person = (db.session.get(Person, self.person.data)
                  if self.person.data and kind.to_person else None)
        language = (Language(self.language.data) if self.language.data
                    else queries.addressee_language(authority))
        return {"kind": kind, "language": language, "authority": authority, "person": person}


class EditLetterForm(FlaskForm):
    anchor = "edit"
    subject = StringField(_l("Subject"), validators=[Length(max=300)])
    addressee_block = TextAreaField(_l("Addressee"), validators=[Length(max=2000)])
    body = TextAreaField(_l("Text of the letter"), validators=[Length(max=MAX_BODY_CHARACTERS)])
    enclosures = TextAreaField(_l("Enclosures"), validators=[Length(max=5000)])
    confidential = BooleanField(_l("Mark as confidential"))
    response_due = DateField(_l("Response due"), validators=[Optional()])
    # The version the user read: a save over someone else's newer text is refused.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    @classmethod
    def blank(cls, letter: Letter) -> EditLetterForm:
        return cls(formdata=None, data={
            "subject": letter.subject, "addressee_block": letter.addressee_block,
            "body": letter.body, "enclosures": letter.enclosures,
            "confidential": letter.confidential, "response_due": letter.response_due,
            "version": letter.version,
        })

    def prepare(self, letter: Letter) -> EditLetterForm:
        # services.edit_letter refuses these empty; the labels say so beforehand.
        for name in ("subject", "addressee_block", "body"):
            self[name].flags.required = True
        return prefix_ids(self, self.anchor)

    def values(self) -> dict[str, Any]:
        return {
            "subject": self.subject.data or "", "addressee_block": self.addressee_block.data or "",
            "body": self.body.data or "", "enclosures": self.enclosures.data or "",
            "confidential": self.confidential.data, "response_due": self.response_due.data,
        }


class SignForm(FlaskForm):
    anchor = "sign"
    # The version the signer read: nobody signs wording changed after they opened the page.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    confirm_names = BooleanField(_l("I confirm these names must stay in the letter"))

    @classmethod
    def blank(cls, letter: Letter) -> SignForm:
        return cls(formdata=None, version=letter.version)

    def prepare(self, letter: Letter) -> SignForm:
        return prefix_ids(self, self.anchor)


class SentForm(FlaskForm):
    anchor = "sent"
    sent_on = DateField(_l("Sent on"),
                        validators=[InputRequired(_l("Enter the date the letter was sent."))])

    @classmethod
    def blank(cls, letter: Letter) -> SentForm:
        return cls(formdata=None, sent_on=office_today())

    def prepare(self, letter: Letter) -> SentForm:
        return prefix_ids(self, self.anchor)


def letter_actions(letter: Letter, user: User) -> dict[str, bool]:
    """Which actions, by their anchor on the page, `user` may take on the letter as it is
    now: the same permissions and statuses the services check."""
    may_draft = can(user, P.DRAFT_LETTER, letter)
    return {
        "edit": may_draft and letter.is_draft,
        "sign": letter.is_draft and can(user, P.SIGN_LETTER, letter),
        "discard": may_draft and letter.is_draft,
        "sent": may_draft and letter.status is LetterStatus.SIGNED,
        "correct": may_draft and letter.is_frozen and letter.superseded_by_id is None,
        "download": letter.is_frozen,
    }


# The forms of the page, by the name the template knows them by.
PAGE_FORMS: dict[str, type[EditLetterForm | SignForm | SentForm]] = {
    "edit_form": EditLetterForm, "sign_form": SignForm, "sent_form": SentForm,
}


def page_forms(letter: Letter, user: User, **failed: Any) -> dict[str, Any]:
    """Every form the user may use on the page, None for the others; a form that failed is
    passed in as it was, with the user's input and its errors."""
    offered = letter_actions(letter, user)
    forms = {
        name: (failed.get(name) or form.blank(letter)).prepare(letter)
        if offered[form.anchor] else None
        for name, form in PAGE_FORMS.items()
    }
    return {**forms, "offered": offered}
