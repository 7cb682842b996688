"""Forms of the correspondence register: the filters of its two tabs (GET forms whose URLs can
be shared) and the entry of an incoming document, which names what it answers by number."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.forms import optional_id, options
from casework.cases.models import Case
from casework.database import office_today
from casework.extensions import db
from casework.forms import chosen_value
from casework.intake.forms import add_error
from casework.labels import LabelledEnum
from casework.letters.models import IncomingDocument, IncomingKind, Letter, LetterKind
from casework.letters.register import (
    INCOMING_SORTS,
    LETTER_SORTS,
    IncomingFilters,
    LetterFilters,
    Register,
    case_with_reference,
    is_sort,
    recommendation_numbered,
    signed_letter_numbered,
    visible_letters_clause,
    years_on_record,
)
from casework.recommendations.models import Recommendation
from casework.recommendations.register import FlagField
from casework.recommendations.register import _by_authority_type as authorities_by_type
from casework.reference.models import Authority
from casework.reference.regions import Region

ANY = _l("Any")


_valid = chosen_value


def _with_any(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    return options([("", ANY), *pairs])


class _FilterForm(FlaskForm):
    """What both tabs filter by, labelled for incoming documents (the outgoing tab relabels
    its fields); the tab itself is a hidden field, so filtering keeps it."""

    class Meta:
        csrf = False

    kinds: type[LabelledEnum]
    date_column: Any

    register = HiddenField()
    q = SearchField(_l("Number, sender or summary"), validators=[Optional(), Length(max=100)])
    year = SelectField(_l("Year"), validators=[Optional()])
    date_from = DateField(_l("Received from"), validators=[Optional()])
    date_to = DateField(_l("Received until"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    authority = SelectField(_l("Sender"), validators=[Optional()])
    case = SearchField(_l("Case reference"), validators=[Optional(), Length(max=20)])
    sort = HiddenField()

    def validate_date_to(self, field: Field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period is before its start."))

    def prepare(self, user: User, today: date) -> None:
        years = years_on_record(type(self).date_column, today)
        self.year.choices = _with_any((str(year), year) for year in years)
        self.kind.choices = _with_any(self.kinds.choices())
        self.authority.choices = authorities_by_type(db.session.scalars(sa.select(Authority)))

    def common(self) -> dict[str, Any]:
        return {
            "text": (_valid(self.q) or "").strip(),
            "year": _valid(self.year, int),
            "date_from": _valid(self.date_from),
            "date_to": _valid(self.date_to),
            "kind": _valid(self.kind, self.kinds),
            "authority_id": _valid(self.authority, int),
            "case_reference": (_valid(self.case) or "").strip(),
        }


class OutgoingFilterForm(_FilterForm):
    kinds = LetterKind
    date_column = Letter.dated

    q = SearchField(_l("Number, subject or addressee"),
                    validators=[Optional(), Length(max=100)])
    date_from = DateField(_l("Dated from"), validators=[Optional()])
    date_to = DateField(_l("Dated until"), validators=[Optional()])
    authority = SelectField(_l("Addressee"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    signer = SelectField(_l("Signed by"), validators=[Optional()])
    awaiting = FlagField(_l("Awaiting a response only"))
    overdue = FlagField(_l("Response overdue only"))

    def prepare(self, user: User, today: date) -> None:
        """Signers are those of letters the user may read; a region's supervisor is offered
        their region only (as in the register of recommendations)."""
        super().prepare(user, today)
        signers = sa.select(User).where(User.id.in_(
            sa.select(Letter.signed_by_id).where(visible_letters_clause(user))
        )).order_by(User.full_name)
        self.signer.choices = _with_any((str(u.id), u.full_name)
                                        for u in db.session.scalars(signers))
        if user.has_role(Role.SUPERVISOR) and user.region is not None:
            self.region.choices = _with_any([(user.region.value, user.region.label)])
        else:
            self.region.choices = _with_any(Region.choices())

    def filters(self) -> LetterFilters:
        return LetterFilters(
            **self.common(),
            region=_valid(self.region, Region),
            signer_id=_valid(self.signer, int),
            awaiting=bool(_valid(self.awaiting)),
            overdue=bool(_valid(self.overdue)),
            sort=self.sort.data if is_sort(self.sort.data, LETTER_SORTS)
            else LetterFilters.default_sort,
        )


class IncomingFilterForm(_FilterForm):
    kinds = IncomingKind
    date_column = IncomingDocument.received_on

    def filters(self) -> IncomingFilters:
        return IncomingFilters(
            **self.common(),
            sort=self.sort.data if is_sort(self.sort.data, INCOMING_SORTS)
            else IncomingFilters.default_sort,
        )


def chosen_register(args: MultiDict[str, str]) -> Register:
    """The tab the query string asks for; anything else is the outgoing one."""
    try:
        return Register(args.get("register", ""))
    except ValueError:
        return Register.OUTGOING


def filter_form(user: User, args: MultiDict[str, str]) -> OutgoingFilterForm | IncomingFilterForm:
    """The chosen tab's filter form read from the query string, its choices set, checked."""
    form_class = (IncomingFilterForm if chosen_register(args) is Register.INCOMING
                  else OutgoingFilterForm)
    form = form_class(args)
    form.prepare(user, office_today())
    form.validate()
    return form


# -- entering an incoming document ------------------------------------------------------------


class IncomingForm(FlaskForm):
    received_on = DateField(_l("Received on"),
                            validators=[InputRequired(_l("Enter the date it arrived."))])
    kind = SelectField(_l("Kind of document"),
                       validators=[InputRequired(_l("Choose the kind of document."))],
                       invalid_choice_message=_l("Choose the kind of document."))
    authority = SelectField(_l("Sent by the authority"), coerce=optional_id,
                            validators=[Optional()],
                            invalid_value_message=_l("Choose an authority from the list."),
                            invalid_choice_message=_l("Choose an authority from the list."))
    sender = StringField(_l("Sender, when not an authority"),
                         validators=[Optional(), Length(max=300)])
    their_number = StringField(_l("Their No."), validators=[Optional(), Length(max=60)])
    their_date = DateField(_l("Their date"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)])
    letter = StringField(_l("Answers our letter No."), validators=[Optional(), Length(max=40)])
    recommendation = StringField(_l("Answers recommendation No."),
                                 validators=[Optional(), Length(max=20)])
    case = StringField(_l("Case reference"), validators=[Optional(), Length(max=20)])

    @classmethod
    def prefilled(cls, letter: Letter | None = None,
                  recommendation: Recommendation | None = None,
                  case: Case | None = None) -> IncomingForm:
        """A blank entry received today; opened from a letter, a recommendation or a case, it
        names them (a reply to a letter: from its addressee, about its case)."""
        if letter is not None:
            recommendation = recommendation or letter.recommendation
            case = case or letter.case
        if recommendation is not None:
            case = case or recommendation.case
        return cls(formdata=None, data={
            "received_on": office_today(),
            "kind": IncomingKind.AUTHORITY_REPLY.value,
            "authority": (letter.authority_id if letter else None)
            or (recommendation.authority_id if recommendation else None),
            "letter": letter.number if letter else "",
            "recommendation": recommendation.number if recommendation else "",
            "case": case.reference if case else "",
        })

    def prepare(self) -> IncomingForm:
        self.kind.choices = options(IncomingKind.choices())
        grouped = authorities_by_type(db.session.scalars(sa.select(Authority)))
        self.authority.choices = [SelectChoice("", "—"), *grouped[1:]]  # no "Any" here
        return self

    def values(self) -> dict[str, Any]:
        """The entry's fields as services.register_incoming takes them (without the links)."""
        return {
            "received_on": self.received_on.data,
            "kind": IncomingKind(self.kind.data),
            "authority": db.session.get(Authority, self.authority.data)
            if self.authority.data else None,
            "sender": self.sender.data or "",
            "their_number": self.their_number.data or "",
            "their_date": self.their_date.data,
            "summary": self.summary.data or "",
        }

    def links(self, user: User) -> dict[str, Any] | None:
        """The letter, recommendation and case the numbers name, among those the user may
        read; None, with a message by each field at fault, when one names none of them.
        Whether they concern one case is services.register_incoming's rule."""
        lookups = (
            (self.letter, signed_letter_numbered,
             _l("No signed letter you may read has this number.")),
            (self.recommendation, recommendation_numbered,
             _l("No recommendation you may read has this number.")),
            (self.case, case_with_reference, _l("No case you may read has this reference.")),
        )
        found: dict[str, Any] = {}
        for field, find, unknown in lookups:
            typed = (field.data or "").strip()
            found[field.name] = find(user, typed) if typed else None
            if typed and found[field.name] is None:
                add_error(field, str(unknown))
        return None if any(field.errors for field, _find, _unknown in lookups) else found
