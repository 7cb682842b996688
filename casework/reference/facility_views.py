"""The admin's facility screens: the list, new, edit (with the stale-edit check and the CCTV
history), deactivate and reactivate. Facilities are never deleted: cases point at them."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from casework.extensions import db
from casework.permissions import Permission, requires
from casework.reference.blueprint import bp
from casework.reference.editing import ChangeRow, StaleRecord
from casework.reference.form_pages import (
    actor,
    back_to,
    opened_at,
    show_refusal,
    stamp_form,
    status,
)
from casework.reference.forms import FacilityFilterForm, FacilityForm
from casework.reference.models import Authority, Facility
from casework.reference.queries import (
    ActiveFilter,
    FacilityFilters,
    all_authorities,
    list_facilities,
)
from casework.reference.services import (
    FacilityData,
    save_facility,
    set_facility_active,
)
from casework.reference.snapshots import facility_changes_since, facility_display
from casework.refusals import Refusal

P = Permission


def _filters(form: FacilityFilterForm) -> FacilityFilters:
    status_value = form.status.data or ""
    return FacilityFilters(
        text=(form.q.data or "")[:200], region=form.region.data, type=form.type.data,
        active=ActiveFilter(status_value) if status_value in set(ActiveFilter)
        else ActiveFilter.ACTIVE,
    )


@bp.get("/admin/facilities")
@requires(P.MANAGE_REFERENCE)
def facilities():
    form = FacilityFilterForm(formdata=request.args)
    form.validate()
    page = list_facilities(_filters(form), request.args.get("page", 1, type=int))
    return render_template("reference/facilities.html", filters=form, page=page)


def _data(form: FacilityForm) -> FacilityData:
    authority = db.session.get(Authority, form.authority.data) if form.authority.data else None
    return FacilityData(
        name=form.name.data or "", type=form.type.data, region=form.region.data,
        authority=authority, capacity=form.capacity.data,
        cctv_coverage=form.cctv_coverage.data, address=form.address.data or "",
    )


def _page(form: FacilityForm, facility: Facility | None, code: int,
          conflict: list[ChangeRow] | None = None, yours: dict[str, str] | None = None):
    return render_template("reference/facility_form.html", form=form, facility=facility,
                           conflict=conflict, yours=yours or {}), code


@bp.route("/admin/facilities/new", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def new_facility():
    form = FacilityForm()
    form.set_authorities(all_authorities())
    if not form.validate_on_submit():
        return _page(form, None, status(form))
    try:
        facility = save_facility(None, _data(form), actor=actor())
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, None, 400)
    db.session.commit()
    flash(_("Facility “%(name)s” created.", name=facility.name), "success")
    return redirect(url_for(".facilities", q=facility.name))


@bp.route("/admin/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def edit_facility(facility_id: int):
    facility = db.get_or_404(Facility, facility_id)
    if request.method == "POST":
        form = FacilityForm()
    else:
        form = FacilityForm(obj=facility)
        form.authority.data = facility.authority_id  # obj would give the Authority itself
        stamp_form(form, facility)
    form.set_authorities(all_authorities())
    if not form.validate_on_submit():
        return _page(form, facility, status(form))
    stamp = opened_at(form)
    if stamp is None:
        return _page(form, facility, 400)
    data = _data(form)
    try:
        save_facility(facility, data, actor=actor(), opened_at=stamp)
    except StaleRecord:
        db.session.rollback()
        return _conflict(form, facility, data, stamp)
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, facility, 400)
    db.session.commit()
    flash(_("Changes to “%(name)s” saved.", name=facility.name), "success")
    return redirect(back_to(url_for(".facilities")))


def _conflict(form: FacilityForm, facility: Facility, data: FacilityData, stamp: datetime):
    """409: the input is kept, what changed is shown, the next save goes over it."""
    db.session.refresh(facility)
    changes = facility_changes_since(facility, stamp)
    stamp_form(form, facility)
    yours = {name: facility_display(name, value) for name, value in data.values().items()}
    flash(_("Someone else changed this facility after you opened the form."), "error")
    return _page(form, facility, 409, changes, yours)


def _set_active(facility_id: int, is_active: bool):
    facility = db.get_or_404(Facility, facility_id)
    set_facility_active(facility, is_active, actor=actor())
    db.session.commit()
    if is_active:
        flash(_("“%(name)s” is active again.", name=facility.name), "success")
    else:
        flash(_("“%(name)s” is deactivated. Its cases and visits keep it.",
                name=facility.name), "success")
    return redirect(back_to(url_for(".facilities")))


@bp.post("/admin/facilities/<int:facility_id>/deactivate")
@requires(P.MANAGE_REFERENCE)
def deactivate_facility(facility_id: int):
    return _set_active(facility_id, False)


@bp.post("/admin/facilities/<int:facility_id>/reactivate")
@requires(P.MANAGE_REFERENCE)
def reactivate_facility(facility_id: int):
    return _set_active(facility_id, True)
