"""What the team records from the visit page: obstruction, interviews and CCTV, the people it
names, reprisal check-ins, and verifications of the facility's open recommendations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.cases.forms import optional_id
from casework.extensions import db
from casework.forms import show_on_field
from casework.permissions import Permission, requires
from casework.recommendations.lifecycle import Implementation, implementations_from
from casework.recommendations.models import Recommendation
from casework.refusals import Refusal
from casework.routing import MAX_DATABASE_ID
from casework.visits import records, reprisals
from casework.visits.blueprint import bp
from casework.visits.follow_up import verify_on_visit
from casework.visits.forms import (
    CheckInForm,
    ConfirmForm,
    IntervieweeForm,
    ObservationsForm,
    ObstructionForm,
    VerifyForm,
)
from casework.visits.models import Interviewee, Obstruction, Visit
from casework.visits.page import render_visit
from casework.visits.views import actor, load, to_visit

P = Permission


def _perform(
    visit: Visit,
    action: Callable[[], object],
    message: str,
    *,
    form: FlaskForm,
    form_name: str | None = None,
    anchor: str | None = None,
    shown: dict[str, Any] | None = None,
) -> Response | tuple[str, int]:
    """One POST from the visit page: check its form, call one service, commit, say so.

    A form shown on the page (`form_name`) comes back with its errors and the user's input;
    a form that is only a button (CSRF token) is a bad request when wrong.
    """
    shown = shown if shown is not None else ({form_name: form} if form_name else {})
    if not form.validate_on_submit():
        if not shown:
            abort(400)
        flash(_("Please correct the fields marked below."), "error")
        return render_visit(visit, actor(), 422, **shown)
    try:
        action()
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        flash(error.message, "error")
        if shown and error.field and any(show_on_field(f, error) for f in _forms(shown)):
            return render_visit(visit, actor(), 422, **shown)
        return to_visit(visit, anchor)
    except (IntegrityError, StaleDataError):  # two people recorded at the same moment
        db.session.rollback()
        flash(_("Someone else recorded on this visit at the same moment: check the page "
                "and try again."), "error")
        return to_visit(visit, anchor)
    flash(message, "success")
    return to_visit(visit, anchor)


def _forms(shown: dict[str, Any]) -> list[FlaskForm]:
    forms: list[FlaskForm] = []
    for value in shown.values():
        forms.extend(value.values() if isinstance(value, dict) else [value])
    return forms


# -- obstruction ------------------------------------------------------------------------------


@bp.post("/visits/<int:visit_id>/obstructions")
@requires(P.RECORD_VISIT)
def add_obstruction(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    form = ObstructionForm().prepare()
    return _perform(
        visit, lambda: records.record_obstruction(visit, form.to_input(), actor=actor()),
        _("Obstruction recorded."), form=form, form_name="obstruction_form",
        anchor="obstruction",
    )


@bp.post("/visits/<int:visit_id>/obstructions/<int:obstruction_id>/remove")
@requires(P.RECORD_VISIT)
def remove_obstruction(visit_id: int, obstruction_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    obstruction = db.get_or_404(Obstruction, obstruction_id)
    if obstruction.visit_id != visit.id:
        abort(404)
    return _perform(
        visit, lambda: records.remove_obstruction(obstruction, actor=actor()),
        _("The entry was removed."), form=ConfirmForm(), anchor="obstruction",
    )


# -- interviews and CCTV ----------------------------------------------------------------------


@bp.post("/visits/<int:visit_id>/observations")
@requires(P.RECORD_VISIT)
def observations(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    form = ObservationsForm().prepare()
    return _perform(
        visit, lambda: records.record_observations(
            visit, actor=actor(), interviews_in_private=form.interviews_in_private.data,
            cctv_seen=form.coverage()),
        _("Saved."), form=form, form_name="observations_form", anchor="interviews",
    )


# -- interviewees and their check-ins ---------------------------------------------------------


def _interviewee(visit: Visit, interviewee_id: int) -> Interviewee:
    interviewee = next((i for i in visit.interviewees if i.id == interviewee_id), None)
    if interviewee is None:
        abort(404)
    return interviewee


@bp.post("/visits/<int:visit_id>/interviewees")
@requires(P.RECORD_VISIT)
def add_interviewee(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    form = IntervieweeForm().prepare()
    return _perform(
        visit, lambda: records.add_interviewee(visit, form.to_input(), actor=actor()),
        _("Interviewee recorded."), form=form, form_name="interviewee_form",
        anchor="interviews",
    )


@bp.post("/visits/<int:visit_id>/interviewees/<int:interviewee_id>/remove")
@requires(P.RECORD_VISIT)
def remove_interviewee(visit_id: int, interviewee_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    interviewee = _interviewee(visit, interviewee_id)
    return _perform(
        visit, lambda: records.remove_interviewee(interviewee, actor=actor()),
        _("The entry was removed."), form=ConfirmForm(), anchor="interviews",
    )


@bp.route("/visits/<int:visit_id>/interviewees/<int:interviewee_id>/check-in",
          methods=["GET", "POST"])
@requires(P.RECORD_VISIT)
def check_in(visit_id: int, interviewee_id: int):
    """The person's check-in history and the form for the next one. An alleged reprisal
    opens a case: the page goes on to it."""
    visit = load(visit_id, P.RECORD_VISIT)
    interviewee = _interviewee(visit, interviewee_id)
    form = (CheckInForm() if request.method == "POST"
            else CheckInForm.blank(reprisals.latest_check_in_id(interviewee))).prepare()
    status = 200
    if form.validate_on_submit():
        try:
            done = reprisals.record_check_in(interviewee, form.to_input(), actor=actor())
            db.session.commit()
        except reprisals.StaleCheckIn as stale:
            # The page shows the check-in recorded meanwhile; sending again records this one.
            db.session.rollback()
            flash(stale.message, "error")
            form.saw(reprisals.latest_check_in_id(interviewee))
            status = 409
        except Refusal as error:
            db.session.rollback()
            if not show_on_field(form, error):
                flash(error.message, "error")
            status = 422
        else:
            if done.case is not None:
                flash(_("Check-in recorded. Case %(reference)s was opened for the reprisal.",
                        reference=done.case.reference), "success")
                return redirect(url_for("cases.show", case_id=done.case.id))
            flash(_("Check-in recorded."), "success")
            return to_visit(visit, f"interviewee-{interviewee.number}")
    elif form.is_submitted():
        status = 422
    return render_template("visits/check_in.html", visit=visit, interviewee=interviewee,
                           form=form), status


# -- follow-up verification -------------------------------------------------------------------


@bp.post("/visits/<int:visit_id>/verify")
@requires(P.RECORD_VISIT)
def verify(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    form = VerifyForm()
    try:
        recommendation_id = optional_id(form.recommendation.data)
    except ValueError:
        abort(400)
    if recommendation_id is None or not 0 < recommendation_id <= MAX_DATABASE_ID:
        abort(400)
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.facility_id != visit.facility_id:
        abort(404)
    form.prepare(recommendation.id, implementations_from(recommendation.implementation))

    def record() -> None:
        verify_on_visit(visit, recommendation, actor=actor(),
                        result=Implementation(form.result.data),
                        evidence=form.evidence.data or "", verified_on=form.verified_on.data)

    return _perform(
        visit, record, _("Verification recorded on %(number)s.", number=recommendation.label),
        form=form, shown={"verify_forms": {recommendation.id: form}}, anchor="follow-up",
    )
