"""Forms of the case pages. Choices that come from the database are set by the view; rules
that depend on the case (which fields a transition needs) are checked by the services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.accounts.models import User
from casework.cases.lifecycle import (
    CaseStatus,
    Transition,
    open_recommendations,
    transitions_from,
)
from casework.cases.models import AssignmentRole, Case, CaseKind, Channel, TaskKind
from casework.cases.queries import DEFAULT_SORT, CaseFilters, assignable_users, open_case_counts
from casework.cases.services import ASSIGNABLE_ROLES
from casework.extensions import db
from casework.forms import MultiCheckboxField, chosen_value
from casework.permissions import Permission, can
from casework.reference.models import Authority
from casework.reference.regions import Region


def prefix_ids(form: FlaskForm, prefix: str) -> FlaskForm:
    """Several forms share the case page: give each its own element ids (names stay)."""
    for field in form:
        field.id = field.label.field_id = f"{prefix}-{field.name}"
    return form


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs; WTForms 3.3 deprecates plain tuples."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


def _with_any(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    return options([("", _l("Any")), *pairs])


class CaseFilterForm(FlaskForm):
    """The case list's filters: a GET form, so no CSRF token and the URL can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Reference or summary"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    facility = SelectField(_l("Facility"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    assignee = SelectField(_l("Assignee"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    kind = SelectField(_l("Kind"), validators=[Optional()])
    channel = SelectField(_l("Channel"), validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received to"), validators=[Optional()])
    sort = HiddenField()

    def filters(self) -> CaseFilters:
        """The valid filters; a tampered value is ignored rather than an error."""
        value = chosen_value

        return CaseFilters(
            text=(self.q.data or "") if not self.q.errors else "",
            status=value(self.status, CaseStatus),
            category_id=value(self.category, int),
            facility_id=value(self.facility, int),
            region=value(self.region, Region),
            assignee_id=value(self.assignee, int),
            overdue=bool(self.overdue.data),
            kind=value(self.kind, CaseKind),
            channel=value(self.channel, Channel),
            received_from=self.received_from.data if not self.received_from.errors else None,
            received_to=self.received_to.data if not self.received_to.errors else None,
            sort=self.sort.data or DEFAULT_SORT,
        )

    def set_choices(self, categories, facilities, users) -> None:
        self.status.choices = _with_any(CaseStatus.choices())
        self.region.choices = _with_any(Region.choices())
        self.kind.choices = _with_any(CaseKind.choices())
        self.channel.choices = _with_any(Channel.choices())
        self.category.choices = _with_any([(str(c.id), c.name) for c in categories])
        self.facility.choices = _with_any([(str(f.id), f.name) for f in facilities])
        self.assignee.choices = _with_any(
            [("0", _l("Nobody assigned"))] + [(str(u.id), u.full_name) for u in users]
        )


def optional_id(value: Any) -> int | None:
    """A select's database id, the empty option None. Only ASCII digits count: int() also
    reads Arabic-Indic digits, str.isdigit() accepts superscripts, and no id has 19 digits."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    raise ValueError(f"not an id: {value!r}")


class TransitionForm(FlaskForm):
    """One lifecycle step; the page shows only the fields its transition needs."""

    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    # The services check the outcome against the transition, with a clearer message.
    outcome = SelectField(_l("Outcome"), validators=[Optional()], validate_choice=False)
    why_open = TextAreaField(
        _l("Why close while recommendations are still open"),
        validators=[Optional(), Length(max=5000)],
    )
    authority = SelectField(
        _l("Referred to"), coerce=optional_id,
        invalid_value_message=_l("Choose a body from the list."),
        invalid_choice_message=_l("Choose a body from the list."),
    )

    def prepare(self, transition: Transition) -> TransitionForm:
        """Fit the form to `transition`: its outcomes, its reason's label and, when it refers
        the case out, the authorities to choose from (anything else is not a valid choice)."""
        self.outcome.choices = options(
            [("", "—")] * (len(transition.outcomes) > 1)
            + [(o.value, o.label) for o in transition.outcomes]
        )
        if transition.needs_authority:
            authorities = db.session.scalars(sa.select(Authority).order_by(Authority.name))
            self.authority.choices = options(
                [("", "—")] + [(str(a.id), a.name) for a in authorities]
            )
        else:
            del self.authority  # nothing to choose: a posted value is ignored, not checked
        if transition.reason_label:
            self.reason.label.text = transition.reason_label
        return prefix_ids(self, transition.action)


class AssignForm(FlaskForm):
    """One choice names the staff member, the part they take and how busy they are already
    ("Name — Lawyer (12 open)")."""

    assignee = SelectField(_l("Staff member"), validators=[InputRequired()])

    def set_choices(self, users: Iterable[User], open_cases: dict[int, int]) -> None:
        self.assignee.choices = options(
            (f"{user.id}:{role.value}", ngettext(
                "%(name)s — %(role)s (%(num)d open)", "%(name)s — %(role)s (%(num)d open)",
                open_cases.get(user.id, 0), name=user.full_name, role=role.label))
            for user in users
            for role in AssignmentRole
            if user.has_role(ASSIGNABLE_ROLES[role])
        )

    def chosen(self) -> tuple[int, AssignmentRole]:
        user_id, _, role = self.assignee.data.partition(":")
        return int(user_id), AssignmentRole(role)


class UnassignForm(FlaskForm):
    user = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ExtendForm(FlaskForm):
    new_due = DateField(_l("New decision date"), validators=[InputRequired()])
    ground = TextAreaField(_l("Ground for the extension"),
                           validators=[DataRequired(), Length(max=5000)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=10000)])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (mark a task done, reveal identities…)."""


class OutOfMandateForm(FlaskForm):
    """Finding a complaint outside the mandate starts a legal clock: confirm it on purpose."""

    confirmed = BooleanField(
        _l("The complaint is outside the office's mandate"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class EditCaseForm(FlaskForm):
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    is_urgent = BooleanField(_l("Urgent: risk to life or health"))
    facility = SelectField(_l("Facility"), coerce=int)
    categories = MultiCheckboxField(_l("Categories"), coerce=int)
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def set_choices(self, facilities, categories) -> None:
        self.facility.choices = options([(0, "—")] + [(f.id, f.name) for f in facilities])
        self.categories.choices = options((c.id, c.name) for c in categories)


# -- the forms of the case page ---------------------------------------------------------------


@dataclass(frozen=True)
class TransitionAction:
    """A lifecycle step offered on the page: its form, or why it is blocked now."""

    transition: Transition
    form: TransitionForm
    blocker: str | None


def transition_actions(
    case: Case, user: User, failed: dict[str, TransitionForm]
) -> list[TransitionAction]:
    """The steps from the case's status that the user may take, from the lifecycle table."""
    allowed = [t for t in transitions_from(case.status) if can(user, t.permission, case)]
    actions = []
    for t in allowed:
        # A form that failed comes prepared by the view, with the user's input and errors.
        form = failed.get(t.action) or TransitionForm(formdata=None, action=t.action).prepare(t)
        blocker = t.blocker(case)
        actions.append(TransitionAction(t, form, str(blocker) if blocker else None))
    return actions


def case_page_forms(
    case: Case,
    user: User,
    *,
    transition_forms: dict[str, TransitionForm] | None = None,
    assign_form: AssignForm | None = None,
    extend_form: ExtendForm | None = None,
    note_form: NoteForm | None = None,
    mandate_form: OutOfMandateForm | None = None,
) -> dict[str, Any]:
    """Every form the user may use on the case page; a failed one is passed in as it was."""
    if assign_form is None and can(user, Permission.ASSIGN_CASE, case) and case.is_open:
        assign_form = AssignForm(formdata=None)
        taken = {a.user_id for a in case.assignments}
        assign_form.set_choices((u for u in assignable_users() if u.id not in taken),
                                open_case_counts())
    may_extend = can(user, Permission.EXTEND_DEADLINE, case) and case.is_open
    may_work = can(user, Permission.CHANGE_STATUS, case)
    extend_form = extend_form or (ExtendForm(formdata=None) if may_extend else None)
    may_mark_out_of_mandate = may_work and case.status is CaseStatus.TRIAGE and not any(
        t.kind is TaskKind.FORWARD_OUT_OF_MANDATE and not t.is_done for t in case.tasks)
    if may_mark_out_of_mandate:
        mandate_form = prefix_ids(mandate_form or OutOfMandateForm(formdata=None), "mandate")
    return {
        "actions": transition_actions(case, user, transition_forms or {}),
        "open_recommendations": open_recommendations(case),
        "assign_form": assign_form and prefix_ids(assign_form, "assign"),
        "extend_form": extend_form and prefix_ids(extend_form, "extend"),
        "note_form": prefix_ids(note_form or NoteForm(formdata=None), "note"),
        "may_work": may_work,
        "mandate_form": mandate_form if may_mark_out_of_mandate else None,
        "may_record_first_action": may_work and case.is_open and case.is_urgent
        and case.first_action_on is None,
    }
