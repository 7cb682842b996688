"""Visit pages: the list, planning, the visit page, editing and the lifecycle steps.

Views stay thin: check the form, call one service, commit, flash, redirect. A refused
action changes nothing and says why; a form with a wrong field is shown again with the
input kept. What the team records on the visit page is in `record_views`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.deadlines import deadline_state
from casework.extensions import db
from casework.forms import show_on_field
from casework.permissions import Permission, authorize, can, requires
from casework.reference.models import Facility
from casework.refusals import Refusal
from casework.visits import queries, services
from casework.visits.blueprint import bp
from casework.visits.display import obstruction_detail
from casework.visits.forms import StepForm, VisitFilterForm, VisitForm
from casework.visits.lifecycle import EDITABLE, STEPS_BY_ACTION
from casework.visits.models import NpmParticipant, Visit, VisitType
from casework.visits.page import render_visit

P = Permission


@bp.context_processor
def visit_helpers() -> dict[str, Any]:
    return {"deadline_state": deadline_state, "visit_obstruction_detail": obstruction_detail}


def actor() -> User:
    return current_user._get_current_object()


def load(visit_id: int, permission: Permission) -> Visit:
    visit = queries.load_visit(visit_id)
    if visit is None:
        abort(404)
    authorize(can(current_user, permission, visit))
    return visit


def to_visit(visit: Visit, anchor: str | None = None) -> Response:
    return redirect(url_for("visits.show", visit_id=visit.id, _anchor=anchor))


# -- the list ---------------------------------------------------------------------------------


@bp.get("/visits")
@requires(P.READ_VISIT)
def index():
    form = VisitFilterForm(request.args)
    form.set_choices(db.session.scalars(sa.select(Facility).order_by(Facility.name)))
    form.validate()
    filters = form.filters()
    page = queries.list_visits(actor(), filters, request.args.get("page", 1, type=int))
    return render_template("visits/index.html", form=form, page=page, sort=filters.sort,
                           may_plan=services.may_plan(actor()))


# -- planning and editing ---------------------------------------------------------------------


def _form_choices(form: VisitForm, user: User, visit: Visit | None) -> None:
    facility = visit.facility if visit else None
    facilities = queries.plannable_facilities(user, facility)
    region = visit.region if visit else user.region
    form.set_choices(
        facilities,
        queries.team_candidates(region, visit.team if visit else ()),
        queries.participant_candidates([p.participant for p in visit.participants]
                                       if visit else ()),
    )


def _input(form: VisitForm, visit: Visit | None) -> services.VisitInput:
    facility = db.session.get(Facility, form.facility.data)
    if facility is None:
        abort(400)
    users = _rows(User, form.chosen_ids("team"))
    participants = _rows(NpmParticipant, form.chosen_ids("participants"))
    leader = db.session.get(User, form.leader.data) if form.leader.data else None
    return services.VisitInput(
        facility=facility, type=VisitType(form.type.data),
        is_announced=bool(form.is_announced.data), starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, team=users,
        participants=participants, leader=leader, theme=form.theme.data or "",
        purpose=form.purpose.data or "",
        summary=(form.summary.data or "") if visit is not None else None,
    )


def _rows(model: type[Any], ids: list[int]) -> list[Any]:
    """The rows in the order chosen (the form's choices checked the ids exist)."""
    found = {row.id: row for row in db.session.scalars(sa.select(model).where(
        model.id.in_(ids)))}
    return [found[row_id] for row_id in ids if row_id in found]


@bp.route("/visits/new", methods=["GET", "POST"])
@requires(P.RECORD_VISIT)
def new():
    user = actor()
    # A monitor who plans a visit is on its team; a supervisor may plan it for others.
    planner = {} if user.has_role(Role.SUPERVISOR) else {"team": [user.id]}
    form = VisitForm() if request.method == "POST" else VisitForm(data=planner)
    del form.summary, form.version  # a plan has no findings yet, nor a version
    _form_choices(form, user, None)
    if form.validate_on_submit():
        try:
            visit = services.plan_visit(_input(form, None), actor=user)
        except Refusal as error:
            db.session.rollback()
            if not show_on_field(form, error):
                flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Visit %(reference)s planned.", reference=visit.reference), "success")
            return to_visit(visit)
    status = 422 if form.is_submitted() else 200
    return render_template("visits/form.html", form=form, visit=None), status


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@requires(P.RECORD_VISIT)
def edit(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    user = actor()
    if visit.status not in EDITABLE:
        flash(_("The visit is %(status)s: its record can no longer be changed.",
                status=visit.status.label.lower()), "error")
        return to_visit(visit)
    form = VisitForm() if request.method == "POST" else VisitForm(data=_edit_data(visit))
    _form_choices(form, user, visit)
    if not form.validate_on_submit():
        return _edit_page(visit, form, 422 if form.is_submitted() else 200)
    try:
        version = int(form.version.data or 0)
    except ValueError:
        abort(400)
    try:
        changed = services.edit_visit(visit, _input(form, visit), expected_version=version,
                                      actor=user)
        db.session.commit()
    except services.StaleEdit as stale:
        db.session.rollback()
        return _conflict(visit, form, stale.changes)
    except StaleDataError:  # someone saved between our check and our write
        db.session.rollback()
        return _conflict(visit, form, queries.changes_since(visit, version))
    except Refusal as error:
        db.session.rollback()
        if not show_on_field(form, error):
            flash(error.message, "error")
        return _edit_page(visit, form, 422)
    flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
    return to_visit(visit)


def _edit_data(visit: Visit) -> dict[str, Any]:
    return {
        "facility": visit.facility_id, "type": visit.type.value,
        "is_announced": visit.is_announced, "starts_on": visit.starts_on,
        "ends_on": visit.ends_on, "theme": visit.theme, "purpose": visit.purpose,
        "team": [member.user_id for member in visit.members], "leader": visit.leader_id,
        "participants": [p.participant_id for p in visit.participants],
        "summary": visit.summary, "version": visit.version,
    }


def _edit_page(visit: Visit, form: VisitForm, status: int, conflict: Any = None,
               yours: Any = None) -> tuple[str, int]:
    page = render_template("visits/form.html", form=form, visit=visit, conflict=conflict,
                           yours=yours or {})
    return page, status


def _conflict(visit: Visit, form: VisitForm, changes: list[queries.ChangeRow]):
    """409: keep the user's input, show what changed, and accept the next save over it."""
    db.session.refresh(visit)
    _form_choices(form, actor(), visit)
    form.version.data, form.version.raw_data = str(visit.version), [str(visit.version)]
    flash(_("Someone else changed this visit after you opened the form."), "error")
    return _edit_page(visit, form, 409, changes, _your_values(form))


def _your_values(form: VisitForm) -> dict[str, str]:
    """What the user typed, shown like the conflict table's other columns."""
    typed = {
        "facility_id": form.facility.data, "type": form.type.data,
        "is_announced": bool(form.is_announced.data), "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data, "theme": form.theme.data or "",
        "purpose": form.purpose.data or "", "summary": form.summary.data or "",
        "leader_id": form.leader.data, "member_ids": form.chosen_ids("team"),
        "participant_ids": form.chosen_ids("participants"),
    }
    return {name: queries.display_value(name, value) for name, value in typed.items()}


# -- the visit page and its steps -------------------------------------------------------------


@bp.get("/visits/<int:visit_id>")
@requires(P.READ_VISIT)
def show(visit_id: int):
    visit = load(visit_id, P.READ_VISIT)
    return render_visit(visit, actor())


@bp.post("/visits/<int:visit_id>/step")
@requires(P.RECORD_VISIT)
def step(visit_id: int):
    visit = load(visit_id, P.RECORD_VISIT)
    form = StepForm()
    chosen = STEPS_BY_ACTION.get(form.action.data or "")
    if chosen is None:
        flash(_("There is no such action."), "error")
        return to_visit(visit)
    failed = {chosen.action: form.prepare(chosen)}
    if not form.validate_on_submit():
        try:  # a step the page does not offer now gets its reason, not field errors
            services.check_step_possible(visit, chosen, actor=actor())
        except Refusal as error:
            flash(error.message, "error")
            return to_visit(visit)
        flash(_("Please correct the fields marked below."), "error")
        return render_visit(visit, actor(), 422, step_forms=failed)
    try:
        done = services.apply_step(
            visit, chosen.action, actor=actor(), reason=form.reason.data or "",
            summary=form.summary.data, interviews_in_private=form.interviews_in_private.data,
        )
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this visit at the same moment: check it and try "
                "again."), "error")
        return to_visit(visit)
    except Refusal as error:
        db.session.rollback()
        visit = load(visit_id, P.RECORD_VISIT)
        flash(error.message, "error")
        if error.field is None or not show_on_field(failed[chosen.action], error):
            return to_visit(visit)
        return render_visit(visit, actor(), 422, step_forms=failed)
    flash(_("Done: %(action)s.", action=done.label), "success")
    return to_visit(visit)


from casework.visits import record_views  # noqa: E402, F401 - the visit page's entry routes
