"""The CSV import pages of facilities and authorities: upload and dry run, the report of
every bad row by line, the confirmation that imports the checked file, and the templates."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from casework.extensions import db
from casework.permissions import Permission, requires
from casework.reference import import_stash
from casework.reference.blueprint import bp
from casework.reference.csvfile import max_bytes, max_rows
from casework.reference.form_pages import actor
from casework.reference.forms import ConfirmImportForm, ImportForm
from casework.reference.import_columns import COLUMN_ENUMS, COLUMNS, ImportKind
from casework.reference.imports import (
    Action,
    ImportPlan,
    import_plan,
    plan_import,
    template_csv,
)
from casework.refusals import Refusal

P = Permission
LIST_ENDPOINTS = {ImportKind.FACILITIES: ".facilities", ImportKind.AUTHORITIES: ".authorities"}
IMPORT_ENDPOINTS = {
    ImportKind.FACILITIES: ".import_facilities", ImportKind.AUTHORITIES: ".import_authorities",
}


def _page(kind: ImportKind, form: ImportForm, plan: ImportPlan | None, code: int):
    confirm = None
    if plan is not None and plan.can_import:
        confirm = ConfirmImportForm(formdata=None, sha256=plan.sha256, file_name=plan.file_name)
    page = render_template(
        "reference/import.html", kind=kind, form=form, plan=plan, confirm=confirm,
        columns=COLUMNS[kind], enums=COLUMN_ENUMS[kind], actions=Action,
        max_mb=max_bytes() / (1024 * 1024), max_rows=max_rows(),
    )
    return page, code


def _check(kind: ImportKind):
    """GET: the form and the file's documentation. POST: the dry run of the chosen file."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(kind, form, None, 400 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.stream.read(max_bytes() + 1)  # one byte more tells a file over the limit
    plan = plan_import(kind, data, upload.filename or "")
    if plan.can_import:
        import_stash.keep(plan.sha256, data)
    return _page(kind, form, plan, 422 if plan.has_errors else 200)


def _confirm(kind: ImportKind):
    """Import the file the dry run checked, checked again against the register as it is now."""
    confirm = ConfirmImportForm()
    again = url_for(IMPORT_ENDPOINTS[kind])
    data = import_stash.take(confirm.sha256.data) if confirm.validate_on_submit() else None
    if data is None:
        flash(_("The checked file is no longer on the server. Choose it and check it again."),
              "error")
        return redirect(again)
    plan = plan_import(kind, data, confirm.file_name.data or "")
    try:
        counts = import_plan(plan, actor=actor())
    except Refusal:
        db.session.rollback()
        flash(_("The register changed since the check and the file now has errors: nothing "
                "was imported."), "error")
        return _page(kind, ImportForm(formdata=None), plan, 422)
    db.session.commit()
    flash(_("Imported %(file)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
            file=plan.file_name, created=counts["create"], updated=counts["update"],
            unchanged=counts["unchanged"]), "success")
    return redirect(url_for(LIST_ENDPOINTS[kind]))


def _template(kind: ImportKind) -> Response:
    return Response(
        template_csv(kind), mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={kind.value}-template.csv"},
    )


@bp.route("/admin/facilities/import", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def import_facilities():
    return _check(ImportKind.FACILITIES)


@bp.post("/admin/facilities/import/confirm")
@requires(P.MANAGE_REFERENCE)
def confirm_facility_import():
    return _confirm(ImportKind.FACILITIES)


@bp.get("/admin/facilities/import/template.csv")
@requires(P.MANAGE_REFERENCE)
def facility_template():
    return _template(ImportKind.FACILITIES)


@bp.route("/admin/authorities/import", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def import_authorities():
    return _check(ImportKind.AUTHORITIES)


@bp.post("/admin/authorities/import/confirm")
@requires(P.MANAGE_REFERENCE)
def confirm_authority_import():
    return _confirm(ImportKind.AUTHORITIES)


@bp.get("/admin/authorities/import/template.csv")
@requires(P.MANAGE_REFERENCE)
def authority_template():
    return _template(ImportKind.AUTHORITIES)
