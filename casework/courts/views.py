"""Pages of the courts feature: recording a case's court proceeding, the proceeding's page
with its hearings, decision and appeal, and editing it (with optimistic locking).

Views stay thin like the case pages: check the form, call one service, commit, flash,
redirect. A refused action changes nothing and says why, next to the field at fault when
there is one. "My hearings" and the calendar feed are in hearing_views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.cases import queries as case_queries
from casework.cases.models import Case
from casework.courts import (
    hearing_views,  # noqa: F401 - its routes register on bp
    queries,
    services,
)
from casework.courts.blueprint import bp
from casework.courts.display import awaits_result
from casework.courts.forms import (
    AppealForm,
    DecisionForm,
    EditProceedingForm,
    HearingForm,
    ProceedingForm,
    ResultForm,
    page_forms,
)
from casework.courts.models import AppealResult, CourtProceeding, Decision, Hearing
from casework.extensions import db
from casework.forms import show_on_field
from casework.permissions import Permission, authorize, can, requires
from casework.refusals import Refusal

P = Permission


def _actor() -> User:
    return current_user._get_current_object()


def _load(proceeding_id: int, permission: Permission) -> CourtProceeding:
    """The proceeding, 404 when missing; reading it follows reading its case."""
    proceeding = queries.load_proceeding(proceeding_id)
    if proceeding is None:
        abort(404)
    subject = proceeding.case if permission is P.READ_CASE else proceeding
    authorize(can(current_user, permission, subject))
    return proceeding


def _to_page(proceeding: CourtProceeding, anchor: str | None = None) -> Response:
    return redirect(url_for("courts.show", proceeding_id=proceeding.id, _anchor=anchor))


def _render_page(proceeding: CourtProceeding, status: int = 200, **failed: Any):
    page = render_template("courts/show.html", proceeding=proceeding,
                           **page_forms(proceeding, _actor(), **failed))
    return page, status


@bp.app_context_processor
def court_helpers() -> dict[str, Any]:
    """The case page (another blueprint's template) asks which hearings await a result."""
    return {"hearing_awaits_result": awaits_result}


@bp.get("/proceedings/<int:proceeding_id>")
@requires(P.READ_CASE)
def show(proceeding_id: int):
    return _render_page(_load(proceeding_id, P.READ_CASE))


# -- recording and editing a proceeding -------------------------------------------------------


@bp.route("/cases/<int:case_id>/proceedings/new", methods=["GET", "POST"])
@requires(P.FOLLOW_COURT)
def new(case_id: int):
    case = case_queries.load_case(case_id)
    if case is None:
        abort(404)
    authorize(can(current_user, P.FOLLOW_COURT, case))
    if request.method == "POST":
        form = ProceedingForm()
    else:  # a lawyer records the petitions they argue
        own = _actor() in queries.assigned_lawyers(case)
        form = ProceedingForm(formdata=None, lawyer=current_user.id if own else None)
    form.prepare(case)
    if not form.validate_on_submit():
        return _form_page(form, case, status=400 if form.is_submitted() else 200)
    try:
        proceeding = services.record_proceeding(case, actor=_actor(), **form.values())
    except Refusal as error:
        db.session.rollback()
        if not show_on_field(form, error):
            flash(error.message, "error")
            return redirect(url_for("cases.show", case_id=case.id))
        return _form_page(form, case, status=400)
    db.session.commit()
    flash(_("Court proceeding recorded."), "success")
    return _to_page(proceeding)


@bp.route("/proceedings/<int:proceeding_id>/edit", methods=["GET", "POST"])
@requires(P.FOLLOW_COURT)
def edit(proceeding_id: int):
    proceeding = _load(proceeding_id, P.FOLLOW_COURT)
    form = (EditProceedingForm() if request.method == "POST"
            else EditProceedingForm(formdata=None, data=ProceedingForm.data_of(proceeding)))
    form.prepare(proceeding.case, proceeding)
    if not form.validate_on_submit():
        return _form_page(form, proceeding.case, proceeding,
                          status=400 if form.is_submitted() else 200)
    try:
        services.edit_proceeding(proceeding, actor=_actor(),
                                 expected_version=form.version.data, **form.values())
        db.session.commit()
    except (services.StaleProceeding, StaleDataError):
        return _stale_form(proceeding, form)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _form_page(form, proceeding.case, proceeding, status=400)
        flash(error.message, "error")
        return _to_page(proceeding)
    flash(_("Changes saved."), "success")
    return _to_page(proceeding)


def _stale_form(proceeding: CourtProceeding, form: EditProceedingForm):
    """409: keep the user's input, show the proceeding as saved now, accept the next save."""
    db.session.rollback()
    current = queries.load_proceeding(proceeding.id)
    if current is None:
        abort(404)
    _take_version(form, current)
    flash(_("Someone else changed this court proceeding after you opened it. Check it as it "
            "is now; saving again replaces it."), "error")
    return _form_page(form, current.case, current, status=409, saved=current)


def _take_version(form: FlaskForm, proceeding: CourtProceeding) -> None:
    form.version.data = proceeding.version
    form.version.raw_data = [str(proceeding.version)]


def _form_page(
    form: ProceedingForm,
    case: Case,
    proceeding: CourtProceeding | None = None,
    *,
    status: int,
    saved: CourtProceeding | None = None,
):
    page = render_template("courts/form.html", form=form, case=case, proceeding=proceeding,
                           saved=saved)
    return page, status


# -- the actions on a proceeding's page -------------------------------------------------------


def _perform(
    proceeding: CourtProceeding,
    form: FlaskForm,
    action: Callable[[], object],
    message: str,
    *,
    failed: dict[str, Any],
    anchor: str,
):
    """One POST from the proceeding's page: check its form, call the service, commit, say so.
    A refusal of a field shows by the field; a change made meanwhile by someone else answers
    409 with the page as it is now and the user's input kept."""
    if not form.validate_on_submit():
        return _render_page(proceeding, 400, **failed)
    try:
        action()
        db.session.commit()
    except (services.StaleProceeding, StaleDataError):
        db.session.rollback()
        current = queries.load_proceeding(proceeding.id) or abort(404)
        if hasattr(form, "version"):
            _take_version(form, current)
        flash(_("Someone else changed this court proceeding after you opened it. Check it as "
                "it is now; saving again replaces it."), "error")
        return _render_page(current, 409, **failed)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _render_page(queries.load_proceeding(proceeding.id) or proceeding, 400,
                                **failed)
        flash(error.message, "error")
        return _to_page(proceeding)
    flash(message, "success")
    return _to_page(proceeding, anchor)


@bp.post("/proceedings/<int:proceeding_id>/decision")
@requires(P.FOLLOW_COURT)
def decision(proceeding_id: int):
    proceeding = _load(proceeding_id, P.FOLLOW_COURT)
    form = DecisionForm().prepare()
    return _perform(
        proceeding, form,
        lambda: services.record_decision(
            proceeding, actor=_actor(), expected_version=form.version.data,
            decision=Decision(form.decision.data), decided_on=form.decided_on.data,
            summary=form.decision_summary.data,
        ),
        _("Decision recorded."), failed={"decision_form": form}, anchor="decision-heading",
    )


@bp.post("/proceedings/<int:proceeding_id>/appeal")
@requires(P.FOLLOW_COURT)
def appeal(proceeding_id: int):
    proceeding = _load(proceeding_id, P.FOLLOW_COURT)
    form = AppealForm().prepare()
    return _perform(
        proceeding, form,
        lambda: services.record_appeal(
            proceeding, actor=_actor(), expected_version=form.version.data,
            appealed_on=form.appealed_on.data, result=AppealResult(form.appeal_result.data),
        ),
        _("Appeal recorded."), failed={"appeal_form": form}, anchor="decision-heading",
    )


@bp.post("/proceedings/<int:proceeding_id>/hearings")
@requires(P.FOLLOW_COURT)
def schedule_hearing(proceeding_id: int):
    proceeding = _load(proceeding_id, P.FOLLOW_COURT)
    form = HearingForm().prepare()
    return _perform(
        proceeding, form,
        lambda: services.schedule_hearing(proceeding, actor=_actor(),
                                          starts_at=form.starts_at(),
                                          courtroom=form.courtroom.data or ""),
        _("Hearing scheduled."), failed={"hearing_form": form}, anchor="hearings-heading",
    )


@bp.post("/proceedings/<int:proceeding_id>/hearings/<int:hearing_id>/result")
@requires(P.FOLLOW_COURT)
def hearing_result(proceeding_id: int, hearing_id: int):
    proceeding = _load(proceeding_id, P.FOLLOW_COURT)
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or hearing.proceeding_id != proceeding.id:
        abort(404)
    form = ResultForm().prepare(hearing)
    return _perform(
        proceeding, form,
        lambda: services.record_hearing_result(hearing, actor=_actor(),
                                               result=form.result.data),
        _("Hearing result recorded."), failed={"result_form": (hearing.id, form)},
        anchor=f"hearing-{hearing.id}",
    )
