"""Uploading files from the case page and downloading them, always as attachments.

A download is a read of confidential data: it is audited, and only those who may see the
complainant's identity in the case (or the file's uploader) may make it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.accounts.models import User
from casework.attachments import storage
from casework.attachments.display import attachment_label, may_download, size_text, type_name
from casework.attachments.forms import UploadForm
from casework.attachments.models import Attachment
from casework.attachments.services import add_attachments, chosen_files, record_download
from casework.cases.models import Case
from casework.extensions import db
from casework.permissions import Permission, authorize, can, requires

bp = Blueprint("attachments", __name__)


def _actor() -> User:
    """The signed-in user itself, not Flask-Login's proxy (the ORM needs the real object)."""
    return current_user._get_current_object()


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


@bp.app_context_processor
def attachment_helpers() -> dict[str, Any]:
    """The case page (another blueprint's template) names files through these."""
    return {
        "attachment_label": attachment_label,
        "may_download": may_download,
        "attachment_type_name": type_name,
        "attachment_size": size_text,
    }


@bp.get("/attachments/<int:attachment_id>")
@requires(Permission.DOWNLOAD_ATTACHMENT)
def download(attachment_id: int) -> Response:
    attachment = db.get_or_404(Attachment, attachment_id)
    authorize(can(current_user, Permission.DOWNLOAD_ATTACHMENT, attachment))
    try:
        path = storage.verified_path(attachment.storage_name, attachment.sha256)
    except storage.IntegrityFailure:
        current_app.logger.error(
            "integrity failure: attachment %s does not match its SHA-256 or is missing",
            attachment.id,
        )
        abort(500)
    record_download(attachment, actor=_actor())
    db.session.commit()
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
