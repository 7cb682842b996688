"""Forms of the court pages: a proceeding, its decision and appeal, hearings and results.

Forms check the shape of the input; the rules (dates in order, a court, an assigned lawyer,
a hearing that has started) are the services', whose refusals the views put next to the
field at fault.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.accounts.models import User
from casework.cases.forms import optional_id, options, prefix_ids
from casework.cases.models import Case
from casework.courts import queries
from casework.courts.display import awaits_result
from casework.courts.models import AppealResult, CourtProceeding, Decision, Hearing, ProceedingKind
from casework.database import OFFICE_TZ, office_today
from casework.extensions import db
from casework.permissions import Permission, can
from casework.reference.models import Authority

P = Permission
CHOOSE = _l("Choose…")


def _id_select(label: Any, message: Any, *, required: bool = True) -> SelectField:
    """A select of database rows by id; a forged id is refused with `message`."""
    return SelectField(
        label, coerce=optional_id,
        validators=[InputRequired(message)] if required else [Optional()],
        invalid_value_message=message, invalid_choice_message=message,
    )


def _enum_select(label: Any, message: Any) -> SelectField:
    return SelectField(label, validators=[InputRequired(message)],
                       invalid_choice_message=message)


def _version() -> IntegerField:
    """The version the user read: a change made since is not overwritten unseen."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _court_choices(case: Case) -> list[SelectChoice]:
    """The courts of the case's region first, where its petitions are usually heard."""
    courts = queries.courts()
    own = [c for c in courts if c.region is case.region]
    others = [c for c in courts if c.region is not case.region]
    if not own or not others:
        return options([("", CHOOSE)] + [(str(c.id), c.name) for c in courts])
    groups = ((_l("Courts of the case's region"), own), (_l("Other courts"), others))
    return [SelectChoice("", str(CHOOSE))] + [
        SelectChoice(str(c.id), c.name, optgroup=str(label))
        for label, rows in groups
        for c in rows
    ]


class ProceedingForm(FlaskForm):
    court = _id_select(_l("Court"), _l("Choose a court from the list."))
    kind = _enum_select(_l("Kind"), _l("Choose the kind of proceeding."))
    court_case_number = StringField(_l("Court case number"),
                                    validators=[Optional(), Length(max=50)])
    petition_on = DateField(_l("Petition date"),
                            validators=[InputRequired(_l("Enter the date of the petition."))])
    lawyer = _id_select(_l("Lawyer"), _l("Choose a lawyer from the list."), required=False)

    def prepare(self, case: Case, proceeding: CourtProceeding | None = None) -> ProceedingForm:
        self.court.choices = _court_choices(case)
        self.kind.choices = options([("", CHOOSE), *ProceedingKind.choices()])
        lawyers = queries.assigned_lawyers(case)
        if proceeding and proceeding.lawyer and proceeding.lawyer not in lawyers:
            lawyers.append(proceeding.lawyer)  # may stay after leaving the case
        self.lawyer.choices = options(
            [("", _l("Nobody yet"))] + [(str(u.id), u.full_name) for u in lawyers]
        )
        return self

    def values(self) -> dict[str, Any]:
        """The fields as the services take them; the ids were checked against the choices."""
        return {
            "court": db.session.get(Authority, self.court.data),
            "kind": ProceedingKind(self.kind.data),
            "court_case_number": self.court_case_number.data or "",
            "petition_on": self.petition_on.data,
            "lawyer": db.session.get(User, self.lawyer.data) if self.lawyer.data else None,
        }

    @staticmethod
    def data_of(proceeding: CourtProceeding) -> dict[str, Any]:
        return {
            "court": proceeding.court_id, "kind": proceeding.kind.value,
            "court_case_number": proceeding.court_case_number,
            "petition_on": proceeding.petition_on, "lawyer": proceeding.lawyer_id,
            "version": proceeding.version,
        }


class EditProceedingForm(ProceedingForm):
    version = _version()


# -- the forms of a proceeding's page ---------------------------------------------------------


class DecisionForm(FlaskForm):
    anchor = "decision"
    version = _version()
    decision = _enum_select(_l("Decision"), _l("Choose the court's decision."))
    decided_on = DateField(_l("Decision date"),
                           validators=[InputRequired(_l("Enter the date of the decision."))])
    decision_summary = TextAreaField(_l("Summary of the decision"),
                                     validators=[InputRequired(_l("Summarise the decision.")),
                                                 Length(max=5000)])

    def prepare(self) -> DecisionForm:
        self.decision.choices = options([("", CHOOSE), *Decision.choices()])
        return prefix_ids(self, self.anchor)

    @classmethod
    def blank(cls, proceeding: CourtProceeding) -> DecisionForm:
        """The decision recorded so far, to change (a postponement followed by a decision)."""
        return cls(formdata=None, version=proceeding.version,
                   decision=proceeding.decision.value if proceeding.decision else "",
                   decided_on=proceeding.decided_on or office_today(),
                   decision_summary=proceeding.decision_summary)


class AppealForm(FlaskForm):
    anchor = "appeal"
    version = _version()
    appealed_on = DateField(_l("Appeal date"),
                            validators=[InputRequired(_l("Enter the date of the appeal."))])
    appeal_result = _enum_select(_l("Appeal result"), _l("Choose where the appeal stands."))

    def prepare(self) -> AppealForm:
        self.appeal_result.choices = options(AppealResult.choices())
        return prefix_ids(self, self.anchor)

    @classmethod
    def blank(cls, proceeding: CourtProceeding) -> AppealForm:
        result = proceeding.appeal_result or AppealResult.PENDING
        return cls(formdata=None, version=proceeding.version,
                   appealed_on=proceeding.appealed_on or office_today(),
                   appeal_result=result.value)


class HearingForm(FlaskForm):
    anchor = "hearing"
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the hearing's date."))])
    time = TimeField(_l("Time (Almaty)"),
                     validators=[InputRequired(_l("Enter the hearing's time."))])
    courtroom = StringField(_l("Courtroom"), validators=[Optional(), Length(max=100)])

    def prepare(self) -> HearingForm:
        return prefix_ids(self, self.anchor)

    def starts_at(self) -> datetime:
        """The date and time typed, read in the office's zone."""
        return datetime.combine(self.day.data, self.time.data, tzinfo=OFFICE_TZ)


class ResultForm(FlaskForm):
    result = TextAreaField(_l("What happened"),
                           validators=[InputRequired(_l("Say what happened at the hearing.")),
                                       Length(max=5000)])

    def prepare(self, hearing: Hearing) -> ResultForm:
        return prefix_ids(self, f"result-{hearing.id}")


def page_forms(
    proceeding: CourtProceeding,
    user: User,
    *,
    decision_form: DecisionForm | None = None,
    appeal_form: AppealForm | None = None,
    hearing_form: HearingForm | None = None,
    result_form: tuple[int, ResultForm] | None = None,
) -> dict[str, Any]:
    """The forms the user may use on the proceeding's page, None for the others; a form that
    failed comes in as it was, with the user's input and its errors."""
    if not can(user, P.FOLLOW_COURT, proceeding):
        return {"decision_form": None, "appeal_form": None, "hearing_form": None,
                "result_forms": {}}
    failed_id, failed_result = result_form or (None, None)
    result_forms = {
        hearing.id: (failed_result if hearing.id == failed_id and failed_result
                     else ResultForm(formdata=None)).prepare(hearing)
        for hearing in proceeding.hearings
        # The one that failed too, so its refusal shows wherever the request came from.
        if awaits_result(hearing) or hearing.id == failed_id
    }
    return {
        "decision_form": (decision_form or DecisionForm.blank(proceeding)).prepare(),
        "appeal_form": (appeal_form or AppealForm.blank(proceeding)).prepare()
        if proceeding.decision else None,
        "hearing_form": (hearing_form or HearingForm(formdata=None)).prepare(),
        "result_forms": result_forms,
    }
