"""Registering a complaint: one form, a duplicate check, one transaction."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.accounts.models import User
from casework.attachments.services import chosen_files, clean_file_name
from casework.attachments.storage import ALLOWED_EXTENSIONS, FileRejected
from casework.database import office_today
from casework.extensions import db
from casework.intake.duplicates import DuplicateReport, find_duplicates_of
from casework.intake.forms import IntakeForm, add_error
from casework.intake.services import (
    IntakeError,
    earliest_received_on,
    register_case,
    unidentifiable_typed_people,
)
from casework.people.services import SEARCH_LIMIT
from casework.permissions import Permission, requires

bp = Blueprint("intake", __name__)


def _actor() -> User:
    """The signed-in user itself, not Flask-Login's proxy (the ORM needs the real object)."""
    return current_user._get_current_object()


def _files_chosen_before(form: IntakeForm) -> list[str]:
    """Names of the files sent with a form that is shown again: no browser lets a page fill a
    file input, so the user is told which files to choose again."""
    if not form.is_submitted():
        return []
    return [clean_file_name(f.filename or "") for f in chosen_files(form.attachments.data or [])]


def _search_announcements() -> dict[str, str]:
    """What the person search tells a screen reader for each number of results, translated
    here because JavaScript cannot; the search never returns more than SEARCH_LIMIT."""
    said = {
        str(n): ngettext("%(num)d person found", "%(num)d people found", n)
        for n in range(1, SEARCH_LIMIT)
    }
    said["0"] = gettext("No registered person matches. Enter the details below.")
    said[str(SEARCH_LIMIT)] = ngettext(
        "%(num)d person found. Type more to narrow the search.",
        "%(num)d people found. Type more to narrow the search.",
        SEARCH_LIMIT,
    )
    return said


def _known_person_notice() -> str:
    return gettext(
        "An IIN you typed belongs to a person already in the register. The case is linked to "
        "that person under a pseudonym, with the registered details; their consent to "
        "disclosure is recorded later by the assigned caseworker or a supervisor."
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Permission.REGISTER_CASE)
def new() -> Response | str:
    actor = _actor()
    form = IntakeForm(actor=actor)
    if not form.is_submitted():
        form.offer_blank_rows()
    duplicates = DuplicateReport()
    if form.validate_on_submit():
        data = form.to_data()
        if not form.wants_confirmation:
            duplicates = find_duplicates_of(data, viewer=actor)
        if not duplicates:
            files = chosen_files(form.attachments.data or [])
            strangers = unidentifiable_typed_people(data, actor=actor)
            try:
                case = register_case(data, actor=actor, files=files)
            except FileRejected as rejected:
                db.session.rollback()
                add_error(form.attachments, str(rejected))
            except IntakeError as refused:
                db.session.rollback()
                flash(str(refused), "error")
            else:
                db.session.commit()
                flash(gettext("Case %(ref)s registered.", ref=case.reference), "success")
                if strangers:
                    flash(_known_person_notice(), "warning")
                return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "intake/new.html",
        form=form,
        duplicates=duplicates,
        files_before=_files_chosen_before(form),
        search_announcements=_search_announcements(),
        accept=",".join(ALLOWED_EXTENSIONS),
        today_iso=office_today().isoformat(),
        earliest_received_iso=earliest_received_on(office_today()).isoformat(),
    )
