"""Uploading files from the case page and downloading them, always as attachments."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.accounts.models import User
from casework.attachments import storage
from casework.attachments.forms import UploadForm
from casework.attachments.models import Attachment
from casework.attachments.services import add_attachments, chosen_files
from casework.cases.models import Case
from casework.extensions import db
from casework.permissions import Permission, authorize, can, requires

bp = Blueprint("attachments", __name__)


def _actor() -> User:
    """The signed-in user itself, not Flask-Login's proxy (the ORM needs the real object)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


@bp.post("/cases/<int:case_id>/attachments")
@requires(Permission.UPLOAD_ATTACHMENT)
def upload(case_id: int) -> Response:
    case = db.get_or_404(Case, case_id)
    authorize(can(current_user, Permission.UPLOAD_ATTACHMENT, case))
    form = UploadForm()
    if form.validate_on_submit():
        try:
            added = add_attachments(case, chosen_files(form.files.data), actor=_actor())
        except storage.FileRejected as rejected:
            db.session.rollback()
            flash(str(rejected), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d file added.", "%(num)d files added.", len(added)), "success")
    else:
        for error in form.files.errors or [gettext("The upload could not be read.")]:
            flash(str(error), "error")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.get("/attachments/<int:attachment_id>")
@requires(Permission.READ_CASE)
def download(attachment_id: int) -> Response:
    attachment = db.get_or_404(Attachment, attachment_id)
    case = db.session.get(Case, attachment.case_id)
    authorize(can(current_user, Permission.READ_CASE, case))
    try:
        path = storage.verified_path(attachment.storage_name, attachment.sha256)
    except storage.IntegrityFailure:
        current_app.logger.error(
            "integrity failure: attachment %s does not match its SHA-256 or is missing",
            attachment.id,
        )
        abort(500)
    response = send_file(
        path,
        mimetype=attachment.media_type,
        as_attachment=True,
        download_name=attachment.file_name,
        max_age=0,
    )
    # Even a polyglot that slipped past the sniffer cannot run as a page of this site.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
