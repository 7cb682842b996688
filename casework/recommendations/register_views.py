"""The register of recommendations and its CSV and XLSX exports.

The exports are the one kind of GET that writes: each leaves an audit entry naming the filters
and the number of rows, because a file of recommendations leaves the office's control.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from tempfile import SpooledTemporaryFile
from typing import IO

from flask import render_template, request, send_file
from flask_login import current_user
from werkzeug import Response

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, requires
from casework.recommendations import exports
from casework.recommendations.blueprint import bp
from casework.recommendations.deadlines import Ageing, days_overdue
from casework.recommendations.forms import offered_actions
from casework.recommendations.register import (
    approvable_ids,
    filter_form,
    list_register,
    register_rows,
)

P = Permission
Writer = Callable[[Iterable[exports.Row], date, IO[bytes]], int]
SPOOL_BYTES = 8 * 1024 * 1024  # larger files go to a temporary file, not memory


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/recommendations")
@requires(P.READ_RECOMMENDATION)
def register():
    form = filter_form(_actor(), request.args)
    filters = form.filters()
    today = office_today()
    page = list_register(_actor(), filters, request.args.get("page", 1, type=int), today)
    return render_template(
        "recommendations/register.html", form=form, page=page, sort=filters.sort,
        export_args=filters.as_args(), today=today, days_overdue=days_overdue,
        ageing_of=Ageing.of, approvable=approvable_ids(_actor(), page.items),
        offered_actions=lambda recommendation: offered_actions(recommendation, _actor()),
    )


def _export(write: Writer, extension: str, mimetype: str) -> Response:
    """Every filtered row (all pages, the page's order), audited and sent as a download."""
    filters = filter_form(_actor(), request.args).filters()
    today = office_today()
    actor = _actor()
    out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    rows = write(register_rows(actor, filters, today), today, out)
    record(AuditAction.RECOMMENDATIONS_EXPORTED, actor=actor, object_type="recommendations",
           changes={"format": extension, "filters": filters.as_args(), "rows": rows})
    db.session.commit()
    out.seek(0)
    return send_file(out, mimetype=mimetype, as_attachment=True,
                     download_name=f"recommendations-{today.isoformat()}.{extension}")


@bp.get("/recommendations/export.csv")
@requires(P.READ_RECOMMENDATION)
def export_csv():
    return _export(exports.write_csv, "csv", "text/csv")


@bp.get("/recommendations/export.xlsx")
@requires(P.READ_RECOMMENDATION)
def export_xlsx():
    return _export(
        exports.write_xlsx, "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
