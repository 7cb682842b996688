"""Upload fields and their check, shared by the case page and the intake form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import Field, Form
from wtforms.validators import ValidationError

from casework.attachments import storage
from casework.attachments.services import chosen_files


def validate_uploads(_form: Form, field: Field) -> None:
    """Refuse a disguised or unsupported file before anything is written."""
    for upload in chosen_files(field.data or []):
        try:
            storage.check_upload(upload.stream, upload.filename or "")
        except storage.FileRejected as rejected:
            raise ValidationError(str(rejected)) from rejected


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Files"), validators=[validate_uploads])

    def validate_files(self, field: MultipleFileField) -> None:
        if not chosen_files(field.data or []):
            raise ValidationError(_l("Choose at least one file."))
