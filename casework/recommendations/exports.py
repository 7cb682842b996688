"""A register's rows as CSV and XLSX files, with headers in the reader's language: the
writers any register uses (given its columns), and the columns of the recommendations: the
table's plus scope, priority, the reply date and the text.

Spreadsheets run formulas: a CSV cell that starts with = + - @ (or a tab or carriage return)
gets a leading apostrophe, and the XLSX writer never turns strings into formulas or links.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from tempfile import SpooledTemporaryFile
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
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SPOOL_BYTES = 8 * 1024 * 1024  # larger files go to a temporary file, not memory


Row = sa.Row[Any]  # one row of a register's query, such as register.register_rows()


@dataclass(frozen=True)
class Column:
    header: LazyString
    value: Callable[[Row], Any]
    width: int  # in characters, for the XLSX


class EnumLabels:
    """Enum labels translated once per file, not once per cell: 50,000 rows have a million
    cells. Call it with a member (or None, which reads as an empty cell)."""

    def __init__(self) -> None:
        self._labels: dict[LabelledEnum, str] = {}

    def __call__(self, member: LabelledEnum | None) -> str:
        if member is None:
            return ""
        if member not in self._labels:
            self._labels[member] = member.label
        return self._labels[member]


def columns(today: date) -> tuple[Column, ...]:
    """The register's columns, then what the table leaves out; overdue as of `today`."""
    label = EnumLabels()

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
    """The recommendations as CSV; returns the row count."""
    return write_table_csv(rows, columns(today), out)


def write_table_csv(rows: Iterable[Row], cols: Sequence[Column], out: IO[bytes]) -> int:
    """UTF-8 with a byte-order mark, so that Excel reads Cyrillic, separated as Excel expects
    in the reader's language; returns the row count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=csv_delimiter())
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
    """The recommendations as XLSX; returns the row count."""
    return write_table_xlsx(rows, columns(today), out, _("Recommendations"))


def write_table_xlsx(rows: Iterable[Row], cols: Sequence[Column], out: IO[bytes],
                     sheet_name: str) -> int:
    """Dates as date cells, a bold frozen header with filters; returns the row count."""
    workbook = xlsxwriter.Workbook(out, {
        "constant_memory": True,  # rows go to disk as written: flat memory at any size
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(_sheet_name(sheet_name))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
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


# -- either format ----------------------------------------------------------------------------


def write_file(extension: str, rows: Iterable[Row], cols: Sequence[Column],
               sheet_name: str) -> tuple[IO[bytes], int]:
    """The rows as a CSV or XLSX file (by `extension`, a key of MIMETYPES), rewound for
    sending, and their count."""
    out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    if extension == "csv":
        count = write_table_csv(rows, cols, out)
    else:
        count = write_table_xlsx(rows, cols, out, sheet_name)
    out.seek(0)
    return out, count
