"""The correspondence register: who sees which letters and incoming documents (the SQL clause
agrees with can_read_letter), every filter, sorting and paging, the CSV and XLSX exports with
their audit entry, and entering an incoming document by the numbers of what it answers."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time

import openpyxl
import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.letters import services
from casework.letters.models import (
    IncomingDocument,
    IncomingKind,
    Letter,
    LetterKind,
    LetterStatus,
)
from casework.letters.register import visible_incoming_clause, visible_letters_clause
from casework.permissions import Permission, can
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import AuthorityType, Language
from casework.reference.regions import Region
from casework.routing import MAX_DATABASE_ID
from tests.factories import (
    make_authority,
    make_case,
    make_person,
    make_recommendation,
    make_user,
)

TODAY = date(2026, 12, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def html(response) -> str:
    return response.get_data(as_text=True)


def letter_numbers(response) -> list[str]:
    """The outgoing tab's rows, by their number, in the order shown."""
    assert response.status_code == 200, html(response)[:500]
    return re.findall(r'class="letter-number" href="[^"]+">([^<]+)</a>', html(response))


def incoming_numbers(response) -> list[str]:
    assert response.status_code == 200, html(response)[:500]
    return re.findall(r'class="incoming-number" href="[^"]+">([^<]+)</a>', html(response))


def make_letter(number: str, *, case=None, dated: date = date(2026, 11, 2), signer=None,
                authority=None, person=None, recommendation=None, **kw) -> Letter:
    """A signed letter row as signing leaves it, with a fake stored PDF: the register never
    opens the file (services.sign, with its real PDF, is tested in test_letter_services)."""
    case = case or (recommendation.case if recommendation else make_case())
    signer = signer or make_user(Role.SUPERVISOR, region=case.region, full_name="Signer")
    if person is None:
        authority = authority or make_authority()
    addressee = person.full_name if person else authority.name
    letter = Letter(
        kind=kw.pop("kind", LetterKind.REPLY_TO_COMPLAINANT if person else LetterKind.REFERRAL),
        status=kw.pop("status", LetterStatus.SIGNED), case=case, recommendation=recommendation,
        region=kw.pop("region", case.region), authority=authority, person=person,
        language=Language.EN, addressee_block=kw.pop("addressee_block", f"{addressee}\nAstana"),
        subject=kw.pop("subject", f"About case {case.reference}"), body="Body.",
        number=number, dated=dated, signed_by=signer,
        signed_at=datetime.combine(dated, time(9), tzinfo=UTC),
        pdf_storage_name=f"fake-{number}", pdf_sha256="0" * 64, drafted_by=signer, **kw,
    )
    db.session.add(letter)
    db.session.flush()
    return letter


def make_incoming(number: str, *, received_on: date = date(2026, 11, 20), letter=None,
                  recommendation=None, case=None, **kw) -> IncomingDocument:
    about = letter or recommendation or case
    document = IncomingDocument(
        number=number, received_on=received_on, kind=kw.pop("kind", IncomingKind.AUTHORITY_REPLY),
        region=about.region, sender=kw.pop("sender", "" if "authority" in kw else "A sender"),
        case=case or (about.case if letter or recommendation else None), letter=letter,
        recommendation=recommendation,
        registered_by=kw.pop("registered_by", None) or make_user(Role.CASEWORKER), **kw,
    )
    db.session.add(document)
    db.session.flush()
    return document


# -- who sees what ----------------------------------------------------------------------------


@pytest.fixture
def world():
    """Users of every kind of relation, and letters and documents each visible for one reason
    only: its region, its case (open, closed, assigned), its recommendation, a name in it."""
    users = {
        "astana_supervisor": make_user(Role.SUPERVISOR, region=Region.ASTANA),
        "national_supervisor": make_user(Role.SUPERVISOR),
        "astana_caseworker": make_user(Role.CASEWORKER, region=Region.ASTANA),
        "almaty_caseworker": make_user(Role.CASEWORKER, region=Region.ALMATY_CITY),
        "owner": make_user(Role.CASEWORKER, region=Region.SHYMKENT),
        "lawyer": make_user(Role.LAWYER),
    }
    astana = make_case(region=Region.ASTANA, assignees=(users["almaty_caseworker"],))
    almaty = make_case(region=Region.ALMATY_CITY)
    closed = make_case(region=Region.ASTANA, status=CaseStatus.CLOSED)
    followed = make_recommendation(closed, record_status=RecordStatus.ISSUED,
                                   owner=users["owner"], number="R-2026-00077")
    letters = {
        "astana": make_letter("L-ASTANA", case=astana),
        "almaty": make_letter("L-ALMATY", case=almaty),
        "closed": make_letter("L-CLOSED", case=closed),
        "followed": make_letter("L-FOLLOWED", recommendation=followed),
        "named": make_letter("L-NAMED", case=astana, names_confirmed=True),
        "to_person": make_letter("L-PERSON", case=astana, person=make_person()),
        "draft": make_letter("L-DRAFT", case=astana, status=LetterStatus.DRAFT),
    }
    letters["draft"].number = None
    documents = {
        "on_named": make_incoming("IN-NAMED", letter=letters["named"]),
        "on_almaty": make_incoming("IN-ALMATY", case=almaty),
        "on_followed": make_incoming("IN-FOLLOWED", recommendation=followed),
    }
    db.session.commit()
    return users, letters, documents


def test_the_letters_clause_agrees_with_can_read_letter_for_every_user(world):
    users, letters, _documents = world
    everyone = [*users.values(), make_user(Role.MONITOR), make_user(Role.AUDITOR),
                make_user(Role.ADMIN)]
    for user in everyone:
        by_clause = set(db.session.scalars(sa.select(Letter.id).where(
            visible_letters_clause(user))))
        by_rule = {letter.id for letter in letters.values()
                   if can(user, Permission.READ_LETTER, letter)}
        assert by_clause == by_rule, user.full_name


def test_the_incoming_clause_agrees_with_can_read_letter_for_every_user(world):
    users, _letters, documents = world
    for user in [*users.values(), make_user(Role.MONITOR), make_user(Role.ADMIN)]:
        by_clause = set(db.session.scalars(sa.select(IncomingDocument.id).where(
            visible_incoming_clause(user))))
        by_rule = {document.id for document in documents.values()
                   if can(user, Permission.READ_LETTER, document)}
        assert by_clause == by_rule, user.full_name


@pytest.mark.parametrize(("who", "expected"), [
    # Everything signed of the region, names included; never a draft.
    ("astana_supervisor", ["L-ASTANA", "L-CLOSED", "L-FOLLOWED", "L-NAMED", "L-PERSON"]),
    ("national_supervisor",
     ["L-ALMATY", "L-ASTANA", "L-CLOSED", "L-FOLLOWED", "L-NAMED", "L-PERSON"]),
    # A letter may name the case's people: the unit's open cases are not enough.
    ("astana_caseworker", []),
    # Assigned to a case of another region: its letters, names included.
    ("almaty_caseworker", ["L-ASTANA", "L-NAMED", "L-PERSON"]),
    # Follows a recommendation up whose case they do not read.
    ("owner", ["L-FOLLOWED"]),
])
def test_outgoing_tab_lists_the_signed_letters_the_reader_may_read(login, world, who, expected):
    users, _letters, _documents = world
    response = login(users[who]).get("/correspondence?sort=number")
    assert sorted(letter_numbers(response)) == expected


@pytest.mark.parametrize(("who", "expected"), [
    ("astana_supervisor", ["IN-FOLLOWED", "IN-NAMED"]),
    ("national_supervisor", ["IN-ALMATY", "IN-FOLLOWED", "IN-NAMED"]),
    ("astana_caseworker", []),  # the unit's open case is not enough: it may name people
    ("owner", ["IN-FOLLOWED"]),
])
def test_incoming_tab_lists_the_documents_the_reader_may_read(login, world, who, expected):
    users, _letters, _documents = world
    response = login(users[who]).get("/correspondence?register=incoming")
    assert sorted(incoming_numbers(response)) == expected


def test_a_letter_a_reader_may_not_open_is_named_without_a_link(login, world):
    """The caseworker following a recommendation up reads the reply about it, not the other
    letter of the case that the reply also answers: its number shows, unlinked."""
    users, letters, _documents = world
    other = make_letter("L-OTHER", case=letters["followed"].case)
    make_incoming("IN-BOTH", letter=other, recommendation=letters["followed"].recommendation)
    db.session.commit()
    page = html(login(users["owner"]).get("/correspondence?register=incoming"))
    assert "IN-BOTH" in page
    assert "L-OTHER" in page
    assert f'/letters/{other.id}"' not in page
    assert f'/cases/{other.case_id}"' not in page  # nor the closed case they do not read


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.ADMIN, Role.AUDITOR])
def test_roles_without_the_register_are_refused_every_page(login, world, role):
    _users, _letters, documents = world
    client = login(make_user(role))
    for url in ("/correspondence", "/correspondence?register=incoming",
                "/correspondence/export.csv", "/correspondence/export.xlsx",
                "/correspondence/incoming/new",
                f"/correspondence/incoming/{documents['on_named'].id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/correspondence/incoming/new", data={}).status_code == 403


def test_an_incoming_document_of_another_region_is_refused(login, world, caseworker):
    _users, _letters, documents = world
    client = login(caseworker)
    assert client.get(f"/correspondence/incoming/{documents['on_almaty'].id}").status_code == 403
    assert client.get("/correspondence/incoming/999999").status_code == 404


# -- filters, sorting, paging -----------------------------------------------------------------


@pytest.fixture
def register():
    """Letters of Astana different in every filter, and incoming documents."""
    prosecutor = make_authority(name="Prosecutor of Astana", type=AuthorityType.PROSECUTOR)
    ministry = make_authority(name="Ministry of Health")
    aigul = make_user(Role.SUPERVISOR, region=Region.ASTANA, full_name="Aigul Signer")
    berik = make_user(Role.SUPERVISOR, region=Region.ASTANA, full_name="Berik Signer")
    case = make_case(reference="2026-00500")
    other_case = make_case(reference="2026-00600")
    letters = {
        "old": make_letter("00007-2025", case=case, dated=date(2025, 12, 20), signer=aigul,
                           authority=prosecutor, subject="Torture allegation",
                           response_due=date(2026, 1, 20),
                           response_received_on=date(2026, 1, 10)),
        "overdue": make_letter("00001-2026", case=case, dated=date(2026, 10, 1), signer=aigul,
                               authority=ministry, kind=LetterKind.INFORMATION_REQUEST,
                               response_due=date(2026, 11, 1)),
        "awaiting": make_letter("00002-2026", case=other_case, dated=date(2026, 11, 10),
                                signer=berik, authority=prosecutor,
                                response_due=date(2026, 12, 15), status=LetterStatus.SENT,
                                sent_on=date(2026, 11, 11)),
        "court": make_letter("00003-2026", case=other_case, dated=date(2026, 11, 20),
                             signer=berik, authority=make_authority(name="City court"),
                             kind=LetterKind.COURT_SUBMISSION, response_due=date(2026, 11, 25)),
        "elsewhere": make_letter("00004-2026", case=make_case(region=Region.ALMATY_CITY),
                                 dated=date(2026, 11, 21), signer=berik, authority=ministry,
                                 response_due=date(2026, 11, 22)),
    }
    documents = {
        "reply": make_incoming("IN-00001-2026", letter=letters["old"], authority=prosecutor,
                               received_on=date(2026, 1, 10), their_number="12/345",
                               summary="The prosecutor opened a criminal case."),
        "decision": make_incoming("IN-00002-2026", case=other_case,
                                  kind=IncomingKind.COURT_DECISION, sender="Court of Astana",
                                  received_on=date(2026, 11, 25), summary="Parole granted"),
    }
    db.session.commit()
    return {"letters": letters, "documents": documents, "aigul": aigul,
            "prosecutor": prosecutor, "ministry": ministry}


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("query", "expected"), [
    ("", ["00004-2026", "00003-2026", "00002-2026", "00001-2026", "00007-2025"]),
    ("year=2025", ["00007-2025"]),
    ("date_from=2026-10-01&date_to=2026-11-10", ["00002-2026", "00001-2026"]),
    ("kind=information_request", ["00001-2026"]),
    ("region=almaty_city", ["00004-2026"]),
    ("case=2026-00500", ["00001-2026", "00007-2025"]),
    ("case=+2026-00600+", ["00003-2026", "00002-2026"]),
    # Expects a reply and has none: not the court submission, not the one answered.
    ("awaiting=1", ["00004-2026", "00002-2026", "00001-2026"]),
    ("overdue=1", ["00004-2026", "00001-2026"]),
    ("q=torture", ["00007-2025"]),  # the subject
    ("q=ministry+of", ["00004-2026", "00001-2026"]),  # the addressee
    ("q=00002", ["00002-2026"]),  # the number
    ("q=%25", []),  # a LIKE wildcard is a plain character
])
def test_each_outgoing_filter(login, register, query, expected):
    response = login(make_user(Role.SUPERVISOR)).get(f"/correspondence?{query}")
    assert letter_numbers(response) == expected


@time_machine.travel(TODAY)
def test_filters_by_authority_and_signer(login, register):
    client = login(make_user(Role.SUPERVISOR))
    prosecutor, aigul = register["prosecutor"], register["aigul"]
    assert letter_numbers(client.get(f"/correspondence?authority={prosecutor.id}")) == [
        "00002-2026", "00007-2025"]
    assert letter_numbers(client.get(f"/correspondence?signer={aigul.id}")) == [
        "00001-2026", "00007-2025"]
    page = html(client.get("/correspondence"))
    assert "Aigul Signer" in page  # offered, and shown in the rows


def test_response_overdue_follows_the_office_date(login, register):
    user = make_user(Role.SUPERVISOR)
    with time_machine.travel(date(2026, 11, 1)):  # due today: not overdue yet
        assert letter_numbers(login(user).get("/correspondence?overdue=1")) == []
    with time_machine.travel(date(2026, 11, 2)):
        response = login(user).get("/correspondence?overdue=1")
        assert letter_numbers(response) == ["00001-2026"]
        assert "overdue" in html(response)


def test_a_superseded_letter_no_longer_awaits_a_response(login, register):
    old = register["letters"]["overdue"]
    correction = make_letter("00009-2026", case=old.case, dated=date(2026, 11, 28),
                             authority=old.authority, response_due=date(2026, 12, 28),
                             supersedes=old)
    old.superseded_by = correction
    db.session.commit()
    with time_machine.travel(TODAY):
        response = login(make_user(Role.SUPERVISOR)).get("/correspondence?awaiting=1")
    assert "00001-2026" not in letter_numbers(response)
    assert "00009-2026" in letter_numbers(response)
    page = html(login(make_user(Role.SUPERVISOR)).get("/correspondence?case=2026-00500"))
    assert "Superseded by 00009-2026" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["IN-00002-2026", "IN-00001-2026"]),
    ("date_from=2026-11-01", ["IN-00002-2026"]),
    ("year=2026&date_to=2026-06-30", ["IN-00001-2026"]),
    ("kind=court_decision", ["IN-00002-2026"]),
    ("case=2026-00500", ["IN-00001-2026"]),
    ("q=criminal", ["IN-00001-2026"]),  # the summary
    ("q=court+of", ["IN-00002-2026"]),  # the sender
    ("q=12/345", ["IN-00001-2026"]),  # their number
    ("sort=received_on", ["IN-00001-2026", "IN-00002-2026"]),
])
def test_each_incoming_filter(login, register, query, expected):
    response = login(make_user(Role.SUPERVISOR)).get(f"/correspondence?register=incoming&{query}")
    assert incoming_numbers(response) == expected


def test_incoming_filters_by_the_sending_authority(login, register):
    response = login(make_user(Role.SUPERVISOR)).get(
        f"/correspondence?register=incoming&authority={register['prosecutor'].id}")
    assert incoming_numbers(response) == ["IN-00001-2026"]
    page = html(response)
    assert "Prosecutor of Astana" in page
    assert "The prosecutor opened a criminal case." in page
    assert "00007-2025" in page  # the letter it answers


def test_sorting_by_number_follows_the_register_across_years(login, register):
    client = login(make_user(Role.SUPERVISOR))
    assert letter_numbers(client.get("/correspondence?sort=number")) == [
        "00007-2025", "00001-2026", "00002-2026", "00003-2026", "00004-2026"]
    assert letter_numbers(client.get("/correspondence?sort=-number"))[0] == "00004-2026"
    assert letter_numbers(client.get("/correspondence?sort=dated"))[0] == "00007-2025"


def test_paging_keeps_the_order_and_the_filters(app, login, register, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = login(make_user(Role.SUPERVISOR))
    first = client.get("/correspondence?sort=number")
    assert letter_numbers(first) == ["00007-2025", "00001-2026"]
    assert "Page 1 of 3" in html(first)
    assert "page=2" in html(first)
    assert letter_numbers(client.get("/correspondence?sort=number&page=3")) == ["00004-2026"]
    assert letter_numbers(client.get("/correspondence?sort=number&page=99")) == ["00004-2026"]


@pytest.mark.parametrize("tab", ["outgoing", "incoming"])
def test_a_page_takes_the_same_number_of_queries_for_any_number_of_rows(login, tab):
    """Everything a row shows is loaded with the page, and its links checked in one query per
    kind of object: no query per row."""
    viewer = make_user(Role.CASEWORKER, region=Region.ASTANA)
    client = login(viewer)

    def queries_for_page() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/correspondence?register={tab}").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def add_row(n: int) -> None:
        letter = make_letter(f"0000{n}-2026", case=make_case(assignees=(viewer,)),
                             signer=make_user(Role.SUPERVISOR))
        make_incoming(f"IN-{n}", letter=letter, authority=letter.authority,
                      recommendation=make_recommendation(letter.case, number=f"R-{n}",
                                                         record_status=RecordStatus.ISSUED))

    add_row(1)
    db.session.commit()
    one_row = queries_for_page()
    for n in range(2, 6):
        add_row(n)
    db.session.commit()
    assert queries_for_page() == one_row
    response = client.get(f"/correspondence?register={tab}")
    rows = letter_numbers(response) if tab == "outgoing" else incoming_numbers(response)
    assert len(rows) == 5
    assert len(re.findall(r'href="/cases/\d+"', html(response))) == 5  # each case linked


def test_tampered_arguments_are_ignored_with_a_message(login, register):
    response = login(make_user(Role.SUPERVISOR)).get(
        "/correspondence?register=bogus&year=1&region=mars&signer=x&awaiting=yes&sort=evil"
        "&date_from=2025-01-01&date_to=2024-01-01")
    assert len(letter_numbers(response)) == 5
    assert "Not a valid choice" in html(response)
    assert "The end of the period is before its start." in html(response)


# -- exports ----------------------------------------------------------------------------------


def read_csv(response, delimiter: str = ",") -> list[list[str]]:
    assert response.status_code == 200, html(response)[:500]
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel needs it to read Cyrillic
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def test_csv_has_the_filtered_rows_in_the_page_order(login, register):
    response = login(make_user(Role.SUPERVISOR)).get(
        "/correspondence/export.csv?case=2026-00500&sort=number&page=2")
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=correspondence-outgoing-")
    header, *body = read_csv(response)
    assert header[:4] == ["Outgoing No.", "Date", "Kind", "Addressee"]
    rows = [dict(zip(header, row, strict=True)) for row in body]
    assert [row["Outgoing No."] for row in rows] == ["00007-2025", "00001-2026"]  # all pages
    old = rows[0]
    assert old["Date"] == "2025-12-20"
    assert old["Addressee"] == "Prosecutor of Astana"
    assert old["Case"] == "2026-00500"
    assert old["Signed by"] == "Aigul Signer"
    assert old["Response received"] == "2026-01-10"
    assert old["Status"] == "Signed"
    assert old["Subject"] == "Torture allegation"
    assert rows[1]["Kind"] == "Request for information"


def test_incoming_csv_in_russian_is_separated_by_semicolons(login, register):
    user = make_user(Role.SUPERVISOR, language=Language.RU)
    db.session.commit()
    response = login(user).get("/correspondence/export.csv?register=incoming&sort=number")
    header, *body = read_csv(response, ";")
    assert len(header) == 11
    assert [row[0] for row in body] == ["IN-00001-2026", "IN-00002-2026"]
    assert body[0][1] == "2026-01-10"  # ISO in every language
    assert body[0][6] == "00007-2025"  # the letter it answers
    assert body[1][3] == "Court of Astana"


def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(login, supervisor):
    authority = make_authority(name="@Authority")
    make_letter("=1+1", authority=authority, subject='=HYPERLINK("http://evil.example")')
    db.session.commit()
    header, row = read_csv(login(supervisor).get("/correspondence/export.csv"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Outgoing No."] == "'=1+1"
    assert cells["Addressee"] == "'@Authority"
    assert cells["Subject"] == "'=HYPERLINK(\"http://evil.example\")"


def test_xlsx_has_date_cells_and_keeps_formulas_as_text(login, register):
    make_incoming("IN-00003-2026", case=register["letters"]["old"].case, sender="=SUM(A1)",
                  received_on=date(2026, 11, 26), their_date=date(2026, 11, 24))
    db.session.commit()
    response = login(make_user(Role.SUPERVISOR)).get(
        "/correspondence/export.xlsx?register=incoming&date_from=2026-11-26")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Incoming documents"
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row["Incoming No."] for row in rows] == ["IN-00003-2026"]
    assert rows[0]["Received on"] == datetime(2026, 11, 26)
    assert rows[0]["Their date"] == datetime(2026, 11, 24)
    assert sheet.cell(2, header.index("Received on") + 1).is_date
    sender = sheet.cell(2, header.index("Sender") + 1)
    assert (sender.value, sender.data_type) == ("=SUM(A1)", "s")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_each_export_is_audited_with_its_tab_filters_and_row_count(
    login, register, extension
):
    user = make_user(Role.SUPERVISOR)
    response = login(user).get(
        f"/correspondence/export.{extension}?register=incoming&kind=court_decision&region=x")
    assert response.status_code == 200
    db.session.rollback()  # read what the request committed
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.CORRESPONDENCE_EXPORTED)).all()
    assert entry.actor_id == user.id
    assert entry.changes == {
        "format": extension, "register": "incoming", "rows": 1,
        "filters": {"register": "incoming", "kind": "court_decision"},
    }


def test_exports_hold_only_what_the_reader_may_see(login, world):
    users, _letters, _documents = world
    _header, *body = read_csv(login(users["owner"]).get("/correspondence/export.csv"))
    assert [row[0] for row in body] == ["L-FOLLOWED"]


# -- entering an incoming document ------------------------------------------------------------


@pytest.fixture
def answered(supervisor):
    """A signed letter of an Astana case, a caseworker assigned to the case."""
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = make_case(reference="2026-00042", assignees=(caseworker,))
    prosecutor = make_authority(name="Prosecutor of Astana")
    letter = make_letter("00012-2026", case=case, authority=prosecutor,
                         dated=date(2026, 11, 10), signer=supervisor,
                         response_due=date(2026, 12, 10))
    db.session.commit()
    return caseworker, letter


def entry(**changes) -> dict[str, str]:
    return {"received_on": "2026-11-30", "kind": "authority_reply", "authority": "",
            "sender": "", "their_number": "7/11", "their_date": "2026-11-28",
            "summary": "We opened a criminal case.", "letter": "", "recommendation": "",
            "case": "", **changes}


@time_machine.travel(TODAY)
def test_a_reply_to_our_letter_is_registered_and_answers_it(login, answered):
    caseworker, letter = answered
    client = login(caseworker)
    response = client.post("/correspondence/incoming/new", data=entry(
        letter=" 00012-2026 ", authority=str(letter.authority_id)))
    assert response.status_code == 302, html(response)[:2000]
    document = db.session.scalars(sa.select(IncomingDocument)).one()
    assert response.headers["Location"] == f"/correspondence/incoming/{document.id}"
    assert document.number == "IN-00001-2026"
    assert (document.letter, document.case) == (letter, letter.case)
    assert document.their_date == date(2026, 11, 28)
    db.session.refresh(letter)
    assert letter.response_received_on == date(2026, 11, 30)
    [audited] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.INCOMING_REGISTERED)).all()
    assert (audited.actor_id, audited.object_id) == (caseworker.id, document.id)
    page = html(client.get(response.headers["Location"]))
    assert "Registered under incoming No. IN-00001-2026." in page
    assert f'href="/letters/{letter.id}"' in page
    assert f'href="/cases/{letter.case_id}"' in page
    assert "We opened a criminal case." in page
    assert "7/11" in page


def assert_refused(response, field: str, message: str, kept: str) -> None:
    """Refused with the message by the field, the user's input kept, nothing stored."""
    page = html(response)
    assert response.status_code == 400, page[:1000]
    assert re.search(rf'id="{field}-error">{re.escape(message)}<', page), page
    assert kept in page
    assert db.session.scalar(sa.select(sa.func.count(IncomingDocument.id))) == 0


@time_machine.travel(TODAY)
def test_an_unknown_letter_number_is_refused_by_its_field(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new",
                                      data=entry(letter="00099-2026", sender="Someone"))
    assert_refused(response, "letter", "No signed letter you may read has this number.",
                   'value="00099-2026"')


@time_machine.travel(TODAY)
def test_a_future_date_is_refused_by_its_field(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new", data=entry(
        letter="00012-2026", sender="Someone", received_on="2026-12-02"))
    assert_refused(response, "received_on", "The date cannot be in the future.",
                   'value="Someone"')


@time_machine.travel(TODAY)
def test_without_an_authority_or_a_sender_it_is_refused(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new",
                                      data=entry(case="2026-00042"))
    assert_refused(response, "sender",
                   "Choose the authority that sent it, or name the sender.",
                   'value="2026-00042"')


@time_machine.travel(TODAY)
def test_a_document_must_concern_something(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new",
                                      data=entry(sender="Someone"))
    assert_refused(response, "letter",
                   "Link the document to the letter, recommendation or case it concerns.",
                   "We opened a criminal case.")


@time_machine.travel(TODAY)
def test_the_case_typed_must_be_the_letters(login, answered):
    caseworker, _letter = answered
    other = make_case(reference="2026-00043", assignees=(caseworker,))
    db.session.commit()
    response = login(caseworker).post("/correspondence/incoming/new", data=entry(
        letter="00012-2026", sender="Someone", case=other.reference))
    assert_refused(response, "case", "00012-2026 is about case 2026-00042.",
                   'value="2026-00043"')


@time_machine.travel(TODAY)
def test_a_reader_who_may_not_write_about_the_case_is_told_so(login, answered):
    """The unit's caseworker reads the open case but does not work on it."""
    _caseworker, _letter = answered
    response = login(make_user(Role.CASEWORKER, region=Region.ASTANA)).post(
        "/correspondence/incoming/new", data=entry(case="2026-00042", sender="Someone"))
    assert response.status_code == 403
    assert "You are not allowed to do this with this letter." in html(response)
    assert 'value="Someone"' in html(response)


@time_machine.travel(TODAY)
def test_the_letter_page_prefills_the_reply(login, answered):
    caseworker, letter = answered
    response = login(caseworker).get(f"/correspondence/incoming/new?letter_id={letter.id}")
    page = html(response)
    assert response.status_code == 200
    assert 'value="00012-2026"' in page
    assert 'value="2026-00042"' in page
    assert 'value="2026-12-01"' in page  # received today
    assert f'<option selected value="{letter.authority_id}">' in page
    assert '<option selected value="authority_reply">' in page
    assert "e.g. 00012-2026" in page  # the office's number format, as configured


def test_prefilling_from_a_letter_one_may_not_read_is_refused(login, answered):
    _caseworker, letter = answered
    client = login(make_user(Role.CASEWORKER, region=Region.ALMATY_CITY))
    assert client.get(f"/correspondence/incoming/new?letter_id={letter.id}").status_code == 403
    assert client.get("/correspondence/incoming/new?case_id=999999").status_code == 404


def test_a_post_without_its_csrf_token_is_refused(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new",
                                      data=entry(case="2026-00042", sender="X"), csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(IncomingDocument.id))) == 0


def test_a_letter_signed_for_real_is_in_the_register_and_takes_its_reply(login, supervisor):
    """The register and the services together: sign (with its PDF), list, reply."""
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,))
    prosecutor = make_authority(name="Prosecutor of Astana", type=AuthorityType.PROSECUTOR)
    letter = services.start_letter(LetterKind.REFERRAL, actor=caseworker, language=Language.EN,
                                   case=case, authority=prosecutor)
    services.sign(letter, actor=supervisor, expected_version=letter.version)
    db.session.commit()
    client = login(caseworker)
    assert letter_numbers(client.get("/correspondence?awaiting=1")) == [letter.number]
    response = client.post(f"/correspondence/incoming/new?letter_id={letter.id}", data=entry(
        letter=letter.number, authority=str(prosecutor.id),
        received_on=letter.dated.isoformat(), their_date=""))
    assert response.status_code == 302, html(response)[:1000]
    assert letter_numbers(client.get("/correspondence?awaiting=1")) == []
    db.session.refresh(letter)
    assert letter.response_received_on == letter.dated


@pytest.mark.parametrize("name", ["letter_id", "recommendation_id", "case_id"])
@pytest.mark.parametrize("value", [10**20, MAX_DATABASE_ID + 1, 0, -5])
def test_prefilling_from_an_id_no_row_can_have_is_not_found(login, answered, name, value):
    """Beyond the database's integers PostgreSQL would fail on the query: not found first."""
    caseworker, _letter = answered
    response = login(caseworker).get(f"/correspondence/incoming/new?{name}={value}")
    assert response.status_code == 404


@time_machine.travel(TODAY)
def test_a_date_more_than_ten_years_ago_is_refused_by_its_field(login, answered):
    caseworker, _letter = answered
    response = login(caseworker).post("/correspondence/incoming/new", data=entry(
        case="2026-00042", sender="Someone", received_on="0001-01-01", their_date=""))
    assert_refused(response, "received_on", "The date is more than ten years ago.",
                   'value="Someone"')


@time_machine.travel(TODAY)
def test_a_recommendation_typed_must_concern_the_letters_case(login, answered):
    caseworker, _letter = answered
    other = make_case(reference="2026-00043", assignees=(caseworker,))
    recommendation = make_recommendation(other, record_status=RecordStatus.ISSUED)
    db.session.commit()
    response = login(caseworker).post("/correspondence/incoming/new", data=entry(
        letter="00012-2026", recommendation=recommendation.number, sender="Someone"))
    assert_refused(response, "recommendation",
                   f"{recommendation.number} is about case 2026-00043.", 'value="Someone"')
