"""The register's rows as CSV and XLSX files: the table's columns plus scope, priority, the
reply date and the text, with headers in the reader's language.

Spreadsheets run formulas: a CSV cell that starts with = + - @ (or a tab or carriage return)
gets a leading apostrophe, and the XLSX writer never turns strings into formulas or links.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
import xlsxwriter
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum
from casework.recommendations.deadlines import Ageing
from casework.recommendations.display import recommendation_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel splits a CSV by the list separator of the reader's system: ";" where the decimal
# separator is a comma, as in Russian and Kazakh settings.
SEMICOLON_LANGUAGES = frozenset({"ru", "kk"})


Row = sa.Row[Any]  # one row of register.register_rows()


@dataclass(frozen=True)
class Column:
    header: LazyString
    value: Callable[[Row], Any]
    width: int  # in characters, for the XLSX


def columns(today: date) -> tuple[Column, ...]:
    """The register's columns, then what the table leaves out; overdue as of `today`."""
    labels: dict[LabelledEnum, str] = {}

    def label(member: LabelledEnum | None) -> str:
        """Translated once per file, not once per cell: 50,000 rows have a million cells."""
        if member is None:
            return ""
        if member not in labels:
            labels[member] = member.label
        return labels[member]

    def days(row: Row) -> int | None:
        return (today - row.overdue_since).days if row.overdue_since else None

    yes = _("Yes")
    return (
        Column(_l("Number"), lambda r: recommendation_label(r.number, r.id), 14),
        Column(_l("Case"), lambda r: r.case_reference or "", 12),
        Column(_l("Addressee"), lambda r: r.authority_name, 40),
        Column(_l("Facility"), lambda r: r.facility_name or "", 32),
        Column(_l("Region"), lambda r: label(r.region), 20),
        Column(_l("Followed up by"), lambda r: r.owner_name, 24),
        Column(_l("Record"), lambda r: label(r.record_status), 12),
        Column(_l("Addressee's response"), lambda r: label(r.response), 20),
        Column(_l("Verified implementation"), lambda r: label(r.implementation), 22),
        Column(_l("Issued on"), lambda r: r.issued_on, 12),
        Column(_l("Reply due"), lambda r: r.reply_due, 12),
        Column(_l("Implementation due"), lambda r: r.implementation_due, 12),
        Column(_l("Days overdue"), days, 10),
        Column(_l("Ageing"), lambda r: label(Ageing.of(days(r) or 0)), 20),
        Column(_l("Repeat finding"), lambda r: yes if r.repeat_of_id else "", 10),
        Column(_l("Scope"), lambda r: label(r.scope), 24),
        Column(_l("Priority"), lambda r: label(r.priority), 10),
        Column(_l("Reply received on"), lambda r: r.replied_on, 12),
        Column(_l("Text"), lambda r: r.text, 80),
    )


# -- CSV --------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_delimiter() -> str:
    """The separator Excel expects in the reader's language; dates stay ISO whatever it is."""
    locale = get_locale()
    return ";" if locale is not None and locale.language in SEMICOLON_LANGUAGES else ","


def write_csv(rows: Iterable[Row], today: date, out: IO[bytes]) -> int:
    """UTF-8 with a byte-order mark, so that Excel reads Cyrillic, separated as Excel expects
    in the reader's language; returns the row count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=csv_delimiter())
    cols = columns(today)
    writer.writerow([str(column.header) for column in cols])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(column.value(row)) for column in cols])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count


# -- XLSX -------------------------------------------------------------------------------------


def write_xlsx(rows: Iterable[Row], today: date, out: IO[bytes]) -> int:
    """Dates as date cells, a bold frozen header with filters; returns the row count."""
    workbook = xlsxwriter.Workbook(out, {
        "constant_memory": True,  # rows go to disk as written: flat memory at any size
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(_sheet_name(_("Recommendations")))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    cols = columns(today)
    for index, column in enumerate(cols):
        sheet.set_column(index, index, column.width)
    sheet.write_row(0, 0, [str(column.header) for column in cols], bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for row in rows:
        count += 1
        for index, column in enumerate(cols):
            value = column.value(row)
            if isinstance(value, date):
                sheet.write_datetime(count, index, value, day)
            elif value is not None:
                sheet.write(count, index, value)
    sheet.autofilter(0, 0, max(count, 1), len(cols) - 1)
    workbook.close()
    return count


def _sheet_name(name: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\ in them."""
    return "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet1"
