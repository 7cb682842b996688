"""CSV import of facilities and authorities: the dry run and its report by line and column,
"a file with any error imports nothing", encodings and separators as Excel writes them,
labels in three languages, parents in the file, loops, limits, and the confirmation."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference import import_stash
from casework.reference.import_columns import ImportKind
from casework.reference.imports import Action, import_plan, plan_import
from casework.reference.models import (
    Authority,
    AuthorityType,
    CctvChange,
    CctvCoverage,
    Facility,
    FacilityType,
    Language,
)
from casework.reference.regions import Region
from casework.refusals import Refusal
from tests.factories import make_authority, make_facility, make_user

FACILITY_HEADER = "name,type,region,operating_authority,capacity,cctv_coverage,address"
AUTHORITY_HEADER = "name,type,parent,region,address,contact,response_period_days,letter_language"


def csv_file(*lines: str, bom: bool = False) -> bytes:
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def errors_by_line(plan) -> dict[int, set[str]]:
    """The columns in error on each line."""
    found: dict[int, set[str]] = {}
    for error in plan.errors:
        found.setdefault(error.line, set()).add(error.column)
    return found


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)


def upload(client, url: str, data: bytes, name: str = "facilities.csv"):
    return client.post(url, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# -- facilities: the plan ---------------------------------------------------------------------


def test_good_facility_file_plans_creates_and_updates_and_imports_them(app, admin):
    authority = make_authority(name="Department of the Penal System of Akmola")
    existing = make_facility(Region.AKMOLA, name="Colony EC-166/12", capacity=800)
    data = csv_file(
        FACILITY_HEADER,
        "Colony EC-166/12,penal_colony,akmola,Department of the Penal System of Akmola,"
        "1000,full,",
        'SIZO No. 1,pretrial_detention,pavlodar,,450,partial,"Pavlodar, Kutuzov St. 2"',
        "Colony EC-166/12,penal_colony,pavlodar,,,,",  # same name, another region: new
    )
    plan = plan_import(ImportKind.FACILITIES, data, "C:\\Users\\admin\\facilities.csv")
    assert plan.errors == []
    assert plan.file_name == "facilities.csv"
    assert [(row.line, row.action) for row in plan.rows] == [
        (2, Action.UPDATE), (3, Action.CREATE), (4, Action.CREATE),
    ]
    assert count(Facility) == 1  # the dry run changes nothing

    counts = import_plan(plan, actor=admin)
    assert counts == {"create": 2, "update": 1, "unchanged": 0}
    assert count(Facility) == 3
    assert existing.capacity == 1000
    assert existing.authority is authority
    sizo = db.session.scalar(sa.select(Facility).where(Facility.name == "SIZO No. 1"))
    assert sizo.address == "Pavlodar, Kutuzov St. 2"
    assert sizo.type is FacilityType.PRETRIAL_DETENTION
    notes = set(db.session.scalars(sa.select(CctvChange.note)))
    assert notes == {"imported from facilities.csv"}
    assert count(CctvChange) == 2  # full (was unknown) and partial; the third stays unknown
    [entry] = db.session.scalars(sa.select(AuditEntry))
    assert entry.action is AuditAction.REFERENCE_IMPORTED
    assert entry.object_type == "facilities"
    assert entry.changes["file_name"] == "facilities.csv"
    assert entry.changes["sha256"] == plan.sha256
    assert (entry.changes["create"], entry.changes["update"]) == (2, 1)
    assert entry.changes["updated"][str(existing.id)]["capacity"] == [800, 1000]


def test_empty_cells_keep_the_values_of_an_existing_facility(app, admin):
    authority = make_authority(name="Operator")
    facility = make_facility(Region.AKMOLA, name="Colony", capacity=500, address="Kept",
                             authority=authority, cctv_coverage=CctvCoverage.FULL)
    plan = plan_import(ImportKind.FACILITIES,
                       csv_file(FACILITY_HEADER, "Colony,penal_colony,akmola,,,,"), "f.csv")
    assert [row.action for row in plan.rows] == [Action.UNCHANGED]
    import_plan(plan, actor=admin)
    assert (facility.capacity, facility.address, facility.authority) == (500, "Kept", authority)
    assert facility.cctv_coverage is CctvCoverage.FULL


def test_several_bad_rows_are_each_reported_by_line_and_column(app, admin):
    make_authority(name="Ministry of Internal Affairs")
    data = csv_file(
        FACILITY_HEADER,
        "Good colony,penal_colony,akmola,,100,full,",
        "Bad type,prison,akmola,,100,full,",  # line 3: type
        ",penal_colony,nowhere,,-5,sometimes,",  # line 4: name, region, capacity, cctv
        "Good SIZO,pretrial_detention,pavlodar,,,,",
        "Unknown operator,penal_colony,akmola,ministry of internal affairs,,,",  # line 6
        "Good colony,penal_colony,akmola,,,,",  # line 7: the same facility as line 2
    )
    plan = plan_import(ImportKind.FACILITIES, data, "bad.csv")
    assert errors_by_line(plan) == {
        3: {"type"},
        4: {"name", "region", "capacity", "cctv_coverage"},
        6: {"operating_authority"},
        7: {"name"},
    }
    messages = {(e.line, e.column): e.message for e in plan.errors}
    assert "Did you mean “Ministry of Internal Affairs”?" in messages[(6, "operating_authority")]
    assert "line 2" in messages[(7, "name")]
    assert not plan.can_import
    with pytest.raises(Refusal):
        import_plan(plan, actor=admin)
    assert count(Facility) == 0


def test_labels_in_russian_and_kazakh_and_region_names_are_accepted(app):
    data = csv_file(
        FACILITY_HEADER,
        "Колония 1,Исправительная колония,Акмолинская область,,,Частичное,",
        "Колония 2,Түзеу колониясы,Ақмола облысы,,,Толық,",
        "Colony 3,Penal colony,Akmola Region,,,None,",
        "СИЗО 4,  следственный изолятор  ,г. Алматы,,,отсутствует,",
        "ИВС 5,TEMPORARY_HOLDING,Алматы,,,unknown,",
        "СИЗО 6,СИЗО,Almaty (city),,,Белгісіз,",
    )
    plan = plan_import(ImportKind.FACILITIES, data, "labels.csv")
    values = [(row.data.type, row.data.region, row.data.cctv_coverage) for row in plan.rows]
    assert plan.errors == [], plan.errors
    assert values == [
        (FacilityType.PENAL_COLONY, Region.AKMOLA, CctvCoverage.PARTIAL),
        (FacilityType.PENAL_COLONY, Region.AKMOLA, CctvCoverage.FULL),
        (FacilityType.PENAL_COLONY, Region.AKMOLA, CctvCoverage.NONE),
        (FacilityType.PRETRIAL_DETENTION, Region.ALMATY_CITY, CctvCoverage.NONE),
        (FacilityType.TEMPORARY_HOLDING, Region.ALMATY_CITY, CctvCoverage.UNKNOWN),
        (FacilityType.PRETRIAL_DETENTION, Region.ALMATY_CITY, CctvCoverage.UNKNOWN),
    ]


def test_byte_order_mark_and_semicolons_as_excel_writes_them(app):
    data = csv_file(
        "Name;Type;Region;Capacity;CCTV coverage;Address",
        "Колония;penal_colony;akmola;1 200;full;Кокшетау, ул. Абая, 1",
        bom=True,
    )
    plan = plan_import(ImportKind.FACILITIES, data, "excel.csv")
    assert plan.errors == []
    assert plan.file_error is None
    [row] = plan.rows
    assert (row.data.name, row.data.capacity) == ("Колония", 1200)
    assert row.data.address == "Кокшетау, ул. Абая, 1"


def test_a_quoted_value_over_several_lines_keeps_the_line_numbers_right(app):
    data = csv_file(
        FACILITY_HEADER,
        'Colony,penal_colony,akmola,,,,"Line one',
        'line two"',
        "Broken,penal_colony,nowhere,,,,",
    )
    plan = plan_import(ImportKind.FACILITIES, data, "f.csv")
    assert [row.line for row in plan.rows] == [2]
    assert errors_by_line(plan) == {4: {"region"}}


def test_formula_like_cells_are_kept_as_text(app, admin):
    data = csv_file(FACILITY_HEADER, '"=HYPERLINK(""http://x"")",penal_colony,akmola,,,,@SUM(1)')
    plan = plan_import(ImportKind.FACILITIES, data, "f.csv")
    import_plan(plan, actor=admin)
    facility = db.session.scalar(sa.select(Facility))
    assert facility.name == '=HYPERLINK("http://x")'
    assert facility.address == "@SUM(1)"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty."),
    (csv_file("name,type,region,colour", "a,penal_colony,akmola,red"), "unknown columns: colour"),
    (csv_file("name,region", "a,akmola"), "lacks the required column type"),
    (csv_file("name,type,region,name", "a,b,c,d"), "more than once: name"),
    ("name,type,region\r\nКолония,penal_colony,akmola\r\n".encode("cp1251"),
     "Line 2 is not UTF-8 text"),
    ("name,type,region\r\n".encode("utf-16"), "UTF-16"),
    (b"PK\x03\x04rest-of-a-workbook", "spreadsheet workbook"),
    (csv_file(FACILITY_HEADER, 'a,"penal_colony"x,akmola,,,,'), "Line 2 cannot be read"),
])
def test_files_that_cannot_be_read_are_refused_as_a_whole(app, data, message):
    plan = plan_import(ImportKind.FACILITIES, data, "f.csv")
    assert message in plan.file_error
    assert plan.rows == []
    assert not plan.can_import


def test_a_line_with_more_cells_than_the_header_is_an_error(app):
    data = csv_file("name,type,region",
                    "Colony, Pavlodar,penal_colony,akmola", "OK,penal_colony,akmola,")
    plan = plan_import(ImportKind.FACILITIES, data, "f.csv")
    assert errors_by_line(plan) == {2: {""}}
    assert [row.line for row in plan.rows] == [3]  # a trailing empty cell is harmless


def test_files_over_the_row_limit_are_refused(app):
    app.config["REFERENCE_IMPORT_MAX_ROWS"] = 3
    try:
        rows = [f"Colony {n},penal_colony,akmola,,,," for n in range(4)]
        plan = plan_import(ImportKind.FACILITIES, csv_file(FACILITY_HEADER, *rows), "f.csv")
        three = plan_import(ImportKind.FACILITIES, csv_file(FACILITY_HEADER, *rows[:3]), "f.csv")
    finally:
        del app.config["REFERENCE_IMPORT_MAX_ROWS"]
    assert "more than 3 rows" in plan.file_error
    assert three.file_error is None


# -- authorities ------------------------------------------------------------------------------


def test_parents_on_earlier_lines_and_in_the_register_are_found(app, admin):
    gp = make_authority(name="Prosecutor General's Office", type=AuthorityType.PROSECUTOR)
    data = csv_file(
        AUTHORITY_HEADER,
        "Ministry of Justice,ministry,,,Astana,,20,kk",
        "Penal Committee,committee,Ministry of Justice,,,,,",
        "Penal Department of Akmola,Committee or agency,Penal Committee,akmola,,,30,Русский",
        "Prosecutor's Office of Akmola,prosecutor,Prosecutor General's Office,akmola,,,,",
    )
    plan = plan_import(ImportKind.AUTHORITIES, data, "authorities.csv")
    assert plan.errors == []
    import_plan(plan, actor=admin)
    by_name = {a.name: a for a in db.session.scalars(sa.select(Authority))}
    assert by_name["Penal Committee"].parent is by_name["Ministry of Justice"]
    assert by_name["Penal Department of Akmola"].parent is by_name["Penal Committee"]
    assert by_name["Penal Department of Akmola"].response_period_days == 30
    assert by_name["Penal Department of Akmola"].letter_language is Language.RU
    assert by_name["Ministry of Justice"].letter_language is Language.KK
    assert by_name["Prosecutor's Office of Akmola"].parent is gp
    assert by_name["Penal Committee"].response_period_days == 15


def test_a_parent_defined_later_in_the_file_is_an_error_on_its_line(app):
    data = csv_file(
        AUTHORITY_HEADER,
        "Penal Committee,committee,Ministry of Justice,,,,,",
        "Ministry of Justice,ministry,,,,,,",
    )
    plan = plan_import(ImportKind.AUTHORITIES, data, "a.csv")
    [error] = plan.errors
    assert (error.line, error.column) == (2, "parent")
    assert "is on line 3, below this one" in error.message
    assert count(Authority) == 0


def test_an_unknown_parent_and_bad_periods_are_reported(app):
    data = csv_file(
        AUTHORITY_HEADER,
        "A,ministry,Nobody,,,,0,",
        "B,court,,,,,91,fr",
        "C,court,C,,,,ninety,",
    )
    plan = plan_import(ImportKind.AUTHORITIES, data, "a.csv")
    assert errors_by_line(plan) == {
        2: {"parent", "response_period_days"},
        3: {"response_period_days", "letter_language"},
        4: {"response_period_days", "parent"},
    }


def test_an_update_that_would_make_a_loop_is_refused(app, admin):
    ministry = make_authority(name="Ministry")
    make_authority(name="Committee", parent=ministry)
    data = csv_file(AUTHORITY_HEADER, "Ministry,ministry,Committee,,,,,")
    plan = plan_import(ImportKind.AUTHORITIES, data, "loop.csv")
    [error] = plan.errors
    assert (error.line, error.column) == (2, "parent")
    assert "Ministry → Committee → Ministry" in error.message
    with pytest.raises(Refusal):
        import_plan(plan, actor=admin)
    db.session.expire_all()
    assert db.session.get(Authority, ministry.id).parent_id is None


def test_a_loop_through_a_new_authority_of_the_same_file_is_refused(app):
    make_authority(name="Ministry")
    data = csv_file(
        AUTHORITY_HEADER,
        "New agency,committee,Ministry,,,,,",
        "Ministry,ministry,New agency,,,,,",
    )
    plan = plan_import(ImportKind.AUTHORITIES, data, "loop.csv")
    assert errors_by_line(plan) == {3: {"parent"}}


def test_an_existing_authority_is_updated_by_exact_name(app, admin):
    make_authority(name="Ministry of Health", contact="old")
    plan = plan_import(ImportKind.AUTHORITIES, csv_file(
        "name,type,contact", "Ministry of Health,ministry,+7 7172 00 00 00",
        "ministry of health,ministry,",
    ), "a.csv")
    assert [row.action for row in plan.rows] == [Action.UPDATE, Action.CREATE]
    assert plan.rows[0].changes == [("Contact", "old", "+7 7172 00 00 00")]


# -- the pages --------------------------------------------------------------------------------


def test_dry_run_page_reports_each_bad_line_and_imports_nothing(client, login, admin):
    login(admin)
    before = (count(Facility), count(AuditEntry))
    data = csv_file(
        FACILITY_HEADER,
        "Colony,penal_colony,akmola,,,,",
        "Bad,prison,akmola,,,,",
        "Worse,penal_colony,atlantis,,lots,,",
    )
    response = upload(client, "/admin/facilities/import", data)
    body = page(response)
    assert response.status_code == 422
    assert "Nothing was imported" in body
    lines = re.findall(r'<th scope="row" class="nowrap">(\d+)</th>\s*<td><code>(\w+)</code>',
                       body)
    assert lines == [("3", "type"), ("4", "region"), ("4", "capacity")]
    assert "confirm" not in re.sub(r"confirm the import after it", "", body)
    assert (count(Facility), count(AuditEntry)) == before


def test_check_then_confirm_imports_the_checked_file_once(client, login, admin):
    login(admin)
    data = csv_file(FACILITY_HEADER, "Colony,penal_colony,akmola,,,,")
    response = upload(client, "/admin/facilities/import", data)
    body = page(response)
    assert response.status_code == 200
    assert count(Facility) == 0
    sha256 = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', body).group(1)
    confirmed = client.post("/admin/facilities/import/confirm",
                            data={"sha256": sha256, "file_name": "facilities.csv"})
    assert confirmed.status_code == 302
    assert confirmed.location.endswith("/admin/facilities")
    assert count(Facility) == 1
    assert import_stash.take(sha256) is None  # used up
    again = client.post("/admin/facilities/import/confirm",
                        data={"sha256": sha256, "file_name": "facilities.csv"})
    assert again.status_code == 302
    assert "no longer on the server" in page(client.get(again.location))
    assert count(Facility) == 1


def test_confirm_checks_the_file_again_against_the_register(client, login, admin):
    login(admin)
    data = csv_file(FACILITY_HEADER, "Colony,penal_colony,akmola,Some Operator,,,")
    make_authority(name="Some Operator")
    db.session.commit()
    sha256 = plan_import(ImportKind.FACILITIES, data, "f.csv").sha256
    import_stash.keep(sha256, data)
    db.session.execute(sa.delete(Authority))
    db.session.commit()
    response = client.post("/admin/facilities/import/confirm",
                           data={"sha256": sha256, "file_name": "f.csv"})
    assert response.status_code == 422
    assert "No authority is named “Some Operator”" in page(response)
    assert count(Facility) == 0


def test_forged_confirmations_are_refused(client, login, admin):
    login(admin)
    for sha256 in ("../../etc/passwd", "0" * 64):
        response = client.post("/admin/facilities/import/confirm", data={"sha256": sha256})
        assert response.status_code == 302
    assert count(Facility) == 0


def test_oversized_file_is_refused_with_a_clear_message(client, login, admin, app):
    login(admin)
    row = "Colony,penal_colony,akmola,,,," + "x" * 200
    lines = [FACILITY_HEADER] + [row] * (2 * 1024 * 1024 // len(row) + 1)
    response = upload(client, "/admin/facilities/import", csv_file(*lines))
    assert response.status_code == 422
    assert "The file is larger than 2.0 MB" in page(response)
    assert count(Facility) == 0


def test_authority_import_page_with_a_later_parent(client, login, admin):
    login(admin)
    data = csv_file(
        AUTHORITY_HEADER,
        "Committee,committee,Ministry,,,,,",
        "Ministry,ministry,,,,,,",
    )
    response = upload(client, "/admin/authorities/import", data, "authorities.csv")
    assert response.status_code == 422
    assert "below this one" in page(response)
    assert count(Authority) == 0


def test_upload_without_a_file_is_a_form_error(client, login, admin):
    login(admin)
    response = client.post("/admin/facilities/import", data={})
    assert response.status_code == 400
    assert "Choose a CSV file." in page(response)


@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("ru", ";")])
def test_templates_name_the_documented_columns(client, login, language, separator):
    login(make_user(Role.ADMIN, language=Language(language)))
    facilities = client.get("/admin/facilities/import/template.csv")
    assert facilities.headers["Content-Disposition"].startswith("attachment")
    assert facilities.data.startswith(b"\xef\xbb\xbf")
    header = facilities.data.decode("utf-8-sig").strip()
    assert header == FACILITY_HEADER.replace(",", separator)
    authorities = client.get("/admin/authorities/import/template.csv").data
    assert authorities.decode("utf-8-sig").strip() == AUTHORITY_HEADER.replace(",", separator)
    # A template read back is a valid, empty file.
    assert plan_import(ImportKind.AUTHORITIES, authorities, "t.csv").file_error is None


def test_import_page_documents_columns_and_accepted_values(client, login, admin):
    login(admin)
    body = page(client.get("/admin/facilities/import"))
    assert "<code>operating_authority</code>" in body
    assert "<code>penal_colony</code> — Penal colony" in body
    assert "<code>almaty_city</code>" in body
