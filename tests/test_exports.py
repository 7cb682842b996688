"""The register's CSV and XLSX exports, read back as a spreadsheet user would get them:
exactly the filtered rows in the register's order, real dates, formulas kept as text, and an
audit entry for every file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus, Response
from casework.reference.models import Language
from tests.factories import (
    PASSWORD,
    make_authority,
    make_case,
    make_facility,
    make_recommendation,
    make_user,
)

TODAY = date(2026, 12, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NASTY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1", "-2+3", "@SUM(A1:A9)",
         "\tTab first", "\rReturn first"]


def read_csv(response, delimiter: str = ",") -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = io.StringIO(response.data.decode("utf-8-sig"), newline="")
    return list(csv.reader(text, delimiter=delimiter))


def read_xlsx(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.data))


@pytest.fixture
def rows():
    """Two overdue items of one addressee, one answered, and a draft; texts a spreadsheet
    would run as formulas."""
    police = make_authority(name="Департамент полиции г. Астаны")
    late = make_recommendation(
        record_status=RecordStatus.ISSUED, number="R-2026-00001", authority=police,
        facility=make_facility(name="ИВС № 1"), text=NASTY[0], issued_on=date(2026, 9, 1),
        reply_due=date(2026, 9, 22), implementation_due=date(2026, 11, 1),
    )
    answered = make_recommendation(
        record_status=RecordStatus.ISSUED, number="R-2026-00002", authority=police,
        text="Обеспечить видеонаблюдение в комнатах для допросов", issued_on=date(2026, 10, 1),
        reply_due=date(2026, 10, 22), implementation_due=date(2027, 4, 1),
        response=Response.ACCEPTED, replied_on=date(2026, 10, 20),
    )
    draft = make_recommendation(text="+1 more camera")
    db.session.commit()
    return {"late": late, "answered": answered, "draft": draft, "police": police}


@time_machine.travel(TODAY)
def test_csv_has_the_filtered_rows_with_a_bom_and_iso_dates(login, supervisor, rows):
    response = login(supervisor).get(
        f"/recommendations/export.csv?authority={rows['police'].id}&sort=number"
    )
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel needs it to read Cyrillic
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=recommendations-2026-12-01.csv"
    )
    header, *body = read_csv(response)
    assert header[:3] == ["Number", "Case", "Addressee"]
    assert header[-4:] == ["Scope", "Priority", "Reply received on", "Text"]
    assert [row[0] for row in body] == ["R-2026-00001", "R-2026-00002"]
    late, answered = (dict(zip(header, row, strict=True)) for row in body)
    assert late["Addressee"] == "Департамент полиции г. Астаны"
    assert late["Facility"] == "ИВС № 1"
    assert late["Issued on"] == "2026-09-01"
    assert late["Implementation due"] == "2026-11-01"
    assert late["Days overdue"] == "70"
    assert late["Ageing"] == "31–90 days overdue"
    assert answered["Days overdue"] == ""
    assert answered["Reply received on"] == "2026-10-20"
    assert answered["Addressee's response"] == "Accepted"
    assert answered["Text"] == "Обеспечить видеонаблюдение в комнатах для допросов"


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(login, supervisor):
    authority = make_authority(name="@Authority")
    for n, text in enumerate(NASTY, start=1):
        make_recommendation(record_status=RecordStatus.ISSUED, number=f"R-{n}", text=text,
                            authority=authority)
    db.session.commit()
    header, *body = read_csv(login(supervisor).get("/recommendations/export.csv?sort=number"))
    texts = [row[header.index("Text")] for row in body]
    assert texts == ["'" + text for text in NASTY]
    assert {row[header.index("Addressee")] for row in body} == {"'@Authority"}


@time_machine.travel(TODAY)
def test_xlsx_has_the_filtered_rows_with_real_dates_and_a_frozen_bold_header(
    login, supervisor, rows
):
    book = read_xlsx(login(supervisor).get("/recommendations/export.xlsx?overdue=any"))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Number"
    assert header[-1] == "Text"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}2"
    body = [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row["Number"] for row in body] == ["R-2026-00001"]  # the only overdue one
    [late] = body
    assert late["Issued on"] == datetime(2026, 9, 1)
    assert late["Reply due"] == datetime(2026, 9, 22)
    assert late["Days overdue"] == 70
    issued_cell = sheet.cell(2, header.index("Issued on") + 1)
    assert issued_cell.is_date
    assert issued_cell.number_format == "dd.mm.yyyy"
    assert sheet.column_dimensions["C"].width > 30  # the addressee's name fits


def test_xlsx_keeps_formulas_and_signs_as_text(login, supervisor):
    for n, text in enumerate(NASTY, start=1):
        make_recommendation(record_status=RecordStatus.ISSUED, number=f"R-{n}", text=text)
    db.session.commit()
    sheet = read_xlsx(login(supervisor).get("/recommendations/export.xlsx?sort=number")).active
    column = [cell.value for cell in sheet[1]].index("Text") + 1
    cells = [sheet.cell(row, column) for row in range(2, len(NASTY) + 2)]
    # XlsxWriter stores a carriage return as the spec's escape, which openpyxl leaves as is.
    assert [cell.value.replace("_x000D_", "\r") for cell in cells] == NASTY
    assert {cell.data_type for cell in cells} == {"s"}  # strings, not formulas ("f")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_each_export_is_audited_with_its_filters_and_row_count(
    login, supervisor, rows, extension
):
    response = login(supervisor).get(
        f"/recommendations/export.{extension}?status=issued&region=bogus&sort=-number"
    )
    assert response.status_code == 200
    db.session.rollback()  # read what the request committed
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.RECOMMENDATIONS_EXPORTED)
    ).all()
    assert entry.actor_id == supervisor.id
    assert entry.changes == {
        "format": extension, "rows": 2,
        "filters": {"status": "issued", "sort": "-number"},  # the ignored region is not one
    }


def test_exports_hold_only_what_the_reader_may_see(app, rows):
    lawyer = make_user(Role.LAWYER)
    theirs = make_recommendation(
        make_case(assignees=(lawyer,), status=CaseStatus.RECOMMENDATION),
        record_status=RecordStatus.ISSUED, number="R-THEIRS",
    )
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": lawyer.email, "password": PASSWORD})
    _header, *body = read_csv(client.get("/recommendations/export.csv"))
    assert [row[0] for row in body] == ["R-THEIRS"]
    assert body[0][1] == theirs.case.reference
    sheet = read_xlsx(client.get("/recommendations/export.xlsx")).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["R-THEIRS"]


def test_exports_follow_the_register_order_across_pages(app, login, supervisor, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(1, 6):
        make_recommendation(record_status=RecordStatus.ISSUED, number=f"R-{n}",
                            issued_on=date(2026, 10, n))
    db.session.commit()
    client = login(supervisor)
    _, *body = read_csv(client.get("/recommendations/export.csv?page=2"))
    assert [row[0] for row in body] == ["R-5", "R-4", "R-3", "R-2", "R-1"]  # every page


def test_csv_header_is_in_the_readers_language(login, supervisor, rows):
    supervisor.language = Language.RU
    db.session.commit()
    header, *_ = read_csv(login(supervisor).get("/recommendations/export.csv"), ";")
    assert "Учреждение" in header
    assert "Регион" in header


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("language", "delimiter"), [
    (Language.EN, ","), (Language.RU, ";"), (Language.KK, ";"),
])
def test_csv_is_separated_as_excel_expects_in_the_readers_language(
    login, supervisor, rows, language, delimiter
):
    """Excel in Russian or Kazakh settings splits a CSV at ";" (its decimal separator is a
    comma); in English at ",". The dates stay ISO either way."""
    supervisor.language = language
    db.session.commit()
    response = login(supervisor).get("/recommendations/export.csv?sort=number")
    header, *body = read_csv(response, delimiter)
    assert len(header) == 19
    wrong = ";" if delimiter == "," else ","
    assert len(read_csv(response, wrong)[0]) < 19  # read with the other one, it falls apart
    assert [row[0] for row in body] == ["R-2026-00001", "R-2026-00002", rows["draft"].label]
    assert body[0][9] == "2026-09-01"  # "Issued on": ISO in every language
