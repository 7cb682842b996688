"""Pages for the people of a case: add a party, change a party's consent, risk and contact.

Both need the right to edit the case and to see identities in it (services.may_manage_parties):
an assigned lawyer reads the parties but does not change them, a monitor does neither.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.accounts.models import User
from casework.cases.models import Case, CaseParty
from casework.database import office_today
from casework.extensions import db
from casework.intake.forms import add_error
from casework.parties import display, services
from casework.parties.forms import AddPartyForm, EditPartyForm
from casework.people.services import MIN_QUERY_LENGTH, record_search, search_people
from casework.permissions import Permission, authorize, can, requires

bp = Blueprint("parties", __name__)


@bp.app_context_processor
def party_helpers() -> dict[str, Any]:
    """The case page asks the same rule as these views before it offers their buttons, and
    says to whom letters may name each party."""

    def may_manage_parties(case: Case) -> bool:
        return services.may_manage_parties(current_user, case)

    return {"may_manage_parties": may_manage_parties,
            "letters_may_name": display.letters_may_name}


def _actor() -> User:
    return current_user._get_current_object()


def _load_case(case_id: int) -> Case:
    case = db.get_or_404(Case, case_id)
    authorize(services.may_manage_parties(current_user, case))
    return case


def _to_parties(case: Case) -> Response:
    return redirect(url_for("cases.show", case_id=case.id, _anchor="parties-heading"))


def _refuse(form: FlaskForm, refused: services.PartyError) -> None:
    """Undo anything half-done; put the reason next to the field at fault, or flash it."""
    db.session.rollback()
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        add_error(field, refused.message)
    else:
        flash(refused.message, "error")


def _render(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    status = 400 if form.is_submitted() else 200
    page = render_template(template, form=form, today_iso=office_today().isoformat(), **context)
    return page, status


@bp.route("/cases/<int:case_id>/parties/new", methods=["GET", "POST"])
@requires(Permission.EDIT_CASE)
def new(case_id: int) -> Response | tuple[str, int]:
    actor = _actor()
    case = _load_case(case_id)
    query = request.args.get("q", "").strip()
    found = search_people(query, viewer=actor) if can(actor, Permission.SEARCH_PEOPLE) else []
    if request.method == "GET" and found:
        record_search(found, viewer=actor)
        db.session.commit()
    form = AddPartyForm(actor=actor, found=found)
    if form.validate_on_submit():
        try:
            added = services.add_party(case, form.new_party(), actor=actor)
        except services.PartyError as refused:
            _refuse(form, refused)
        else:
            db.session.commit()
            flash(gettext("Party added."), "success")
            if added.linked_unidentifiable:
                flash(_registered_person_notice(), "warning")
            if added.consent_inherited:
                flash(gettext(
                    "This person already has a role in the case: the new role has the same "
                    "consent and reprisal risk. Change them with “Edit”."
                ), "warning")
            return _to_parties(case)
    searched = len(query) >= MIN_QUERY_LENGTH
    return _render("parties/new.html", form, case=case, query=query, found=found,
                   searched=searched)


def _registered_person_notice() -> str:
    return gettext(
        "The IIN you typed belongs to a person already in the register. The case is linked to "
        "that person under a pseudonym, with the registered details; consent to disclosure "
        "was not recorded. Record it with “Edit” once you have it in writing."
    )


@bp.route("/cases/<int:case_id>/parties/<int:party_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_CASE)
def edit(case_id: int, party_id: int) -> Response | tuple[str, int]:
    case = _load_case(case_id)
    party = db.session.get(CaseParty, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    # Opening a form writes nothing, so it cannot audit a reveal: without consent the page
    # shows the pseudonym and not the contact (the case page reveals both, audited).
    named = party.consents_to_disclosure
    if request.method == "POST":
        form = EditPartyForm()
    else:
        form = EditPartyForm.for_party(party, shows_identity=named)
    if form.validate_on_submit():
        try:
            changed = services.edit_party(party, form.changes(shows_identity=named), actor=_actor())
        except services.PartyError as refused:
            _refuse(form, refused)
        else:
            db.session.commit()
            flash(gettext("Party details saved.") if changed else gettext("Nothing changed."),
                  "success")
            return _to_parties(case)
    return _render("parties/edit.html", form, case=case, party=party, named=named)
