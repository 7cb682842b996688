"""Registering a complaint: one form, a duplicate check, one transaction."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.accounts.models import User
from casework.attachments.services import chosen_files
from casework.attachments.storage import ALLOWED_EXTENSIONS, FileRejected
from casework.database import office_today
from casework.extensions import db
from casework.intake.duplicates import PossibleDuplicate, find_duplicates_of
from casework.intake.forms import IntakeForm, add_error
from casework.intake.services import IntakeError, register_case
from casework.permissions import Permission, requires

bp = Blueprint("intake", __name__)


def _actor() -> User:
    """The signed-in user itself, not Flask-Login's proxy (the ORM needs the real object)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Permission.REGISTER_CASE)
def new() -> Response | str:
    form = IntakeForm()
    if not form.is_submitted():
        form.offer_blank_rows()
    duplicates: list[PossibleDuplicate] = []
    if form.validate_on_submit():
        data = form.to_data()
        if not form.wants_confirmation:
            duplicates = find_duplicates_of(data)
        if not duplicates:
            files = chosen_files(form.attachments.data or [])
            try:
                case = register_case(data, actor=_actor(), files=files)
            except FileRejected as rejected:
                db.session.rollback()
                add_error(form.attachments, str(rejected))
            except IntakeError as refused:
                db.session.rollback()
                flash(str(refused), "error")
            else:
                db.session.commit()
                flash(gettext("Case %(ref)s registered.", ref=case.reference), "success")
                return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "intake/new.html",
        form=form,
        duplicates=duplicates,
        files_dropped=form.is_submitted() and bool(chosen_files(form.attachments.data or [])),
        accept=",".join(ALLOWED_EXTENSIONS),
        today_iso=office_today().isoformat(),
    )
