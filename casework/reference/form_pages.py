"""What the reference-data edit pages share: the acting user, the form's opened-at stamp, a
refusal shown where it belongs, and the way back to the list the admin came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from casework.accounts.models import User
from casework.forms import show_on_field
from casework.i18n import safe_next
from casework.reference.editing import parse_opened_at
from casework.refusals import Refusal


def actor() -> User:
    return current_user._get_current_object()


def stamp_form(form: Any, record: Any) -> None:
    """Carry the record's updated_at in the form, as when it opened (also after a conflict,
    so that saving again replaces the current values knowingly)."""
    value = record.updated_at.isoformat()
    form.opened_at.data, form.opened_at.raw_data = value, [value]


def opened_at(form: Any) -> datetime | None:
    """The stamp the form carried; an error on the form when it is missing or forged."""
    stamp = parse_opened_at(form.opened_at.data)
    if stamp is None:
        form.form_errors.append(_("The form is out of date. Reload the page and try again."))
    return stamp


def show_refusal(form: FlaskForm, error: Refusal) -> None:
    if not show_on_field(form, error):
        flash(error.message, "error")


def back_to(fallback: str) -> str:
    """The list page (with its filters) the admin came from, when the form says so."""
    return safe_next(request.form.get("next"), fallback)


def status(form: FlaskForm) -> int:
    return 400 if form.is_submitted() else 200
