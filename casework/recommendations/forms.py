"""Forms of a recommendation's pages: the draft, and the actions on its page.

Forms check the shape of the input; the rules (which step, which response follows, whose turn
it is) are the services', whose refusals the views put next to the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.accounts.models import User
from casework.attachments.forms import validate_uploads
from casework.cases.forms import optional_id, options, prefix_ids
from casework.database import office_today
from casework.extensions import db
from casework.forms import MultiCheckboxField
from casework.permissions import Permission, can
from casework.recommendations import queries, services
from casework.recommendations.deadlines import IMPLEMENTATION_PERIODS
from casework.recommendations.lifecycle import (
    ANSWERS,
    Implementation,
    Priority,
    RecordStatus,
    RecordStep,
    Scope,
    implementations_from,
    record_steps_from,
    responses_from,
)
from casework.recommendations.models import DeadlineKind, Recommendation, VerificationMethod
from casework.reference.models import Authority, Category, Facility
from casework.refusals import Refusal
from casework.templating import format_day

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.violations.models import Violation
    from casework.visits.models import Visit

P = Permission
CHOOSE = _l("Choose…")


def _enum_options(pairs: Iterable[tuple[str, str]], blank: Any = None) -> list[SelectChoice]:
    return options(([("", blank)] if blank is not None else []) + list(pairs))


def _id_select(label: Any, message: Any, *, required: bool = True) -> SelectField:
    """A select of database rows by id; a forged id is refused with `message`."""
    return SelectField(
        label, coerce=optional_id,
        validators=[InputRequired(message)] if required else [Optional()],
        invalid_value_message=message, invalid_choice_message=message,
    )


class DraftForm(FlaskForm):
    text = TextAreaField(_l("Recommendation"), validators=[DataRequired(), Length(max=20000)])
    authority = _id_select(_l("Addressee"), _l("Choose the authority it is addressed to."))
    scope = SelectField(_l("Scope"), validators=[InputRequired(_l("Choose the scope."))],
                        invalid_choice_message=_l("Choose the scope."))
    priority = SelectField(_l("Priority"), default=Priority.MEDIUM.value)
    facility = _id_select(_l("Facility"), _l("Choose a facility from the list."), required=False)
    category = _id_select(_l("Finding's category"), _l("Choose a category from the list."),
                          required=False)

    @classmethod
    def defaults(cls, case: Case) -> dict[str, Any]:
        """A new draft names the case's facility and its first category."""
        own, _others = queries.categories_for(case)
        return {"facility": case.facility_id, "category": own[0].id if own else None}

    def prepare(self, user: User, case: Case | None) -> DraftForm:
        self.authority.choices = options(
            [("", CHOOSE)] + [(str(a.id), a.name) for a in queries.authorities()]
        )
        self.scope.choices = _enum_options(Scope.choices(), blank=CHOOSE)
        self.priority.choices = _enum_options(Priority.choices())
        self.facility.choices = options(
            [("", "—")] + [(str(f.id), f.name) for f in queries.facilities_for(user, case)]
        )
        own, others = queries.categories_for(case)
        groups = ((_l("The case's categories"), own), (_l("Other categories"), others))
        self.category.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(c.id), c.name, optgroup=str(group))
            for group, rows in groups
            for c in rows
        ]
        return self

    def values(self) -> dict[str, Any]:
        """The draft's fields as the services take them. The ids were checked against the
        choices, so the rows are already in the session."""
        return {
            "text": self.text.data,
            "authority": db.session.get(Authority, self.authority.data),
            "scope": Scope(self.scope.data),
            "priority": Priority(self.priority.data),
            "facility": db.session.get(Facility, self.facility.data) if self.facility.data
            else None,
            "category": db.session.get(Category, self.category.data) if self.category.data
            else None,
        }


class EditDraftForm(DraftForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _finding_order(violation: Violation) -> tuple[date, int]:
    return violation.found_on, violation.id


class VisitDraftForm(DraftForm):
    """A draft from a visit's findings: the violations it answers are ticked."""

    violation_ids = MultiCheckboxField(
        _l("Findings it answers"), coerce=optional_id,
        invalid_value_message=_l("Link only this visit's findings."),
        invalid_choice_message=_l("These are not findings of this visit: %(value)s."),
    )

    @classmethod
    def visit_defaults(cls, visit: Visit, ticked_ids: Iterable[int]) -> dict[str, Any]:
        """The visit's facility, the findings ticked on its page and the first one's category
        (in the page's order)."""
        wanted = set(ticked_ids)
        ticked = sorted((v for v in visit.violations if v.id in wanted), key=_finding_order)
        return {"facility": visit.facility_id,
                "category": ticked[0].category_id if ticked else None,
                "violation_ids": [v.id for v in ticked]}

    def prepare_for_visit(self, user: User, visit: Visit) -> VisitDraftForm:
        self.prepare(user, None)
        findings = sorted(visit.violations, key=_finding_order)
        own = sorted({v.category_id: v.category for v in findings}.values(),
                     key=lambda c: (c.position, c.id))
        _own, others = queries.categories_for(None)
        groups = ((_l("The visit's findings"), own),
                  (_l("Other categories"), [c for c in others if c not in own]))
        self.category.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(c.id), c.name, optgroup=str(group))
            for group, rows in groups
            for c in rows
        ]
        self.violation_ids.choices = options(
            (v.id, _("%(category)s, %(day)s (%(status)s): %(basis)s", category=v.category.name,
                     day=format_day(v.found_on), status=v.status.label, basis=v.legal_basis))
            for v in findings
        )
        return self

    def chosen_violations(self, visit: Visit) -> list[Violation]:
        chosen = set(self.violation_ids.data or [])
        return sorted((v for v in visit.violations if v.id in chosen), key=_finding_order)


# -- the actions on the recommendation's page -------------------------------------------------


def _months(num: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", num)


class StepForm(FlaskForm):
    """One step of the record (issue, discard, withdraw, close); the page shows the fields the
    step needs."""

    action = HiddenField(validators=[DataRequired()])
    # The version the user read: nobody approves wording changed after they opened the page.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    # services.apply_step checks the period, with a clearer message than "not a valid choice".
    implementation_months = SelectField(
        _l("Period for implementation"), coerce=optional_id, validate_choice=False
    )

    def prepare(self, step: RecordStep) -> StepForm:
        self.implementation_months.choices = options(
            [("", CHOOSE)] + [(str(m), _months(m)) for m in IMPLEMENTATION_PERIODS]
        )
        if step.needs_reason:
            self.reason.flags.required = True
        if step.action == "issue":  # services.apply_step refuses an issue without a period
            self.implementation_months.flags.required = True
        return prefix_ids(self, step.action)


class ActionForm(FlaskForm):
    """A form of the recommendation's page: `prepare` sets its choices and element ids, both
    before a POST is checked and before the page shows it."""

    anchor = ""  # the element id the register and dashboard link to ("#reply")

    @classmethod
    def blank(cls, recommendation: Recommendation) -> ActionForm:
        return cls(formdata=None)

    def prepare(self, recommendation: Recommendation) -> ActionForm:
        return prefix_ids(self, self.anchor)


class ReplyForm(ActionForm):
    anchor = "reply"
    received_on = DateField(_l("Received on"),
                            validators=[InputRequired(_l("Enter the date the reply came."))])
    register_number = StringField(_l("Incoming register number"), validators=[
        DataRequired(_l("Give the reply's incoming register number.")), Length(max=50)])
    response = SelectField(_l("Position taken"),
                           validators=[InputRequired(_l("Choose the position the reply takes."))],
                           invalid_choice_message=_l("Choose the position the reply takes."))
    claimed_implementation = SelectField(_l("What the authority claims to have done"),
                                         validators=[Optional()])
    summary = TextAreaField(_l("Summary of the reply"), validators=[
        DataRequired(_l("Summarise what the authority replied.")), Length(max=20000)])
    files = MultipleFileField(_l("The reply letter (optional)"), validators=[validate_uploads])

    @classmethod
    def blank(cls, recommendation: Recommendation) -> ActionForm:
        return cls(formdata=None, received_on=office_today())  # registered the day it came

    def prepare(self, recommendation: Recommendation) -> ActionForm:
        current = recommendation.response
        # A later reply may keep the position (no step) or change it (a step of the table).
        positions = [r for r in ANSWERS if r is current or r in responses_from(current)]
        self.response.choices = _enum_options(((r.value, r.label) for r in positions), CHOOSE)
        self.claimed_implementation.choices = _enum_options(
            ((i.value, i.label) for i in Implementation if i is not Implementation.NOT_STARTED),
            blank=_l("Nothing claimed"),
        )
        return super().prepare(recommendation)


class VerifyForm(ActionForm):
    anchor = "verify"
    result = SelectField(_l("Verified status"),
                         validators=[InputRequired(_l("Choose the verified status."))],
                         invalid_choice_message=_l("This status does not follow from the "
                                                   "current one."))
    method = SelectField(_l("How it was verified"),
                         validators=[InputRequired(_l("Choose how it was verified."))])
    verified_on = DateField(_l("Verified on"),
                            validators=[InputRequired(_l("Enter the date of the verification."))])
    evidence = TextAreaField(_l("Evidence"), validators=[
        DataRequired(_l("Describe the evidence you saw.")), Length(max=20000)])
    files = MultipleFileField(_l("Evidence files (optional)"), validators=[validate_uploads])

    @classmethod
    def blank(cls, recommendation: Recommendation) -> ActionForm:
        return cls(formdata=None, verified_on=office_today())

    def prepare(self, recommendation: Recommendation) -> ActionForm:
        results = implementations_from(recommendation.implementation)
        self.result.choices = _enum_options(((i.value, i.label) for i in results), CHOOSE)
        self.method.choices = _enum_options(VerificationMethod.choices(), CHOOSE)
        return super().prepare(recommendation)


class DeadlineForm(ActionForm):
    anchor = "deadline"
    kind = SelectField(_l("Deadline"),
                       validators=[InputRequired(_l("Choose the deadline to change."))])
    new_due = DateField(_l("New date"), validators=[InputRequired(_l("Enter the new date."))])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give the reason for the new deadline.")), Length(max=5000)])

    @classmethod
    def blank(cls, recommendation: Recommendation) -> ActionForm:
        """The deadline that still runs is the one to move: an overdue one first."""
        views = queries.deadline_views(recommendation)
        first = min(views, default=None,
                    key=lambda view: (not view.is_overdue, not view.is_running, view.due))
        return cls(formdata=None, kind=first.kind.value if first else None)

    def prepare(self, recommendation: Recommendation) -> ActionForm:
        """Each deadline with its current date, so the new one is chosen knowing it."""
        dues = {view.kind: view.due for view in queries.deadline_views(recommendation)}
        self.kind.choices = options(
            (kind.value, _("%(deadline)s (now %(day)s)", deadline=kind.label,
                           day=format_day(dues[kind])) if kind in dues else kind.label)
            for kind in DeadlineKind
        )
        return super().prepare(recommendation)


class ReassignForm(ActionForm):
    anchor = "reassign"
    owner = _id_select(_l("Caseworker"), _l("Choose a caseworker from the list."))

    def prepare(self, recommendation: Recommendation) -> ActionForm:
        caseworkers = queries.reassignable_caseworkers(recommendation)
        self.owner.choices = options(
            [("", CHOOSE)] + [(str(u.id), u.full_name) for u in caseworkers]
        )
        return super().prepare(recommendation)


class FollowUpForm(ActionForm):
    anchor = "follow-up"
    on = DateField(_l("Date"),
                   validators=[InputRequired(_l("Enter the date of the follow-up."))])
    note = StringField(_l("What for"), validators=[
        DataRequired(_l("Say what the follow-up is for.")), Length(max=300)])

    @classmethod
    def blank(cls, recommendation: Recommendation) -> ActionForm:
        """The follow-up already scheduled, to move or to reword."""
        return cls(formdata=None, on=recommendation.follow_up_on,
                   note=recommendation.follow_up_note)


@dataclass(frozen=True)
class StepAction:
    """A record step offered on the page: its form, or why it cannot be taken now."""

    step: RecordStep
    form: StepForm
    blocker: str | None


def step_actions(
    recommendation: Recommendation, user: User, failed: StepForm | None = None
) -> list[StepAction]:
    """The steps from the record's status that the user's role allows, from the same table and
    checks the service applies (four-eyes included), so page and server cannot disagree."""
    actions = []
    for step in record_steps_from(recommendation.record_status):
        if not can(user, step.permission, recommendation):
            continue
        try:
            services.check_step_possible(recommendation, step, actor=user)
            blocker = None
        except Refusal as refused:
            blocker = refused.message
        form = failed if failed and failed.action.data == step.action else None
        form = form or StepForm(formdata=None, action=step.action,
                                version=recommendation.version)
        actions.append(StepAction(step, form.prepare(step), blocker))
    return actions


def offered_actions(recommendation: Recommendation, user: User) -> dict[str, bool]:
    """Which actions, by their anchor on the page, the user may take on the recommendation as
    it is now. The page draws these forms and the register links to them, from this one rule;
    issuing has the four-eyes check of its own (services.check_step_possible)."""
    live = recommendation.is_live
    may_follow_up = can(user, P.FOLLOW_UP_RECOMMENDATION, recommendation)
    may_supervise = can(user, P.ISSUE_RECOMMENDATION, recommendation)
    verifiable = bool(implementations_from(recommendation.implementation))
    followed_up = recommendation.record_status in (RecordStatus.DRAFT, RecordStatus.ISSUED)
    # An overdue one gets a reminder to its addressee or an escalation to the parent authority.
    overdue = any(view.is_overdue for view in queries.deadline_views(recommendation))
    may_write = live and overdue and can(user, P.DRAFT_LETTER, recommendation)
    return {
        ReplyForm.anchor: may_follow_up and live,
        VerifyForm.anchor: may_follow_up and live and verifiable,
        FollowUpForm.anchor: may_follow_up and live,
        DeadlineForm.anchor: may_supervise and live,
        ReassignForm.anchor: may_supervise and followed_up,
        "close": may_supervise and live and recommendation.implementation_is_final,
        "reminder": may_write,
        "escalation": may_write and recommendation.authority.parent_id is not None,
    }


# The action forms of the page, by the name the template knows them by.
PAGE_FORMS: dict[str, type[ActionForm]] = {
    "reply_form": ReplyForm, "verify_form": VerifyForm, "follow_up_form": FollowUpForm,
    "deadline_form": DeadlineForm, "reassign_form": ReassignForm,
}


def page_forms(
    recommendation: Recommendation, user: User, *, step_form: StepForm | None = None,
    **failed: ActionForm,
) -> dict[str, Any]:
    """Every form the user may use on the page, None for the others; a form that failed is
    passed in as it was, with the user's input and its errors."""
    offered = offered_actions(recommendation, user)
    forms: dict[str, Any] = {
        name: (failed.get(name) or form.blank(recommendation)).prepare(recommendation)
        if offered[form.anchor] else None
        for name, form in PAGE_FORMS.items()
    }
    return {
        **forms,
        "step_actions": step_actions(recommendation, user, step_form),
        "offer_reminder": offered["reminder"],
        "offer_escalation": offered["escalation"],
        "may_edit": can(user, P.FOLLOW_UP_RECOMMENDATION, recommendation)
        and recommendation.record_status is RecordStatus.DRAFT,
    }
