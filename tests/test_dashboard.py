"""The recommendations dashboard: its counts and buckets on a frozen day, the groupings, the
implementation rate (verified, not claimed), each reader's scope, the chart and its security
headers, the links to the register, and the supervisor's landing on it after signing in."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.recommendations import register
from casework.recommendations.dashboard import (
    Dashboard,
    Figure,
    build_dashboard,
    month_starts,
)
from casework.recommendations.lifecycle import Implementation, RecordStatus, Response
from casework.recommendations.models import Reply, Verification, VerificationMethod
from casework.reference.regions import Region
from tests import factories

TODAY = date(2026, 11, 25)
FAR = TODAY + timedelta(days=200)  # a deadline nowhere near


def at_office(day: date):
    """Freeze the clock at noon of `day` in the office's time zone."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=OFFICE_TZ),
                               tick=False)


@pytest.fixture
def office(supervisor, caseworker):
    """A case of the supervisor's region followed up by the caseworker, and an authority."""
    case = factories.make_case(status=CaseStatus.FOLLOW_UP, assignees=(caseworker,))
    return {"case": case, "owner": caseworker, "authority": factories.make_authority(),
            "supervisor": supervisor}


def issued(office, *, reply_due: date = FAR, implementation_due: date = FAR, **kw):
    """An issued recommendation whose deadlines are far away unless given."""
    return factories.make_recommendation(
        kw.pop("case", office["case"]),
        record_status=kw.pop("record_status", RecordStatus.ISSUED),
        issued_on=kw.pop("issued_on", TODAY - timedelta(days=100)),
        drafted_by=kw.pop("owner", office["owner"]),
        authority=kw.pop("authority", office["authority"]),
        reply_due=reply_due, implementation_due=implementation_due, **kw,
    )


def figures(board: Dashboard, kind: str) -> dict[str, int]:
    [deadline] = [d for d in board.deadlines if d.deadline.kind.value == kind]
    return {
        "running": deadline.running.count, "due_soon": deadline.due_soon.count,
        "overdue": deadline.overdue.count,
        **{bucket.value: figure.count for bucket, figure in deadline.ageing},
    }


# -- 1. counts and buckets --------------------------------------------------------------------


def test_reply_buckets_on_their_boundary_days(office):
    for days in (-8, -7, 0, 30, 31, 90, 91):  # negative: due in the future
        issued(office, reply_due=TODAY - timedelta(days=days))
    # Answered, drafted, closed or withdrawn: their reply deadline no longer runs.
    issued(office, reply_due=TODAY - timedelta(days=10), response=Response.ACCEPTED)
    issued(office, record_status=RecordStatus.CLOSED, reply_due=TODAY - timedelta(days=10),
           implementation=Implementation.IMPLEMENTED)
    issued(office, record_status=RecordStatus.WITHDRAWN, reply_due=TODAY - timedelta(days=10))
    factories.make_recommendation(office["case"], drafted_by=office["owner"])

    board = build_dashboard(office["supervisor"], TODAY)

    assert figures(board, "reply") == {
        "running": 7,
        "due_soon": 2,  # due today (not overdue) and in exactly 7 days; 8 days is not soon
        "overdue": 4,
        "1-30": 1,  # 30 days overdue
        "31-90": 2,  # 31 and 90
        "90+": 1,  # 91
    }
    assert board.overdue.count == 4


def test_implementation_buckets_count_only_unfinished_implementation(office):
    issued(office, implementation_due=TODAY - timedelta(days=1))
    issued(office, implementation_due=TODAY - timedelta(days=45),
           implementation=Implementation.IN_PROGRESS)
    issued(office, implementation_due=TODAY - timedelta(days=120),
           implementation=Implementation.PARTIALLY_IMPLEMENTED)  # verified final: stops
    issued(office, implementation_due=TODAY + timedelta(days=3))

    board = build_dashboard(office["supervisor"], TODAY)

    assert figures(board, "implementation") == {
        "running": 3, "due_soon": 1, "overdue": 2, "1-30": 1, "31-90": 1, "90+": 0,
    }
    # An item overdue on both deadlines counts once in the headline figure.
    late = TODAY - timedelta(days=2)
    issued(office, reply_due=late, implementation_due=late)
    assert build_dashboard(office["supervisor"], TODAY).overdue.count == 3


def test_page_counts_with_the_office_clock(login, office):
    issued(office, reply_due=TODAY - timedelta(days=31))
    with at_office(TODAY):
        page = login(office["supervisor"]).get("/dashboard").get_data(as_text=True)
    assert stat_numbers(page)["31–90 days overdue"] == [1, 0]  # reply card, implementation card
    with at_office(TODAY - timedelta(days=1)):
        page = login(office["supervisor"]).get("/dashboard").get_data(as_text=True)
    assert stat_numbers(page)["1–30 days overdue"] == [1, 0]  # a day earlier: 30 days overdue


def stat_numbers(page: str) -> dict[str, list[int]]:
    """The cards' numbers by label, in page order."""
    found: dict[str, list[int]] = {}
    for number, label in re.findall(
        r'class="stat[^"]*"[^>]*>\s*<span class="number">(\d+)</span>([^<]+)</a>', page
    ):
        found.setdefault(unescape(label.strip()), []).append(int(number))
    return found


# -- 2. overdue grouped -----------------------------------------------------------------------


def test_overdue_items_grouped_by_authority_facility_region_and_owner(office, supervisor):
    country = factories.make_user(Role.SUPERVISOR)
    prosecutors, police = factories.make_authority(name="Prosecutors"), factories.make_authority(
        name="Police")
    colony = factories.make_facility(name="Colony 12")
    colleague = factories.make_user(Role.CASEWORKER, region=Region.ALMATY_CITY,
                                    full_name="Aigerim Colleague")
    almaty_case = factories.make_case(region=Region.ALMATY_CITY)
    late = TODAY - timedelta(days=5)
    for _ in range(3):
        issued(office, authority=prosecutors, facility=colony, reply_due=late)
    issued(office, authority=police, implementation_due=late)
    issued(office, case=almaty_case, authority=police, owner=colleague, reply_due=late)
    issued(office, authority=police)  # not overdue: in no group

    board = build_dashboard(country, TODAY)
    tables = {table.grouping.param: table for table in board.groups}

    def rows(param):
        return [(row.name, row.count) for row in tables[param].rows]

    assert rows("authority") == [("Prosecutors", 3), ("Police", 2)]
    assert rows("facility") == [("Colony 12", 3)]  # items without a facility are left out
    assert rows("region") == [(Region.ASTANA.label, 4), (Region.ALMATY_CITY.label, 1)]
    assert rows("owner") == [(office["owner"].full_name, 4), ("Aigerim Colleague", 1)]
    assert tables["authority"].groups == 2
    # Each row lists its overdue items, the longest overdue first: those to act on today.
    assert tables["authority"].rows[0].params == {
        "overdue": "any", "sort": "-days_overdue", "authority": prosecutors.id}
    assert tables["region"].rows[1].params == {
        "overdue": "any", "sort": "-days_overdue", "region": "almaty_city"}


def test_group_tables_show_the_largest_ten_and_say_how_many_there_are(office):
    for n in range(12):
        authority = factories.make_authority(name=f"Akimat {n:02d}")
        for _ in range(n + 1):
            issued(office, authority=authority, reply_due=TODAY - timedelta(days=1))
    board = build_dashboard(office["supervisor"], TODAY)
    [table] = [t for t in board.groups if t.grouping.param == "authority"]
    assert [row.count for row in table.rows] == list(range(12, 2, -1))
    assert table.groups == 12


def test_groupings_a_reader_would_find_pointless_are_left_out(office):
    region_board = build_dashboard(office["supervisor"], TODAY)
    assert [t.grouping.param for t in region_board.groups] == ["authority", "facility", "owner"]
    own_board = build_dashboard(office["owner"], TODAY)
    assert [t.grouping.param for t in own_board.groups] == ["authority", "facility", "region"]


# -- 3. implementation rate -------------------------------------------------------------------


def test_implementation_rate_counts_verified_implementation_not_claims(office):
    authority = office["authority"]
    recent = TODAY - timedelta(days=60)
    claimed = issued(office, issued_on=recent)
    db.session.add(Reply(
        recommendation=claimed, received_on=recent + timedelta(days=10), register_number="12-3/4",
        summary="Done, they say.", response=Response.ACCEPTED,
        claimed_implementation=Implementation.IMPLEMENTED, recorded_by=office["owner"],
    ))
    issued(office, issued_on=recent, implementation=Implementation.IMPLEMENTED,
           record_status=RecordStatus.CLOSED)
    issued(office, issued_on=recent, implementation=Implementation.PARTIALLY_IMPLEMENTED)
    issued(office, issued_on=recent)
    # Outside the twelve months, withdrawn or a draft: not in the rate.
    issued(office, issued_on=TODAY - timedelta(days=400), implementation=Implementation.IMPLEMENTED)
    issued(office, issued_on=recent, record_status=RecordStatus.WITHDRAWN)
    factories.make_recommendation(office["case"], drafted_by=office["owner"], authority=authority)
    db.session.flush()

    board = build_dashboard(office["supervisor"], TODAY)

    [row] = board.rates
    assert (row.name, row.issued, row.implemented, row.partially, row.rate) == (
        authority.name, 4, 1, 1, 25)
    assert board.rate_since == date(2025, 11, 25)
    assert row.params == {"authority": authority.id, "issued_from": "2025-11-25"}


def test_implementation_rates_sorted_by_issued_top_fifteen(office):
    for n in range(17):
        authority = factories.make_authority(name=f"Authority {n:02d}")
        for _ in range(n % 4 + 1):
            issued(office, authority=authority, issued_on=TODAY - timedelta(days=20))
    board = build_dashboard(office["supervisor"], TODAY)
    assert len(board.rates) == 15
    assert [row.issued for row in board.rates] == sorted(
        (row.issued for row in board.rates), reverse=True)
    assert board.rate_authorities == 17


# -- 4. repeat findings -----------------------------------------------------------------------


def test_repeat_findings_by_facility_within_the_repeat_period(office):
    colony = factories.make_facility(name="Colony 3")
    centre = factories.make_facility(name="SIZO 1")
    first = issued(office, facility=colony, issued_on=TODAY - timedelta(days=900))
    issued(office, facility=colony, repeat_of=first, issued_on=TODAY - timedelta(days=100))
    issued(office, facility=colony, repeat_of=first, issued_on=TODAY - timedelta(days=30))
    issued(office, facility=centre, repeat_of=first, issued_on=TODAY - timedelta(days=800))

    board = build_dashboard(office["supervisor"], TODAY)

    assert [(row.name, row.count) for row in board.repeats.rows] == [("Colony 3", 2)]
    assert board.repeats_since == date(2024, 11, 25)
    assert board.repeats.rows[0].params == {
        "repeat": 1, "issued_from": "2024-11-25", "facility": colony.id}


# -- 5. per month -----------------------------------------------------------------------------


def test_issued_and_implemented_per_month(office):
    verified = issued(office, issued_on=date(2026, 11, 3))
    issued(office, issued_on=date(2026, 11, 1))
    issued(office, issued_on=date(2025, 12, 1))
    issued(office, issued_on=date(2025, 11, 30))  # thirteen months back: off the chart
    for result, day in ((Implementation.IMPLEMENTED, date(2026, 2, 10)),
                        (Implementation.IMPLEMENTED, date(2026, 2, 28)),
                        (Implementation.PARTIALLY_IMPLEMENTED, date(2026, 3, 1))):
        db.session.add(Verification(
            recommendation=verified, result=result, method=VerificationMethod.DOCUMENT_REVIEW,
            verified_on=day, evidence="Order No. 5", verified_by=office["owner"],
        ))
    db.session.flush()

    months = build_dashboard(office["supervisor"], TODAY).months

    assert [row.month for row in months] == month_starts(TODAY)
    assert months[0].month == date(2025, 12, 1)
    assert months[-1].month == date(2026, 11, 1)
    by_month = {row.month: (row.issued, row.implemented) for row in months}
    assert by_month[date(2026, 11, 1)] == (2, 0)
    assert by_month[date(2025, 12, 1)] == (1, 0)
    assert by_month[date(2026, 2, 1)] == (0, 2)  # a partial result is not "implemented"
    assert sum(issued for issued, _ in by_month.values()) == 3


def test_month_starts_cross_the_year():
    assert month_starts(date(2026, 1, 31), 3) == [date(2025, 11, 1), date(2025, 12, 1),
                                                  date(2026, 1, 1)]


# -- scope per role ---------------------------------------------------------------------------


@pytest.fixture
def two_regions(office):
    """One overdue item in Astana followed up by the caseworker, one by a colleague of the
    same office, and one in Almaty on a case a lawyer is assigned to."""
    late = TODAY - timedelta(days=3)
    lawyer = factories.make_user(Role.LAWYER)
    colleague = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    almaty_case = factories.make_case(region=Region.ALMATY_CITY, assignees=(lawyer,),
                                      status=CaseStatus.FOLLOW_UP)
    issued(office, reply_due=late)
    issued(office, owner=colleague, reply_due=late)
    issued(office, case=almaty_case, owner=factories.make_user(Role.CASEWORKER), reply_due=late)
    return {"lawyer": lawyer}


def test_region_supervisor_sees_only_their_region(office, two_regions):
    assert build_dashboard(office["supervisor"], TODAY).overdue.count == 2
    country = factories.make_user(Role.SUPERVISOR)
    assert build_dashboard(country, TODAY).overdue.count == 3


def test_caseworker_sees_only_the_items_they_follow_up(office, two_regions):
    board = build_dashboard(office["owner"], TODAY)
    assert board.overdue.count == 1  # not the colleague's, though the case is readable
    assert board.overdue.params == {"owner": office["owner"].id, "overdue": "any",
                                    "sort": "-days_overdue"}


# Monitors have the dashboard: they follow their visits' drafts and reprisal check-ins there.
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN, Role.LAWYER])
def test_readers_without_recommendations_are_refused(login, role):
    client = login(factories.make_user(role))
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/monthly.svg").status_code == 403


# -- links to the register --------------------------------------------------------------------


def links(page: str) -> list[dict[str, list[str]]]:
    """The query arguments of every link to the register."""
    return [parse_qs(urlparse(unescape(href)).query)
            for href in re.findall(r'href="(/recommendations\?[^"]*)"', page)]


def test_numbers_and_rows_link_to_the_filtered_register(login, office):
    prosecutors = factories.make_authority(name="Prosecutors")
    issued(office, authority=prosecutors, reply_due=TODAY - timedelta(days=40))
    with at_office(TODAY):
        page = login(office["supervisor"]).get("/dashboard").get_data(as_text=True)
    found = links(page)
    latest_first = {"sort": ["-days_overdue"]}
    for expected in (
        {"overdue": ["any"], **latest_first},
        {"status": ["issued"], "deadline": ["reply"]},
        {"due": ["soon"], "deadline": ["reply"]},
        {"ageing": ["31-90"], "deadline": ["reply"], **latest_first},
        {"ageing": ["90+"], "deadline": ["implementation"], **latest_first},
        {"overdue": ["implementation"], **latest_first},
        {"overdue": ["any"], "authority": [str(prosecutors.id)], **latest_first},
        {"overdue": ["any"], "owner": [str(office["owner"].id)], **latest_first},
        {"authority": [str(prosecutors.id)], "issued_from": ["2025-11-25"]},
        {"status": ["draft"], "approve": ["1"]},
        {"status": ["issued"], "ready": ["1"]},
    ):
        assert expected in found, expected


def test_caseworkers_links_keep_to_their_own_items(login, office):
    issued(office, reply_due=TODAY - timedelta(days=1))
    with at_office(TODAY):
        page = login(office["owner"]).get("/dashboard").get_data(as_text=True)
    owner = [str(office["owner"].id)]
    assert all(args.get("owner") == owner for args in links(page))
    assert {"owner": owner, "ageing": ["1-30"], "deadline": ["reply"],
            "sort": ["-days_overdue"]} in links(page)
    # Approving and closing are a supervisor's: a caseworker's page offers neither.
    assert not [args for args in links(page) if "approve" in args or "ready" in args]


def register_total(user, params: dict) -> int:
    args = MultiDict({key: str(value) for key, value in params.items()})
    form = register.filter_form(user, args)
    return register.list_register(user, form.filters(), 1, TODAY).total


def test_each_figure_is_the_register_total_it_links_to(app, office, two_regions):
    colony = factories.make_facility(name="Colony 5")
    first = issued(office, facility=colony, issued_on=TODAY - timedelta(days=300))
    issued(office, facility=colony, repeat_of=first, issued_on=TODAY - timedelta(days=20),
           implementation_due=TODAY - timedelta(days=95))
    issued(office, reply_due=TODAY + timedelta(days=2))
    for user in (office["supervisor"], office["owner"]):
        board = build_dashboard(user, TODAY)
        checked: list[Figure] = [board.overdue]
        for deadline in board.deadlines:
            checked += [deadline.due_soon, deadline.overdue, deadline.running,
                        *(figure for _bucket, figure in deadline.ageing)]
        rows = [*(row for table in board.groups for row in table.rows), *board.repeats.rows]
        with app.test_request_context():
            for figure in checked:
                assert register_total(user, figure.params) == figure.count, figure.params
            for row in rows:
                assert register_total(user, row.params) == row.count, row.params


# -- the chart --------------------------------------------------------------------------------


def test_chart_is_svg_without_script_under_its_own_policy(login, office):
    issued(office, issued_on=date(2026, 1, 5))
    with at_office(TODAY):
        response = login(office["supervisor"]).get("/dashboard/monthly.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    svg = response.get_data(as_text=True)
    root = ET.fromstring(svg)  # noqa: S314 (well-formed XML; our own response)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # An <img> needs an intrinsic size.
    assert (root.get("width"), root.get("height")) == ("740", "340")
    elements = list(root.iter())
    assert not [e for e in elements if str(e.tag).endswith("}script")]
    # Nothing to fetch: no links to other documents, scripts or images.
    assert not [e for e in elements if any(name.endswith("href") for name in e.attrib)]
    # Short months without the year, so twelve labels never overlap (the page names the period).
    assert ">Jan<" in svg
    assert ">Oct<" in svg
    assert "2026<" not in svg
    assert "Issued" in svg


def test_chart_labels_follow_the_readers_language(login, office):
    with at_office(TODAY):
        client = login(office["supervisor"])
        client.post("/language", data={"language": "ru"})
        svg = client.get("/dashboard/monthly.svg").get_data(as_text=True)
        page = client.get("/dashboard").get_data(as_text=True)
    assert ">нояб.<" in svg
    assert ">янв.<" in svg
    assert "ноябрь 2026" in page  # the chart's table spells the month out


def test_page_embeds_the_chart_with_a_table_of_its_figures(login, office):
    issued(office, issued_on=date(2026, 9, 14))
    with at_office(TODAY):
        page = login(office["supervisor"]).get("/dashboard").get_data(as_text=True)
    assert re.search(r'<img src="/dashboard/monthly.svg"[^>]*\salt="[^"]+"', page)
    table = page[page.index("<caption>Recommendations issued, and verifications"):]
    assert re.search(r"September 2026</th><td class=\"num\">1</td>", table)


# -- landing after sign-in --------------------------------------------------------------------


def test_supervisor_lands_on_the_dashboard_after_signing_in(client, supervisor):
    response = client.post("/login", data={"email": supervisor.email,
                                           "password": factories.PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/login").headers["Location"] == "/dashboard"  # already signed in


def test_supervisor_with_a_next_page_goes_there(client, supervisor):
    response = client.post("/login?next=/cases", data={
        "email": supervisor.email, "password": factories.PASSWORD, "next": "/cases"})
    assert response.headers["Location"] == "/cases"


def test_caseworker_still_lands_on_my_work(client, caseworker):
    response = client.post("/login", data={"email": caseworker.email,
                                           "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"


# -- what waits for a supervisor's decision ---------------------------------------------------


def test_supervisor_sees_drafts_to_approve_and_items_ready_to_close(app, office):
    supervisor = office["supervisor"]
    issued(office, implementation=Implementation.IMPLEMENTED)
    issued(office, implementation=Implementation.NOT_IMPLEMENTED)
    issued(office, implementation=Implementation.IN_PROGRESS)  # still awaited
    issued(office, record_status=RecordStatus.CLOSED, implementation=Implementation.IMPLEMENTED)
    factories.make_recommendation(office["case"], drafted_by=office["owner"])
    factories.make_recommendation(office["case"], drafted_by=office["owner"])
    factories.make_recommendation(office["case"], drafted_by=supervisor)  # four-eyes: not theirs
    elsewhere = factories.make_case(region=Region.PAVLODAR)
    factories.make_recommendation(elsewhere)  # another region's draft

    board = build_dashboard(supervisor, TODAY)

    assert board.supervision is not None
    assert board.supervision.to_approve.count == 2
    assert board.supervision.ready_to_close.count == 2
    assert board.supervision.to_approve.params == {"status": "draft", "approve": 1}
    assert board.supervision.ready_to_close.params == {"status": "issued", "ready": 1}
    with app.test_request_context():
        for figure in (board.supervision.to_approve, board.supervision.ready_to_close):
            assert register_total(supervisor, figure.params) == figure.count, figure.params
    country = factories.make_user(Role.SUPERVISOR)
    # Everyone's drafts, the regional supervisor's own and another region's too.
    assert build_dashboard(country, TODAY).supervision.to_approve.count == 4


def test_caseworker_has_nothing_to_approve_or_close(office):
    factories.make_recommendation(office["case"])
    assert build_dashboard(office["owner"], TODAY).supervision is None


def test_page_shows_the_supervisors_figures_with_their_links(login, office):
    factories.make_recommendation(office["case"], drafted_by=office["owner"])
    with at_office(TODAY):
        page = login(office["supervisor"]).get("/dashboard").get_data(as_text=True)
    assert stat_numbers(page)["drafts awaiting approval"] == [1]
    assert stat_numbers(page)["ready to close"] == [0]
    assert {"status": ["draft"], "approve": ["1"]} in links(page)


@pytest.mark.parametrize(("language", "shown"), [("en", "25%"), ("ru", "25\xa0%")])
def test_implementation_rate_is_a_percentage_as_the_language_writes_it(
    login, office, language, shown
):
    recent = TODAY - timedelta(days=30)
    issued(office, issued_on=recent, implementation=Implementation.IMPLEMENTED)
    for _ in range(3):
        issued(office, issued_on=recent)
    with at_office(TODAY):
        client = login(office["supervisor"])
        client.post("/language", data={"language": language})
        page = client.get("/dashboard").get_data(as_text=True)
    assert f"</meter> {shown}</td>" in page
