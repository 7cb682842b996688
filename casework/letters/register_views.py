"""The correspondence register's pages: its two tabs (signed letters and incoming documents),
their exports, and entering and showing an incoming document.

The exports are GETs that write: each leaves an audit entry naming the tab, the filters and
the number of rows, because a file of the office's correspondence leaves its control.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.cases.models import Case
from casework.database import office_today
from casework.extensions import db
from casework.intake.forms import add_error
from casework.letters import services
from casework.letters.blueprint import bp
from casework.letters.models import IncomingDocument, Letter
from casework.letters.register import (
    Register,
    export_table,
    is_response_overdue,
    letter_number_example,
    list_register,
    readable_links,
)
from casework.letters.register_forms import IncomingForm, filter_form
from casework.permissions import Permission, authorize, can, requires
from casework.recommendations import exports
from casework.recommendations.models import Recommendation
from casework.refusals import NotAllowed, Refusal
from casework.routing import MAX_DATABASE_ID

P = Permission


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/correspondence")
@requires(P.KEEP_CORRESPONDENCE)
def register():
    form = filter_form(_actor(), request.args)
    filters = form.filters()
    today = office_today()
    page = list_register(_actor(), filters, request.args.get("page", 1, type=int), today)
    return render_template(
        "letters/register.html", form=form, tab=filters.register, tabs=list(Register),
        page=page, sort=filters.sort, export_args=filters.as_args(), today=today,
        readable=readable_links(_actor(), page.items), response_overdue=is_response_overdue,
    )


def _export(extension: str) -> Response:
    """Every filtered row of the tab (all pages, the page's order), audited, as a download."""
    actor = _actor()
    filters = filter_form(actor, request.args).filters()
    today = office_today()
    rows, columns = export_table(actor, filters, today)
    out, count = exports.write_file(extension, rows, columns, filters.register.label)
    record(AuditAction.CORRESPONDENCE_EXPORTED, actor=actor, object_type="correspondence",
           changes={"format": extension, "register": filters.register.value,
                    "filters": filters.as_args(), "rows": count})
    db.session.commit()
    return send_file(
        out, mimetype=exports.MIMETYPES[extension], as_attachment=True,
        download_name=f"correspondence-{filters.register.value}-{today.isoformat()}.{extension}",
    )


@bp.get("/correspondence/export.csv")
@requires(P.KEEP_CORRESPONDENCE)
def register_export_csv():
    return _export("csv")


@bp.get("/correspondence/export.xlsx")
@requires(P.KEEP_CORRESPONDENCE)
def register_export_xlsx():
    return _export("xlsx")


# -- incoming documents -----------------------------------------------------------------------


def _prefill_from_args() -> dict[str, Any]:
    """The letter, recommendation or case the query string names (the letter page links
    "Register the reply" here), each checked like its own page."""
    found: dict[str, Any] = {}
    for name, model, permission in (("letter", Letter, P.READ_LETTER),
                                    ("recommendation", Recommendation, P.READ_RECOMMENDATION),
                                    ("case", Case, P.READ_CASE)):
        object_id = request.args.get(f"{name}_id", type=int)
        if object_id is not None:
            if not 0 < object_id <= MAX_DATABASE_ID:  # the driver would fail, not find none
                abort(404)
            found[name] = db.get_or_404(model, object_id)
            authorize(can(current_user, permission, found[name]))
    return found


@bp.route("/correspondence/incoming/new", methods=["GET", "POST"])
@requires(P.KEEP_CORRESPONDENCE)
def incoming_new():
    actor = _actor()
    form = IncomingForm() if request.method == "POST" else IncomingForm.prefilled(
        **_prefill_from_args())
    form.prepare()
    if not form.validate_on_submit():
        return _incoming_form(form, status=400 if form.is_submitted() else 200)
    links = form.links(actor)
    if links is None:
        return _incoming_form(form, status=400)
    try:
        document = services.register_incoming(actor=actor, **form.values(), **links)
    except Refusal as error:
        db.session.rollback()
        return _refused(form, error)
    db.session.commit()
    flash(_("Registered under incoming No. %(number)s.", number=document.number), "success")
    return redirect(url_for("letters.incoming_show", document_id=document.id))


def _refused(form: IncomingForm, error: Refusal) -> tuple[str, int]:
    """The form again with the input kept: the message by its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        add_error(field, error.message)
    else:
        flash(error.message, "error")
    return _incoming_form(form, status=403 if isinstance(error, NotAllowed) else 400)


def _incoming_form(form: IncomingForm, *, status: int) -> tuple[str, int]:
    page = render_template("letters/incoming_new.html", form=form,
                           letter_example=letter_number_example(office_today()))
    return page, status


@bp.get("/correspondence/incoming/<int:document_id>")
@requires(P.KEEP_CORRESPONDENCE)
def incoming_show(document_id: int):
    document = db.get_or_404(IncomingDocument, document_id)
    authorize(can(current_user, P.KEEP_CORRESPONDENCE, document))
    return render_template("letters/incoming_show.html", document=document)
