"""Pages of the reports feature: the statistics page, its XLSX export and the annual report.

All three are GETs over aggregate, anonymous figures (casework/reports/statistics.py). The
export and the annual report are the kind of GET that writes: each leaves an audit entry, as
the recommendations' exports do, because a file of figures leaves the office's control.
"""

from __future__ import annotations

import io

from flask import current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_login import current_user

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, requires
from casework.reference.models import Language
from casework.reports import exports
from casework.reports.annual import annual_report_pdf
from casework.reports.blueprint import bp
from casework.reports.charts import table_chart
from casework.reports.figures import ListFilter
from casework.reports.forms import AnnualReportForm, StatisticsForm
from casework.reports.links import list_url
from casework.reports.sections import build_statistics

P = Permission


def _actor() -> User:
    return current_user._get_current_object()


def _office_name() -> str:
    names = current_app.config["OFFICE_NAME"]
    locale = get_locale()
    return names.get(locale.language if locale else "", names[Language.RU.value])


def _render(form: StatisticsForm, annual_form: AnnualReportForm, status: int = 200):
    statistics = None
    if not form.errors:
        statistics = build_statistics(form.chosen_period(), form.chosen_region(), form.today)
    reader = _actor()

    def link(lists: ListFilter | None) -> str | None:
        return list_url(lists, reader)

    page = render_template(
        "reports/statistics.html", form=form, annual_form=annual_form, statistics=statistics,
        charts={table.key: table_chart(table) for table in statistics.tables}
        if statistics else {},
        link=link, export_args=form.as_args() if statistics else {},
    )
    return page, status


@bp.get("/statistics")
@requires(P.VIEW_STATISTICS)
def statistics():
    today = office_today()
    form = StatisticsForm(request.args, today=today)
    valid = form.validate()
    return _render(form, AnnualReportForm(None, today=today), 200 if valid else 400)


@bp.get("/statistics/export.xlsx")
@requires(P.VIEW_STATISTICS)
def export_xlsx():
    today = office_today()
    form = StatisticsForm(request.args, today=today)
    if not form.validate():
        return _render(form, AnnualReportForm(None, today=today), 400)
    statistics = build_statistics(form.chosen_period(), form.chosen_region(), today)
    out = io.BytesIO()
    exports.write_statistics(statistics, out, office_name=_office_name())
    record(AuditAction.STATISTICS_EXPORTED, actor=_actor(), object_type="statistics",
           changes={"format": "xlsx", **form.as_args()})
    db.session.commit()
    out.seek(0)
    period = statistics.period
    return send_file(out, mimetype=exports.MIMETYPE, as_attachment=True,
                     download_name=f"statistics-{period.start}-{period.end}.xlsx")


@bp.get("/statistics/annual-report")
@requires(P.VIEW_STATISTICS)
def annual_report():
    today = office_today()
    annual_form = AnnualReportForm(request.args, today=today)
    if not annual_form.validate():
        form = StatisticsForm(None, today=today)
        form.validate()
        return _render(form, annual_form, 400)
    year, language = int(annual_form.year.data), Language(annual_form.language.data)
    pdf = annual_report_pdf(year, language, today)
    record(AuditAction.ANNUAL_REPORT_BUILT, actor=_actor(), object_type="statistics",
           changes={"year": year, "language": language.value})
    db.session.commit()
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"annual-report-{year}-{language.value}.pdf")

