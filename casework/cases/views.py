"""Case pages: My work, the case list and the case page with its actions.

Views stay thin: check the form, call one service, commit, flash, redirect. A refused action
changes nothing and says why; a form with a wrong field is shown again with the input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.cases import my_work as work_queries
from casework.cases import queries, services
from casework.cases.deadlines import deadline_state
from casework.cases.forms import (
    AssignForm,
    CaseFilterForm,
    ConfirmForm,
    EditCaseForm,
    ExtendForm,
    NoteForm,
    OutOfMandateForm,
    TransitionForm,
    UnassignForm,
    case_page_forms,
)
from casework.cases.lifecycle import TRANSITIONS_BY_ACTION
from casework.cases.models import Case, CaseTask
from casework.cases.timeline import describe, recorded_decisions
from casework.extensions import db
from casework.permissions import Permission, authorize, can, requires
from casework.recommendations import queries as recommendation_queries
from casework.reference.models import Authority, Category, Facility
from casework.refusals import InvalidTransition, Refusal

bp = Blueprint("cases", __name__)
P = Permission


@bp.context_processor
def deadline_helpers() -> dict[str, Any]:
    return {"deadline_state": deadline_state}


def _actor() -> User:
    return current_user._get_current_object()


def _load(case_id: int, permission: Permission) -> Case:
    case = queries.load_case(case_id)
    if case is None:
        abort(404)
    authorize(can(current_user, permission, case))
    return case


def _to_case(case: Case) -> Response:
    return redirect(url_for("cases.show", case_id=case.id))


def _render_case(
    case: Case, status: int = 200, *, revealed: bool = False, **forms: Any
) -> tuple[str, int]:
    """The case page; `forms` replaces a blank form with one that failed (input kept)."""
    urgent_pending = case.is_urgent and case.is_open and not case.first_action_on
    page = render_template(
        "cases/show.html",
        case=case,
        decision=deadline_state(case.decision_due) if case.is_awaiting_decision else None,
        first_action=deadline_state(case.first_action_due)
        if urgent_pending and case.first_action_due else None,
        revealed=revealed,
        describe=describe,
        decisions=recorded_decisions(case),
        **case_page_forms(case, _actor(), **forms),
    )
    return page, status


# -- lists ------------------------------------------------------------------------------------


@bp.get("/")
@requires(P.SIGNED_IN)
def my_work():
    if not can(current_user, P.READ_CASE):
        if can(current_user, P.MANAGE_USERS):
            return redirect(url_for("admin.users"))  # an administrator's work is the accounts
        return render_template("cases/my_work.html", work=None)
    follow_ups = (recommendation_queries.my_follow_ups(_actor())
                  if can(current_user, P.FOLLOW_UP_RECOMMENDATION) else None)
    return render_template("cases/my_work.html", work=work_queries.my_work(_actor()),
                           follow_ups=follow_ups)


@bp.get("/cases")
@requires(P.READ_CASE)
def index():
    form = CaseFilterForm(request.args)
    form.set_choices(
        db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)),
        db.session.scalars(sa.select(Facility).order_by(Facility.name)),
        queries.assignable_users(),
    )
    form.validate()
    filters = form.filters()
    page = queries.list_cases(_actor(), filters, request.args.get("page", 1, type=int))
    return render_template("cases/index.html", form=form, page=page, sort=filters.sort)


# -- the case page and its actions ------------------------------------------------------------


@bp.get("/cases/<int:case_id>")
@requires(P.READ_CASE)
def show(case_id: int):
    case = _load(case_id, P.READ_CASE)
    # Names revealed by the POST below are shown on this one page view, then hidden again.
    revealed = session.pop("revealed_case", None) == case.id and can(
        current_user, P.SEE_IDENTITY, case
    )
    return _render_case(case, revealed=revealed)


def _refuse(case: Case, error: Refusal, form: Any = None, **overrides: Any):
    """Undo anything half-done, say why, and show the form again when a field was at fault."""
    db.session.rollback()
    flash(error.message, "error")
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [error.message]
        return _render_case(case, 400, **overrides)
    return _to_case(case)


def _invalid_form(case: Case, **overrides: Any):
    flash(_("Please correct the fields marked below."), "error")
    return _render_case(case, 400, **overrides)


@bp.post("/cases/<int:case_id>/transition")
@requires(P.CHANGE_STATUS)
def transition(case_id: int):
    case = _load(case_id, P.CHANGE_STATUS)
    form = TransitionForm()
    step = TRANSITIONS_BY_ACTION.get(form.action.data or "")
    if step is None:
        return _refuse(case, InvalidTransition(_("There is no such action.")))
    failed = {step.action: form.prepare(step)}
    if not form.validate_on_submit():
        try:  # a step the page does not offer now gets its reason, not field errors
            services.check_transition_possible(case, step, actor=_actor())
        except InvalidTransition as error:
            return _refuse(case, error)
        return _invalid_form(case, transition_forms=failed)
    authority_id = form.authority.data if form.authority is not None else None
    try:
        done = services.apply_transition(
            case, step.action, actor=_actor(), reason=form.reason.data,
            outcome=form.outcome.data or None,
            authority=db.session.get(Authority, authority_id) if authority_id else None,
            why_open=form.why_open.data,
        )
    except InvalidTransition as error:
        return _refuse(case, error, form, transition_forms=failed)
    db.session.commit()
    flash(_("Done: %(action)s.", action=done.label), "success")
    return _to_case(case)


@bp.post("/cases/<int:case_id>/assign")
@requires(P.ASSIGN_CASE)
def assign(case_id: int):
    case = _load(case_id, P.ASSIGN_CASE)
    form = AssignForm()
    form.set_choices(queries.assignable_users(), queries.open_case_counts())

    def assign_chosen() -> None:
        user_id, role = form.chosen()
        user = db.session.get(User, user_id)
        if user is None:
            abort(400)
        services.assign_case(case, user, role, actor=_actor())

    return _perform(case, assign_chosen, _("Assigned."), form=form, form_name="assign_form")


@bp.post("/cases/<int:case_id>/unassign")
@requires(P.ASSIGN_CASE)
def unassign(case_id: int):
    case = _load(case_id, P.ASSIGN_CASE)
    form = UnassignForm()

    def unassign_chosen() -> None:
        user = db.session.get(User, form.user.data)
        if user is None:
            abort(400)
        services.unassign_case(case, user, actor=_actor())

    return _perform(case, unassign_chosen, _("Assignment removed."), form=form)


@bp.post("/cases/<int:case_id>/extend")
@requires(P.EXTEND_DEADLINE)
def extend(case_id: int):
    case = _load(case_id, P.EXTEND_DEADLINE)
    form = ExtendForm()
    return _perform(
        case,
        lambda: services.extend_deadline(case, form.new_due.data, form.ground.data,
                                         actor=_actor()),
        _("Deadline extended. Notify the complainant."),
        form=form, form_name="extend_form",
    )


@bp.post("/cases/<int:case_id>/tasks/<int:task_id>/done")
@requires(P.CHANGE_STATUS)
def task_done(case_id: int, task_id: int):
    case = _load(case_id, P.CHANGE_STATUS)
    task = db.get_or_404(CaseTask, task_id)
    if task.case_id != case.id:
        abort(404)
    return _perform(case, lambda: services.complete_task(task, actor=_actor()), _("Task done."))


@bp.post("/cases/<int:case_id>/first-action")
@requires(P.CHANGE_STATUS)
def first_action(case_id: int):
    case = _load(case_id, P.CHANGE_STATUS)
    return _perform(case, lambda: services.record_first_action(case, actor=_actor()),
                   _("First action recorded."))


@bp.post("/cases/<int:case_id>/out-of-mandate")
@requires(P.CHANGE_STATUS)
def out_of_mandate(case_id: int):
    case = _load(case_id, P.CHANGE_STATUS)
    return _perform(
        case, lambda: services.mark_out_of_mandate(case, actor=_actor()),
        _("Marked as outside the mandate: forward the complaint."),
        form=OutOfMandateForm(), form_name="mandate_form",
    )


@bp.post("/cases/<int:case_id>/notes")
@requires(P.ADD_NOTE)
def add_note(case_id: int):
    case = _load(case_id, P.ADD_NOTE)
    form = NoteForm()
    return _perform(
        case, lambda: services.add_note(case, form.body.data, actor=_actor()),
        _("Note added."), form=form, form_name="note_form",
    )


def _perform(
    case: Case,
    action: Callable[[], object],
    message: str,
    *,
    form: FlaskForm | None = None,
    form_name: str | None = None,
) -> Response | tuple[str, int]:
    """One POST from the case page: check its form, call one service, commit, say so.

    A form shown on the case page (`form_name`) comes back with its errors and the user's
    input; a form that is only a button (CSRF token, hidden ids) is a bad request when wrong.
    """
    form = form or ConfirmForm()
    shown = {form_name: form} if form_name else {}
    if not form.validate_on_submit():
        if not form_name:
            abort(400)
        return _invalid_form(case, **shown)
    try:
        action()
    except Refusal as error:
        return _refuse(case, error, form if form_name else None, **shown)
    db.session.commit()
    flash(message, "success")
    return _to_case(case)


@bp.post("/cases/<int:case_id>/identity")
@requires(P.SEE_IDENTITY)
def reveal_identity(case_id: int):
    case = _load(case_id, P.SEE_IDENTITY)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.reveal_identity(case, actor=_actor())
    db.session.commit()
    session["revealed_case"] = case.id
    return _to_case(case)


# -- editing with optimistic locking ----------------------------------------------------------


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@requires(P.EDIT_CASE)
def edit(case_id: int):
    case = _load(case_id, P.EDIT_CASE)
    form = EditCaseForm() if request.method == "POST" else EditCaseForm(data=_edit_data(case))
    form.set_choices(
        queries.selectable_facilities(_actor(), case),
        db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)),
    )
    if not form.validate_on_submit():
        return _edit_page(case, form, 400 if form.is_submitted() else 200)
    try:
        services.edit_case(case, expected_version=form.version.data,
                           changes=_edit_changes(form), actor=_actor())
        db.session.commit()
    except services.StaleEdit as stale:
        db.session.rollback()
        return _conflict(case, form, stale.changes)
    except StaleDataError:  # someone saved between our check and our write
        db.session.rollback()
        return _conflict(case, form, queries.changes_since(case, form.version.data))
    except Refusal as error:
        db.session.rollback()
        if error.field is None:
            raise
        form[error.field].errors = [*form[error.field].errors, error.message]
        return _edit_page(case, form, 400)
    flash(_("Changes saved."), "success")
    return _to_case(case)


def _edit_page(
    case: Case, form: EditCaseForm, status: int, conflict: Any = None, yours: Any = None
):
    page = render_template("cases/edit.html", case=case, form=form, conflict=conflict,
                           yours=yours or {})
    return page, status


def _edit_data(case: Case) -> dict[str, Any]:
    return {
        "summary": case.summary, "description": case.description, "is_urgent": case.is_urgent,
        "facility": case.facility_id or 0, "categories": [c.id for c in case.categories],
        "version": case.version,
    }


def _edit_changes(form: EditCaseForm) -> dict[str, Any]:
    ids = form.categories.data or []
    return {
        "summary": form.summary.data.strip(),
        "description": form.description.data or "",
        "is_urgent": form.is_urgent.data,
        "facility": db.session.get(Facility, form.facility.data) if form.facility.data else None,
        "categories": db.session.scalars(sa.select(Category).where(Category.id.in_(ids))).all(),
    }


def _conflict(case: Case, form: EditCaseForm, changes: list[queries.ChangeRow]):
    """409: keep the user's input, show what changed, and accept the next save over it."""
    db.session.refresh(case)
    form.version.data, form.version.raw_data = case.version, [str(case.version)]
    flash(_("Someone else changed this case after you opened the form."), "error")
    return _edit_page(case, form, 409, changes, _your_values(form))


def _your_values(form: EditCaseForm) -> dict[str, str]:
    """What the user typed, keyed and shown like the conflict table's other columns."""
    typed = {
        "summary": (form.summary.data or "").strip(),
        "description": form.description.data or "",
        "is_urgent": bool(form.is_urgent.data),
        "facility_id": form.facility.data or None,
        "category_ids": sorted(form.categories.data or []),
    }
    return {name: queries.display_value(name, value) for name, value in typed.items()}
