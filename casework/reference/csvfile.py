"""Reading an uploaded reference-data CSV: its size, encoding, separator, header and rows,
each row with the line of the file it starts on, as a spreadsheet user counts lines.

Whatever is wrong with the file as a whole (too large, not UTF-8, an unknown column) is one
`FileProblem`; what is wrong in a row is the import's business (casework.reference.imports).
Cells are text and stay text: nothing here evaluates a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

if TYPE_CHECKING:
    from _csv import Reader

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
UTF8_BOM = b"\xef\xbb\xbf"
# What office files often are instead of UTF-8 CSV: say so rather than "not UTF-8".
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileProblem(ValueError):
    """The file cannot be read as a whole; the message is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file; the header is line 1
    cells: dict[str, str]  # {column: the cell without outer spaces}
    surplus: int = 0  # non-empty cells beyond the header's columns

    def get(self, column: str) -> str | None:
        """The cell, or None when the file has no such column."""
        return self.cells.get(column)


@dataclass(frozen=True)
class Table:
    columns: list[str]  # the header's column names, normalised
    rows: list[Row]
    separator: str


def max_bytes() -> int:
    return int(current_app.config.get("REFERENCE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(current_app.config.get("REFERENCE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def column_key(heading: str) -> str:
    """"Operating authority", "operating-authority" and "operating_authority" are one name."""
    return "_".join(heading.strip().lower().replace("-", " ").split())


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark."""
    if len(data) > max_bytes():
        raise FileProblem(_(
            "The file is larger than %(mb).1f MB. Split it into smaller files and import each.",
            mb=max_bytes() / (1024 * 1024),
        ))
    if data.startswith(WORKBOOK_SIGNATURES):
        raise FileProblem(_(
            "This is a spreadsheet workbook, not a CSV file. In Excel choose "
            "“Save as” and the type “CSV UTF-8 (comma delimited)”."
        ))
    if data.startswith(UTF16_BOMS):
        raise FileProblem(_(
            "The file is in UTF-16. Save it as “CSV UTF-8 (comma delimited)” and try again."
        ))
    try:
        text = data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(_(
            "Line %(line)d is not UTF-8 text. Save the file as “CSV UTF-8 (comma delimited)” "
            "and try again.", line=line,
        )) from error
    # The csv module reads NUL characters, but no field of the application may hold one
    # (PostgreSQL refuses to store it): the file is refused, as the forms refuse them.
    if (at := text.find("\x00")) >= 0:
        raise FileProblem(_(
            "Line %(line)d contains a NUL character, which text cannot contain. Save the file "
            "as “CSV UTF-8 (comma delimited)” and try again.", line=text.count("\n", 0, at) + 1,
        ))
    return text


def guess_separator(text: str) -> str:
    """Excel writes ";" where the decimal separator is a comma (Russian and Kazakh settings),
    "," elsewhere; the header line, which has no numbers, tells which."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def read_table(
    data: bytes, known: Sequence[str], required: Sequence[str]
) -> Table:
    """The file's header and non-empty rows; a FileProblem for anything that prevents reading
    them (encoding, quoting, unknown or missing columns, too many rows)."""
    text = decode(data)
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    separator = guess_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader)
        columns = _check_header(header, known, required)
        rows = _read_rows(reader, columns)
    except csv.Error as error:
        raise FileProblem(_(
            "Line %(line)d cannot be read: %(reason)s. Check the quotation marks on that line.",
            line=reader.line_num, reason=str(error),
        )) from error
    return Table(columns=columns, rows=rows, separator=separator)


def _check_header(header: list[str], known: Sequence[str], required: Sequence[str]) -> list[str]:
    columns = [column_key(heading) for heading in header]
    while columns and not columns[-1]:  # trailing separators, as spreadsheets leave them
        columns.pop()
    if unknown := [c or "(empty)" for c in columns if c not in known]:
        raise FileProblem(_(
            "Line 1 has unknown columns: %(unknown)s. The columns are: %(known)s.",
            unknown=", ".join(unknown), known=", ".join(known),
        ))
    if duplicated := sorted({c for c in columns if columns.count(c) > 1}):
        raise FileProblem(_(
            "Line 1 names these columns more than once: %(columns)s.",
            columns=", ".join(duplicated),
        ))
    if missing := [c for c in required if c not in columns]:
        raise FileProblem(ngettext(
            "Line 1 lacks the required column %(columns)s.",
            "Line 1 lacks the required columns %(columns)s.",
            len(missing), columns=", ".join(missing),
        ))
    return columns


def _read_rows(reader: Reader, columns: list[str]) -> list[Row]:
    rows: list[Row] = []
    limit = max_rows()
    last_line = reader.line_num  # where the header ended
    for raw in reader:
        # A quoted cell may span lines: the row starts after the previous one ended.
        line, last_line = last_line + 1, reader.line_num
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if len(rows) == limit:
            raise FileProblem(_(
                "The file has more than %(max)d rows. Split it into smaller files and "
                "import each.", max=limit,
            ))
        padded = cells + [""] * (len(columns) - len(cells))
        surplus = sum(1 for cell in cells[len(columns):] if cell)
        rows.append(Row(line=line, cells=dict(zip(columns, padded, strict=False)),
                        surplus=surplus))
    return rows
