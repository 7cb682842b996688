"""The statistics page and its XLSX export: who may open them, the period form, the links
behind the figures (none for an auditor, none to a list that cannot show exactly the figure),
the charts without script, and no personal data or free text anywhere an auditor looks."""

from __future__ import annotations

import base64
import io
import re
from datetime import date, datetime
from html import unescape
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import CaseKind, Channel
from casework.courts.models import Decision
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.regions import Region
from casework.reports import links
from casework.reports.figures import ListFilter, Period
from casework.reports.forms import Preset
from casework.violations.models import ViolationStatus
from casework.visits.models import Obstruction, ObstructionKind, VisitStatus
from tests import factories

TODAY = date(2026, 11, 25)
NAME = "Айгерім Сәрсенбаева"
IIN = factories.valid_iin("91030240012")
SUMMARY = "Beaten in cell 14 by the night shift"
DESCRIPTION = "The guard Petrov kicked her twice"
OFFICIAL = "Major Ivanov, deputy head"
SECRETS = (NAME, IIN, SUMMARY, DESCRIPTION, OFFICIAL, "Cells without daylight, wing B",
           "Transfer the complainant out of the colony", "The court heard the petition")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=OFFICE_TZ), tick=False):
        yield


@pytest.fixture
def private_world():
    """A complaint naming a person, and a visit, a violation, a recommendation and a parole
    decision whose free text names people: the statistics must show none of it."""
    category = factories.make_category("torture")
    category.name_kk = "Азаптау"
    category.name_ru = "Пытки"
    case = factories.make_case(
        kind=CaseKind.COMPLAINT, channel=Channel.HOTLINE, received_on=date(2026, 3, 2),
        summary=SUMMARY, description=DESCRIPTION, status=CaseStatus.FOLLOW_UP,
        region=Region.KARAGANDA,
    )
    case.categories = [category]
    factories.add_party(case, factories.make_person(full_name=NAME, iin=IIN))
    visit = factories.make_visit(starts_on=date(2026, 4, 7), status=VisitStatus.COMPLETED,
                                 summary="Cells without daylight, wing B")
    db.session.add(Obstruction(visit=visit, kind=ObstructionKind.INTIMIDATION,
                               occurred_on=date(2026, 4, 7), official=OFFICIAL,
                               description=DESCRIPTION, recorded_by_id=visit.leader_id))
    factories.make_violation(visit=visit, category=category,
                             description="Cells without daylight, wing B",
                             status=ViolationStatus.SUBSTANTIATED)
    factories.make_recommendation(case, record_status=RecordStatus.ISSUED,
                                  issued_on=date(2026, 4, 20),
                                  text="Transfer the complainant out of the colony")
    factories.make_proceeding(case, decision=Decision.GRANTED, decided_on=date(2026, 6, 1),
                              decision_summary="The court heard the petition")
    db.session.commit()
    return case


def _page(client, **args) -> str:
    response = client.get("/statistics", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


# -- who may look -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    (Role.SUPERVISOR, 200), (Role.CASEWORKER, 200), (Role.MONITOR, 200), (Role.AUDITOR, 200),
    (Role.LAWYER, 403), (Role.ADMIN, 403),
])
def test_statistics_page_per_role(client, login, role, status):
    login(factories.make_user(role, region=Region.ASTANA))
    for url in ("/statistics", "/statistics/export.xlsx",
                "/statistics/annual-report?year=2026&language=en"):
        assert client.get(url).status_code == status, url


def test_region_supervisor_sees_every_region(client, login, private_world):
    """Statistics are anonymous: a region's supervisor counts the whole country."""
    login(factories.make_user(Role.SUPERVISOR, region=Region.ASTANA))
    html = _page(client, region="karaganda")
    assert 'id="table-complaints-by-region"' in html
    table = html.split('id="table-complaints-by-region"')[1].split("</table>")[0]
    assert re.search(r"Karaganda Region</th>\s*<td class=\"num\">(<a [^>]*>)?1(</a>)?</td>", table)


# -- the auditor ------------------------------------------------------------------------------


def test_auditor_gets_figures_without_links_or_personal_data(client, login, private_world):
    login(factories.make_user(Role.AUDITOR))
    html = _page(client)
    assert "Complaints by category" in html
    assert "Азаптау" not in html  # the page is in English
    assert "Torture" in html  # a category's name is a label, not personal data
    paths = {urlparse(href).path for href in _hrefs(html)}
    for forbidden in ("/cases", "/recommendations", "/visits", "/violations"):
        assert not any(path.startswith(forbidden) for path in paths), paths
    for secret in SECRETS:
        assert secret not in html


def test_auditor_xlsx_has_no_personal_data(client, login, private_world):
    login(factories.make_user(Role.AUDITOR))
    response = client.get("/statistics/export.xlsx?period=this_year")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert "Torture" in cells
    for secret in SECRETS:
        assert not any(secret in cell for cell in cells), secret


# -- the links behind the figures -------------------------------------------------------------


def test_supervisor_figures_link_to_the_register_with_their_filters(client, login,
                                                                    private_world):
    login(factories.make_user(Role.SUPERVISOR))
    html = _page(client, start="2026-01-01", end="2026-06-30")
    register = [parse_qs(urlparse(href).query) for href in _hrefs(html)
                if urlparse(href).path == "/recommendations"]
    assert {"issued_from": ["2026-01-01"], "issued_to": ["2026-06-30"],
            "authority": [str(private_world.recommendations[0].authority_id)]} in register
    # A period that has ended: what was overdue then is not what the register lists now.
    assert not any("overdue" in query for query in register)
    html = _page(client, period="this_year")
    assert any("overdue" in parse_qs(urlparse(href).query) for href in _hrefs(html)
               if urlparse(href).path == "/recommendations")


def test_no_link_to_a_missing_list_or_one_that_ignores_a_filter(app, monkeypatch):
    supervisor = factories.make_user(Role.SUPERVISOR)
    with app.test_request_context():
        assert links.list_url(ListFilter.of("nowhere.index", region="astana"), supervisor) is None
        assert links.list_url(None, supervisor) is None
        register = ListFilter.of("recommendations.register", authority=3, issued_from="2026-01-01")
        assert links.list_url(register, supervisor) == (
            "/recommendations?authority=3&issued_from=2026-01-01")
        unknown = ListFilter.of("recommendations.register", authority=3, verified_from="x")
        assert links.list_url(unknown, supervisor) is None
        cases = ListFilter.of("cases.index", region="astana", kind="complaint")
        monkeypatch.setitem(links.KNOWN_FILTERS, "cases.index", lambda: frozenset({"region"}))
        assert links.list_url(cases, supervisor) is None
        monkeypatch.setitem(links.KNOWN_FILTERS, "cases.index",
                            lambda: frozenset({"region", "kind"}))
        assert links.list_url(cases, supervisor) == "/cases?region=astana&kind=complaint"
        assert links.list_url(cases, factories.make_user(Role.AUDITOR)) is None


# -- the form ---------------------------------------------------------------------------------


def test_presets_cover_whole_years_and_quarters():
    assert Preset.THIS_YEAR.period(TODAY) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Preset.LAST_YEAR.period(TODAY) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert Preset.THIS_QUARTER.period(TODAY) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Preset.LAST_QUARTER.period(TODAY) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert Preset.LAST_QUARTER.period(date(2026, 2, 10)) == Period(date(2025, 10, 1),
                                                                   date(2025, 12, 31))


def test_typed_dates_win_over_the_preset(client, login, private_world):
    login(factories.make_user(Role.MONITOR))
    html = _page(client, period="last_year", start="2026-03-01", end="2026-03-31")
    assert "1 Mar 2026 – 31 Mar 2026" in html
    assert 'id="table-complaints-by-channel"' in html


@pytest.mark.parametrize(("args", "message"), [
    ({"start": "2026-03-01", "end": "2026-02-01"}, "The end of the period is before its start."),
    ({"start": "2026-12-01", "end": "2026-12-31"}, "The period cannot start after today."),
    ({"start": "2026-03-01"}, "Give the last day of the period too."),
    ({"start": "1999-03-01", "end": "2000-01-01"}, "The office keeps no records from before"),
    ({"region": "atlantis"}, "Not a valid choice"),
])
def test_a_wrong_period_is_refused_next_to_its_field(client, login, args, message):
    login(factories.make_user(Role.CASEWORKER))
    response = client.get("/statistics", query_string=args)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert message in html
    assert "table-visits-by-type" not in html
    assert client.get("/statistics/export.xlsx", query_string=args).status_code == 400


def test_page_has_no_inline_script_or_style_and_charts_have_no_script(client, login,
                                                                      private_world):
    login(factories.make_user(Role.SUPERVISOR))
    html = _page(client)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert "<style" not in html
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert uris
    for uri in uris:
        svg = base64.b64decode(uri).decode()
        assert "<script" not in svg
        assert "http" not in svg.replace("http://www.w3.org", "")
    assert re.findall(r'<th scope="col"', html)
    assert '<caption class="visually-hidden">Complaints by channel</caption>' in html


# -- the XLSX ---------------------------------------------------------------------------------


def test_xlsx_holds_every_table_and_is_audited(client, login, private_world):
    user = factories.make_user(Role.CASEWORKER)
    login(user)
    response = client.get("/statistics/export.xlsx?start=2026-01-01&end=2026-12-31"
                          "&region=karaganda")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "statistics-2026-01-01-2026-12-31.xlsx" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[:3] == ["Summary", "Visits by type", "Visits by region"]
    assert "Complaints by channel" in workbook.sheetnames
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Region"] == "Karaganda Region"
    assert summary["Complaints received"] == 1
    channels = {row[0]: row[1] for row in workbook["Complaints by channel"].iter_rows(
        min_row=4, values_only=True) if row[0]}
    assert (channels["Hotline"], channels["Letter"], channels["Total"]) == (1, 0, 1)
    parole = list(workbook["Parole decisions by region"].iter_rows(min_row=4, values_only=True))
    assert parole[0][:5] == ("Karaganda Region", 1, 0, 0, 1)
    assert workbook["Parole decisions by region"]["E4"].number_format == "0.0%"
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.STATISTICS_EXPORTED)).all()
    assert entry.actor_id == user.id
    assert entry.changes == {"format": "xlsx", "start": "2026-01-01", "end": "2026-12-31",
                             "region": "karaganda"}


def test_xlsx_labels_are_strings_never_formulas(client, login):
    category = factories.make_category("formula")
    category.name_en = "=HYPERLINK(\"http://evil.example\",\"x\")"
    visit = factories.make_visit(starts_on=date(2026, 5, 1), status=VisitStatus.COMPLETED)
    factories.make_violation(visit=visit, category=category)
    db.session.commit()
    login(factories.make_user(Role.AUDITOR))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/statistics/export.xlsx").data))
    [cell] = [c for row in workbook["Violations by category"].iter_rows() for c in row
              if c.value == category.name_en]
    assert cell.data_type == "s"


def test_page_shows_the_largest_authorities_and_the_rest_summed(client, login):
    case = factories.make_case(status=CaseStatus.FOLLOW_UP)
    for n in range(23):
        factories.make_recommendation(case, record_status=RecordStatus.ISSUED,
                                      issued_on=date(2026, 2, 1 + n),
                                      authority=factories.make_authority(name=f"Akimat {n:02d}"))
    db.session.commit()
    login(factories.make_user(Role.SUPERVISOR))
    html = _page(client)
    table = html.split('id="table-recommendations-by-authority"')[1].split("</table>")[0]
    assert table.count("Akimat ") == 20
    assert re.search(r"3 other authorities</th>\s*<td class=\"num\">3</td>", table)
    assert re.search(r"Total</th>\s*<td class=\"num\"><a href=[^>]+>23</a>", table)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/statistics/export.xlsx").data))
    names = [row[0] for row in workbook["Recommendations by authority"].iter_rows(
        min_row=4, values_only=True) if row[0]]
    assert len([name for name in names if name.startswith("Akimat")]) == 23


def test_an_empty_table_says_so_instead_of_rows_of_zeros(client, login):
    login(factories.make_user(Role.MONITOR))
    html = _page(client)
    assert "<strong>Visits by type:</strong> nothing was recorded in this period." in html
    assert 'class="list stat-table" id="table-visits-by-type"' not in html


def test_the_form_speaks_the_readers_language(client, login):
    from casework.reference.models import Language

    login(factories.make_user(Role.AUDITOR, language=Language.KK))
    html = _page(client, region="karaganda")
    assert '<option selected value="karaganda">Қарағанды облысы</option>' in html
    assert ">Karaganda Region<" not in html


def test_visit_and_violation_figures_link_to_their_lists(client, login, private_world):
    login(factories.make_user(Role.SUPERVISOR))
    html = _page(client, region="astana")
    queries = {urlparse(href).path: [] for href in _hrefs(html)}
    for href in _hrefs(html):
        queries[urlparse(href).path].append(parse_qs(urlparse(href).query))
    assert {"region": ["astana"], "starts_from": ["2026-01-01"], "starts_to": ["2026-12-31"],
            "type": ["planned"]} in queries["/visits"]
    assert {"region": ["astana"], "starts_from": ["2026-01-01"], "starts_to": ["2026-12-31"],
            "type": ["planned"], "announced": ["no"]} in queries["/visits"]
    category = private_world.categories[0]
    assert {"region": ["astana"], "found_from": ["2026-01-01"], "found_to": ["2026-12-31"],
            "category_id": [str(category.id)], "status": ["substantiated"]} in queries[
        "/violations"]
    # Each link opens its list for this reader.
    for href in _hrefs(html):
        if urlparse(href).path in ("/visits", "/violations"):
            assert client.get(href).status_code == 200
