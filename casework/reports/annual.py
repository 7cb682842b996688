"""The annual report: the year's statistics for the whole country as a PDF, in Kazakh,
Russian or English, ready to attach to the office's published report.

It is built on demand and not stored: the figures are the records' own, so a report built
again for the same year shows what the records say then (the cover dates it). The PDF goes
through the letters' renderer (casework/letters/pdf.py: PDF/A, the bundled fonts, a fetcher
that loads nothing but the letter assets and data: URIs), with the letterhead's look; the
report's own print rules are read from casework/reports/assets/annual.css into the page.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from casework.letters.pdf import render_pdf
from casework.reference.models import Language
from casework.reports.charts import table_chart
from casework.reports.figures import Period
from casework.reports.sections import build_statistics

STYLESHEET = Path(__file__).parent / "assets" / "annual.css"


@cache
def _stylesheet() -> Markup:
    # The application's own file, read once; a <style> element because the PDF fetcher
    # loads stylesheets from the letter assets only.
    return Markup(STYLESHEET.read_text(encoding="utf-8"))  # noqa: S704 - a bundled file


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def annual_report_html(year: int, language: Language, today: date) -> str:
    with force_locale(language.value):
        statistics = build_statistics(year_period(year), None, today)
        return render_template(
            "reports/annual_report.html", statistics=statistics, year=year,
            language=language.value, stylesheet=_stylesheet(),
            charts={table.key: table_chart(table, for_pdf=True)
                    for table in statistics.tables},
            office_name=current_app.config["OFFICE_NAME"][language.value],
            office_address=current_app.config["OFFICE_ADDRESS"][language.value],
        )


def annual_report_pdf(year: int, language: Language, today: date) -> bytes:
    return render_pdf(annual_report_html(year, language, today))
