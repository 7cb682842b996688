"""The registry of external NPM participants (/participants): the list with the state of
each one's declaration, new, edit, deactivate and reactivate. Admins and supervisors keep it.

A blueprint of its own, nested in the reference blueprint: its endpoints are
`reference.participants.*`, its templates link with relative names (".index").
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, requires
from casework.reference.editing import ChangeRow, StaleRecord
from casework.reference.form_pages import (
    actor,
    back_to,
    opened_at,
    show_refusal,
    stamp_form,
    status,
)
from casework.reference.forms import ParticipantFilterForm, ParticipantForm
from casework.reference.participants import (
    DeclarationState,
    ParticipantData,
    ParticipantFilters,
    list_participants,
    participant_changes_since,
    participant_display,
    save_participant,
    set_participant_active,
)
from casework.reference.queries import ActiveFilter
from casework.refusals import Refusal
from casework.visits.models import NpmParticipant

bp = Blueprint("participants", __name__, url_prefix="/participants")
P = Permission


@bp.get("")
@requires(P.MANAGE_PARTICIPANTS)
def index():
    form = ParticipantFilterForm(formdata=request.args)
    form.validate()
    status_value = form.status.data or ""
    filters = ParticipantFilters(
        text=(form.q.data or "")[:200], region=form.region.data,
        declaration=form.declaration.data,
        active=ActiveFilter(status_value) if status_value in set(ActiveFilter)
        else ActiveFilter.ACTIVE,
    )
    today = office_today()
    page = list_participants(filters, request.args.get("page", 1, type=int), today)
    states = {p.id: DeclarationState.of(p, today) for p in page.items}
    return render_template("reference/participants.html", filters=form, page=page,
                           states=states, today=today)


def _data(form: ParticipantForm) -> ParticipantData:
    return ParticipantData(
        full_name=form.full_name.data or "", organisation=form.organisation.data or "",
        expertise=form.expertise.data or "", region=form.region.data,
        contact=form.contact.data or "",
        declaration_signed_on=form.declaration_signed_on.data,
        declaration_valid_until=form.declaration_valid_until.data,
        declaration_number=form.declaration_number.data or "",
    )


def _page(form: ParticipantForm, participant: NpmParticipant | None, code: int,
          conflict: list[ChangeRow] | None = None, yours: dict[str, str] | None = None):
    return render_template("reference/participant_form.html", form=form,
                           participant=participant, conflict=conflict, yours=yours or {}), code


@bp.route("/new", methods=["GET", "POST"])
@requires(P.MANAGE_PARTICIPANTS)
def new():
    form = ParticipantForm()
    if not form.validate_on_submit():
        return _page(form, None, status(form))
    try:
        participant = save_participant(None, _data(form), actor=actor())
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, None, 400)
    db.session.commit()
    flash(_("%(name)s added to the registry.", name=participant.full_name), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@requires(P.MANAGE_PARTICIPANTS)
def edit(participant_id: int):
    participant = db.get_or_404(NpmParticipant, participant_id)
    if request.method == "POST":
        form = ParticipantForm()
    else:
        form = ParticipantForm(obj=participant)
        stamp_form(form, participant)
    if not form.validate_on_submit():
        return _page(form, participant, status(form))
    stamp = opened_at(form)
    if stamp is None:
        return _page(form, participant, 400)
    data = _data(form)
    try:
        save_participant(participant, data, actor=actor(), opened_at=stamp)
    except StaleRecord:
        db.session.rollback()
        return _conflict(form, participant, data, stamp)
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, participant, 400)
    db.session.commit()
    flash(_("Changes to %(name)s saved.", name=participant.full_name), "success")
    return redirect(back_to(url_for(".index")))


def _conflict(form: ParticipantForm, participant: NpmParticipant, data: ParticipantData,
              stamp: datetime):
    db.session.refresh(participant)
    changes = participant_changes_since(participant, stamp)
    stamp_form(form, participant)
    yours = {name: participant_display(name, value) for name, value in data.values().items()}
    flash(_("Someone else changed this participant after you opened the form."), "error")
    return _page(form, participant, 409, changes, yours)


def _set_active(participant_id: int, is_active: bool):
    participant = db.get_or_404(NpmParticipant, participant_id)
    set_participant_active(participant, is_active, actor=actor())
    db.session.commit()
    if is_active:
        flash(_("%(name)s is active again.", name=participant.full_name), "success")
    else:
        flash(_("%(name)s is deactivated. Past visits keep them.",
                name=participant.full_name), "success")
    return redirect(back_to(url_for(".index")))


@bp.post("/<int:participant_id>/deactivate")
@requires(P.MANAGE_PARTICIPANTS)
def deactivate(participant_id: int):
    return _set_active(participant_id, False)


@bp.post("/<int:participant_id>/reactivate")
@requires(P.MANAGE_PARTICIPANTS)
def reactivate(participant_id: int):
    return _set_active(participant_id, True)
