"""The statistics as an XLSX workbook: a summary sheet (what, for when, where, the headline
figures), then one sheet per table, headed in the reader's language.

Every label is written as a string cell, never read as a formula, a link or a number
(LIBRARIES.md: XLSX); counts are numbers, rates numbers shown as percentages.
"""

from __future__ import annotations

from typing import IO

import xlsxwriter
from flask_babel import gettext as _
from xlsxwriter.worksheet import Worksheet

from casework.reports.figures import Figure
from casework.reports.sections import Statistics, Table
from casework.templating import format_day

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAMES = "[]:*?/\\"


def sheet_names(titles: list[str]) -> list[str]:
    """Names Excel accepts: at most 31 characters, none of []:*?/\\, no two alike (case
    does not tell them apart)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = "".join(c for c in title if c not in FORBIDDEN_IN_SHEET_NAMES).strip("' ")
        base = base or "Sheet"
        name, n = base[:SHEET_NAME_MAX], 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 13})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.rate = workbook.add_format({"num_format": "0.0%"})
        self.bold_rate = workbook.add_format({"num_format": "0.0%", "bold": True})


def write_statistics(statistics: Statistics, out: IO[bytes], *, office_name: str) -> None:
    workbook = xlsxwriter.Workbook(out, {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "in_memory": True,
    })
    formats = _Formats(workbook)
    tables = statistics.tables
    names = sheet_names([_("Summary"), *(table.title for table in tables)])
    _write_summary(workbook.add_worksheet(names[0]), statistics, formats, office_name)
    for name, table in zip(names[1:], tables, strict=True):
        _write_table(workbook.add_worksheet(name), table, formats)
    workbook.close()


def _period_text(statistics: Statistics) -> str:
    return f"{format_day(statistics.period.start)} – {format_day(statistics.period.end)}"


def _write_summary(sheet: Worksheet, statistics: Statistics, formats: _Formats,
                   office_name: str) -> None:
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 36)
    sheet.write_string(0, 0, _("Statistics"), formats.title)
    sheet.write_string(1, 0, office_name)
    facts = [
        (_("Period"), _period_text(statistics)),
        (_("Region"), statistics.region.label if statistics.region else _("All regions")),
        (_("Figures as recorded on"), format_day(statistics.today)),
    ]
    row = 3
    for label, value in facts:
        sheet.write_string(row, 0, label, formats.bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    for headline in statistics.headlines:
        sheet.write_string(row, 0, headline.label)
        _write_figure(sheet, row, 1, headline.figure, headline.is_rate, formats)
        row += 1


def _write_table(sheet: Worksheet, table: Table, formats: _Formats) -> None:
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, len(table.columns), 16)
    sheet.write_string(0, 0, table.title, formats.title)
    headings = [table.label_heading, *(column.heading for column in table.columns)]
    for index, heading in enumerate(headings):
        sheet.write_string(2, index, heading, formats.bold)
    sheet.freeze_panes(3, 1)
    row = 3
    for item in table.rows:
        sheet.write_string(row, 0, item.label)
        for index, (column, figure) in enumerate(zip(table.columns, item.figures, strict=True)):
            _write_figure(sheet, row, index + 1, figure, column.is_rate, formats)
        row += 1
    if table.total is not None:
        sheet.write_string(row, 0, table.total.label, formats.bold)
        for index, (column, figure) in enumerate(
                zip(table.columns, table.total.figures, strict=True)):
            _write_figure(sheet, row, index + 1, figure, column.is_rate, formats, bold=True)
        row += 1
    sheet.merge_range(row + 1, 0, row + 1, max(len(table.columns), 3), table.note, formats.wrap)
    sheet.set_row(row + 1, 15 * (1 + len(table.note) // 90))


def _write_figure(sheet: Worksheet, row: int, column: int, figure: Figure, is_rate: bool,
                  formats: _Formats, *, bold: bool = False) -> None:
    if figure.value is None:
        sheet.write_string(row, column, "—")
    elif is_rate:
        sheet.write_number(row, column, figure.value,
                           formats.bold_rate if bold else formats.rate)
    else:
        sheet.write_number(row, column, figure.value, formats.bold if bold else None)

