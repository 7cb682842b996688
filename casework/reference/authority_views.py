"""The admin's authority screens: the list, new and edit, with the parent picker that
offers no authority below the one edited (the service refuses a loop anyway)."""

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
from casework.reference.forms import AuthorityFilterForm, AuthorityForm
from casework.reference.models import Authority
from casework.reference.queries import AuthorityFilters, all_authorities, list_authorities
from casework.reference.services import AuthorityData, descendant_ids, save_authority
from casework.reference.snapshots import authority_changes_since, authority_display
from casework.refusals import Refusal

P = Permission


@bp.get("/admin/authorities")
@requires(P.MANAGE_REFERENCE)
def authorities():
    form = AuthorityFilterForm(formdata=request.args)
    form.validate()
    filters = AuthorityFilters(
        text=(form.q.data or "")[:200], region=form.region.data, type=form.type.data
    )
    page = list_authorities(filters, request.args.get("page", 1, type=int))
    return render_template("reference/authorities.html", filters=form, page=page)


def _parents_for(authority: Authority | None) -> list[Authority]:
    """Every authority but the one edited and those below it."""
    if authority is None:
        return all_authorities()
    below = descendant_ids(authority.id) | {authority.id}
    return [a for a in all_authorities() if a.id not in below]


def _data(form: AuthorityForm) -> AuthorityData:
    parent = db.session.get(Authority, form.parent.data) if form.parent.data else None
    return AuthorityData(
        name=form.name.data or "", type=form.type.data, parent=parent, region=form.region.data,
        address=form.address.data or "", contact=form.contact.data or "",
        response_period_days=form.response_period_days.data,
        letter_language=form.letter_language.data,
    )


def _check_parent_exists(form: AuthorityForm) -> bool:
    if form.parent.data and db.session.get(Authority, form.parent.data) is None:
        form.parent.errors = [*form.parent.errors, _("This authority no longer exists.")]
        return False
    return True


def _page(form: AuthorityForm, authority: Authority | None, code: int,
          conflict: list[ChangeRow] | None = None, yours: dict[str, str] | None = None):
    return render_template("reference/authority_form.html", form=form, authority=authority,
                           conflict=conflict, yours=yours or {}), code


@bp.route("/admin/authorities/new", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def new_authority():
    form = AuthorityForm()
    form.set_parents(_parents_for(None))
    if not form.validate_on_submit() or not _check_parent_exists(form):
        return _page(form, None, status(form))
    try:
        authority = save_authority(None, _data(form), actor=actor())
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, None, 400)
    db.session.commit()
    flash(_("Authority “%(name)s” created.", name=authority.name), "success")
    return redirect(url_for(".authorities", q=authority.name))


@bp.route("/admin/authorities/<int:authority_id>/edit", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def edit_authority(authority_id: int):
    authority = db.get_or_404(Authority, authority_id)
    if request.method == "POST":
        form = AuthorityForm()
    else:
        form = AuthorityForm(obj=authority)
        form.parent.data = authority.parent_id  # obj would give the Authority itself
        stamp_form(form, authority)
    form.set_parents(_parents_for(authority))
    if not form.validate_on_submit() or not _check_parent_exists(form):
        return _page(form, authority, status(form))
    stamp = opened_at(form)
    if stamp is None:
        return _page(form, authority, 400)
    data = _data(form)
    try:
        save_authority(authority, data, actor=actor(), opened_at=stamp)
    except StaleRecord:
        db.session.rollback()
        return _conflict(form, authority, data, stamp)
    except Refusal as error:
        db.session.rollback()
        show_refusal(form, error)
        return _page(form, authority, 400)
    db.session.commit()
    flash(_("Changes to “%(name)s” saved.", name=authority.name), "success")
    return redirect(back_to(url_for(".authorities")))


def _conflict(form: AuthorityForm, authority: Authority, data: AuthorityData, stamp: datetime):
    db.session.refresh(authority)
    changes = authority_changes_since(authority, stamp)
    stamp_form(form, authority)
    yours = {name: authority_display(name, value) for name, value in data.values().items()}
    flash(_("Someone else changed this authority after you opened the form."), "error")
    return _page(form, authority, 409, changes, yours)
