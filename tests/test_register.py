"""The register of recommendations over HTTP: filters, overdue and ageing on a frozen clock,
sorting, paging, who sees which rows, and tampered parameters."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.recommendations import services
from casework.recommendations.lifecycle import Implementation, RecordStatus, Response
from casework.reference.regions import Region
from tests.factories import (
    PASSWORD,
    make_authority,
    make_case,
    make_facility,
    make_recommendation,
    make_user,
)

TODAY = date(2026, 12, 1)


def html(response) -> str:
    return response.get_data(as_text=True)


def numbers(response) -> list[str]:
    """The register's rows, by their number (or draft label), in the order shown."""
    assert response.status_code == 200, html(response)[:500]
    return re.findall(r'class="rec-number" href="[^"]+">([^<]+)</a>', html(response))


def issued(number: str, record_status: RecordStatus = RecordStatus.ISSUED, **kw):
    return make_recommendation(record_status=record_status, number=number, **kw)


# -- filters ----------------------------------------------------------------------------------


@pytest.fixture
def listed():
    """Three issued recommendations of Astana and a draft, each different in every filter."""
    ministry = make_authority(name="Ministry of Health")
    committee = make_authority(name="Penal Committee")
    colony = make_facility(name="Colony 12")
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA, full_name="Aigul Worker")
    a = issued("R-2026-00001", authority=ministry, facility=colony, owner=worker,
               issued_on=date(2026, 9, 1), text="Install cameras in cell 4",
               reply_due=date(2026, 9, 22), implementation_due=date(2027, 3, 1))
    b = issued("R-2026-00002", authority=committee, issued_on=date(2026, 10, 1),
               response=Response.ACCEPTED, implementation=Implementation.IN_PROGRESS,
               text="Repair the heating (100% of rooms)",
               reply_due=date(2026, 10, 22), implementation_due=date(2027, 1, 1))
    c = issued("R-2026-00003", authority=committee, issued_on=date(2026, 11, 1),
               response=Response.REJECTED, repeat_of=a,
               reply_due=date(2026, 11, 23), implementation_due=date(2026, 12, 1))
    draft = make_recommendation(authority=ministry, text="Draft about cameras")
    db.session.commit()
    return {"a": a, "b": b, "c": c, "draft": draft, "ministry": ministry, "colony": colony,
            "worker": worker}


def test_register_lists_what_the_reader_may_see_newest_issued_first(login, supervisor, listed):
    response = login(supervisor).get("/recommendations")
    assert numbers(response) == ["R-2026-00003", "R-2026-00002", "R-2026-00001",
                                 listed["draft"].label]
    page = html(response)
    assert "4 recommendations" in page
    assert "Ministry of Health" in page
    assert "Colony 12" in page
    assert "Aigul Worker" in page
    assert listed["a"].case.reference in page
    assert "Repeat" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("status=issued", ["R-2026-00003", "R-2026-00002", "R-2026-00001"]),
    ("status=draft", ["draft"]),
    ("response=accepted", ["R-2026-00002"]),
    ("implementation=in_progress", ["R-2026-00002"]),
    ("region=astana&status=issued", ["R-2026-00003", "R-2026-00002", "R-2026-00001"]),
    ("issued_from=2026-10-01", ["R-2026-00003", "R-2026-00002"]),
    ("issued_to=2026-10-01", ["R-2026-00002", "R-2026-00001"]),
    ("issued_from=2026-09-15&issued_to=2026-10-15", ["R-2026-00002"]),
    ("q=CAMERAS", ["R-2026-00001", "draft"]),  # the text, whatever the case
    ("q=00002", ["R-2026-00002"]),  # the number
    ("q=100%25", ["R-2026-00002"]),  # a LIKE wildcard is matched literally...
    ("q=%25+of+cells", []),  # ...never as "anything"
    ("repeat=1", ["R-2026-00003"]),
])
def test_register_filters(login, supervisor, listed, query, expected):
    shown = numbers(login(supervisor).get(f"/recommendations?{query}"))
    assert shown == [listed["draft"].label if n == "draft" else n for n in expected]


def test_register_filters_by_addressee_facility_and_who_follows_up(login, supervisor, listed):
    client = login(supervisor)
    expected_for_ministry = ["R-2026-00001", listed["draft"].label]
    assert numbers(client.get(f"/recommendations?authority={listed['ministry'].id}")) == (
        expected_for_ministry
    )
    assert numbers(client.get(f"/recommendations?facility={listed['colony'].id}")) == [
        "R-2026-00001"
    ]
    assert numbers(client.get(f"/recommendations?owner={listed['worker'].id}")) == [
        "R-2026-00001"
    ]


# -- overdue, due soon and ageing on a frozen clock ------------------------------------------


@pytest.fixture
def deadlines():
    """Items whose deadlines sit around TODAY (2026-12-01), named by what is late."""

    def item(name: str, reply_in: int, implementation_in: int, **kw):
        return issued(name, reply_due=TODAY + timedelta(days=reply_in),
                      implementation_due=TODAY + timedelta(days=implementation_in), **kw)

    items = {
        "reply-5": item("R-1", -5, 60),
        "impl-45": item("R-2", -60, -45, response=Response.ACCEPTED),
        "both-100": item("R-3", -100, -10),
        "reply-soon": item("R-4", 3, 60),
        # Due today is not overdue yet; a final implementation stops that deadline.
        "reply-today": item("R-5", 0, -20, implementation=Implementation.IMPLEMENTED),
        "impl-31": item("R-6", -40, -31, response=Response.REJECTED),
        "impl-30": item("R-7", -40, -30, response=Response.PARTIALLY_ACCEPTED),
        "closed": item("R-8", -90, -90, record_status=RecordStatus.CLOSED),
        "reply-3-impl-soon": item("R-9", -3, 7),
    }
    db.session.commit()
    return items


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("query", "expected"), [
    ("overdue=any", ["R-1", "R-2", "R-3", "R-6", "R-7", "R-9"]),
    ("overdue=reply", ["R-1", "R-3", "R-9"]),
    ("overdue=implementation", ["R-2", "R-3", "R-6", "R-7"]),
    ("overdue=any&deadline=reply", ["R-1", "R-3", "R-9"]),
    ("overdue=any&deadline=implementation", ["R-2", "R-3", "R-6", "R-7"]),
    # Across both deadlines the longer overdue period counts, as the row shows: R-3 is 100
    # days late with its reply, so it is not in 1-30 for its implementation's 10 days.
    ("ageing=1-30", ["R-1", "R-7", "R-9"]),
    ("ageing=1-30&deadline=reply", ["R-1", "R-9"]),
    ("ageing=1-30&deadline=implementation", ["R-3", "R-7"]),  # 30 days is still 1-30
    ("ageing=31-90", ["R-2", "R-6"]),  # 31 days is the next bucket
    ("ageing=90%2B", ["R-3"]),
    ("ageing=90%2B&deadline=implementation", []),
    # R-5's reply is due today, but its implementation is verified as final: no longer awaited.
    ("due=soon", ["R-4", "R-9"]),
    ("due=soon&deadline=reply", ["R-4"]),
    ("due=soon&deadline=implementation", ["R-9"]),
    ("overdue=reply&ageing=90%2B", ["R-3"]),
])
def test_overdue_due_soon_and_ageing(login, supervisor, deadlines, query, expected):
    shown = numbers(login(supervisor).get(f"/recommendations?{query}&sort=number"))
    assert shown == expected


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("query", "expected"), [
    # What the dashboard counts as running: R-5 is implemented, R-8 closed.
    ("deadline=implementation", ["R-1", "R-2", "R-3", "R-4", "R-6", "R-7", "R-9"]),
    ("deadline=reply", ["R-1", "R-3", "R-4", "R-9"]),  # no reply yet, outcome not final
    ("status=issued&response=awaiting", ["R-1", "R-3", "R-4", "R-5", "R-9"]),
])
def test_a_deadline_alone_lists_the_items_where_it_still_runs(
    login, supervisor, deadlines, query, expected
):
    shown = numbers(login(supervisor).get(f"/recommendations?{query}&sort=number"))
    assert shown == expected


@time_machine.travel(TODAY)
def test_days_overdue_sorts_the_latest_items_first_and_shows_their_ageing(
    login, supervisor, deadlines
):
    client = login(supervisor)
    response = client.get("/recommendations?sort=-days_overdue")
    # 100, 45, 31, 30, 5, 3 days; then the items not overdue, newest id first.
    assert numbers(response) == ["R-3", "R-2", "R-6", "R-7", "R-1", "R-9",
                                 "R-8", "R-5", "R-4"]
    assert "100 days" in html(response)
    assert "Over 90 days overdue" in html(response)
    assert numbers(client.get("/recommendations?sort=days_overdue"))[:6] == [
        "R-9", "R-1", "R-7", "R-6", "R-2", "R-3"
    ]


# -- sorting and paging -----------------------------------------------------------------------


@pytest.mark.parametrize(("sort", "expected"), [
    ("number", ["R-2026-00001", "R-2026-00002", "R-2026-00003", "draft"]),
    ("-number", ["R-2026-00003", "R-2026-00002", "R-2026-00001", "draft"]),  # drafts last
    ("issued_on", ["R-2026-00001", "R-2026-00002", "R-2026-00003", "draft"]),
    ("reply_due", ["R-2026-00001", "R-2026-00002", "R-2026-00003", "draft"]),
    ("-implementation_due", ["R-2026-00001", "R-2026-00002", "R-2026-00003", "draft"]),
    ("implementation_due", ["R-2026-00003", "R-2026-00002", "R-2026-00001", "draft"]),
    # By addressee's name, then by id: the ministry's two, then the committee's two.
    ("authority", ["R-2026-00001", "draft", "R-2026-00002", "R-2026-00003"]),
    ("-authority", ["R-2026-00003", "R-2026-00002", "R-2026-00001", "draft"]),  # drafts last
    ("bogus", ["R-2026-00003", "R-2026-00002", "R-2026-00001", "draft"]),  # the default
])
def test_register_sorting(login, supervisor, listed, sort, expected):
    shown = numbers(login(supervisor).get(f"/recommendations?sort={sort}"))
    assert shown == [listed["draft"].label if n == "draft" else n for n in expected]


def test_sort_links_keep_the_filters_and_go_back_to_the_first_page(login, supervisor, listed):
    response = login(supervisor).get("/recommendations?status=issued&page=2&sort=number")
    page = html(response)
    assert 'href="/recommendations?status=issued&amp;sort=-number"' in page
    assert 'href="/recommendations?status=issued&amp;sort=issued_on"' in page


def test_register_pages_with_a_plain_count(app, login, supervisor, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(1, 6):
        issued(f"R-{n}", issued_on=date(2026, 10, n))
    db.session.commit()
    client = login(supervisor)
    first = client.get("/recommendations")
    assert numbers(first) == ["R-5", "R-4"]
    assert "5 recommendations" in html(first)
    assert "Page 1 of 3" in html(first)
    assert numbers(client.get("/recommendations?page=2")) == ["R-3", "R-2"]
    assert numbers(client.get("/recommendations?page=3")) == ["R-1"]
    assert numbers(client.get("/recommendations?page=99")) == ["R-1"]  # the last page
    assert numbers(client.get("/recommendations?page=nonsense")) == ["R-5", "R-4"]


def test_register_page_takes_the_same_number_of_queries_for_any_number_of_rows(
    app, login, supervisor, monkeypatch
):
    """Everything a row shows is loaded with the page: no query per row (no N+1)."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", 25)
    client = login(supervisor)

    def queries_for_page() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/recommendations").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    issued("R-1", repeat_of=None)
    db.session.commit()
    one_row = queries_for_page()
    for n in range(2, 13):
        issued(f"R-{n}", facility=make_facility())
    db.session.commit()
    assert queries_for_page() == one_row


# -- who sees which rows ----------------------------------------------------------------------


@pytest.fixture
def spread():
    """Recommendations in two regions, on open and closed cases, assigned or not."""
    lawyer = make_user(Role.LAWYER)
    monitor = make_user(Role.MONITOR)
    astana_worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    assigned = make_case(assignees=(lawyer,), status=CaseStatus.RECOMMENDATION)
    closed = make_case(status=CaseStatus.CLOSED)
    by_monitor = make_case(created_by=monitor, region=Region.PAVLODAR,
                           status=CaseStatus.RECOMMENDATION)
    rows = {
        "assigned": issued("R-ASSIGNED", case=assigned),
        "astana-open": issued("R-OPEN"),
        "astana-closed": issued("R-CLOSED", case=closed),
        "pavlodar": issued("R-PAVLODAR", case=by_monitor),
        "owned": issued("R-OWNED", case=closed, owner=astana_worker),
    }
    db.session.commit()
    return {"lawyer": lawyer, "monitor": monitor, "worker": astana_worker, **rows}


def _shown_to(login, user) -> set[str]:
    return set(numbers(login(user).get("/recommendations")))


def test_lawyer_sees_only_recommendations_of_cases_assigned_to_them(login, spread):
    assert _shown_to(login, spread["lawyer"]) == {"R-ASSIGNED"}


def test_region_supervisor_sees_only_their_region(login, supervisor, spread):
    assert _shown_to(login, supervisor) == {
        "R-ASSIGNED", "R-OPEN", "R-CLOSED", "R-OWNED"
    }


def test_country_supervisor_sees_every_region(login, spread):
    everyone = make_user(Role.SUPERVISOR)
    db.session.commit()
    assert _shown_to(login, everyone) == {
        "R-ASSIGNED", "R-OPEN", "R-CLOSED", "R-PAVLODAR", "R-OWNED"
    }


def test_caseworker_sees_their_units_open_cases_and_what_they_follow_up(login, spread):
    assert _shown_to(login, spread["worker"]) == {"R-ASSIGNED", "R-OPEN", "R-OWNED"}


def test_monitor_sees_the_recommendations_of_cases_they_registered(login, spread):
    assert _shown_to(login, spread["monitor"]) == {"R-PAVLODAR"}


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_roles_without_recommendations_cannot_open_the_register(login, role):
    user = make_user(role)
    db.session.commit()
    client = login(user)
    for url in ("/recommendations", "/recommendations/export.csv",
                "/recommendations/export.xlsx"):
        assert client.get(url).status_code == 403


def test_act_links_follow_what_the_reader_may_do(app, supervisor, spread):
    item = spread["owned"]
    page = html(signed_in(app, supervisor).get("/recommendations?q=R-OWNED"))
    for anchor in ("reply", "deadline", "follow-up", "reassign"):
        assert f'/recommendations/{item.id}#{anchor}"' in page

    page = html(signed_in(app, spread["worker"]).get("/recommendations?q=R-OWNED"))
    assert f'/recommendations/{item.id}#reply"' in page
    assert f'/recommendations/{item.id}#follow-up"' in page
    assert "#deadline" not in page
    assert "#reassign" not in page

    page = html(signed_in(app, spread["lawyer"]).get("/recommendations"))
    assert "#reply" not in page
    assert "#deadline" not in page


def signed_in(app, user):
    """A client of its own for each user: signing in again on one client keeps the first."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_closed_recommendation_offers_no_act_link(login, supervisor, spread):
    spread["astana-open"].record_status = RecordStatus.CLOSED
    spread["astana-open"].closed_on = date(2026, 11, 30)
    db.session.commit()
    page = html(login(supervisor).get("/recommendations?q=R-OPEN"))
    assert numbers_in(page) == ["R-OPEN"]
    assert "#reply" not in page
    assert "#reassign" not in page


def numbers_in(page: str) -> list[str]:
    return re.findall(r'class="rec-number" href="[^"]+">([^<]+)</a>', page)


# -- tampered or wrong parameters -------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [
    ("status=bogus", "status"),
    ("response=maybe", "response"),
    ("implementation=done", "implementation"),
    ("authority=999999", "authority"),
    ("facility=abc", "facility"),
    ("region=atlantis", "region"),
    ("owner=-1", "owner"),
    ("issued_from=2026-13-45", "issued_from"),
    ("issued_to=yesterday", "issued_to"),
    ("overdue=soon", "overdue"),
    ("ageing=2-3", "ageing"),
    ("due=late", "due"),
    ("deadline=both", "deadline"),
    ("repeat=yes", "repeat"),
    ("q=" + "x" * 101, "q"),
])
def test_a_wrong_parameter_is_ignored_with_a_message_by_its_field(
    login, supervisor, listed, query, field
):
    response = login(supervisor).get(f"/recommendations?{query}")
    assert response.status_code == 200
    assert len(numbers(response)) == 4  # the filter is ignored, the others still apply
    assert f'id="{field}-error"' in html(response)


def test_a_period_that_ends_before_it_starts_keeps_only_its_start(login, supervisor, listed):
    response = login(supervisor).get("/recommendations?issued_from=2026-11-01&issued_to=2026-10-01")
    assert numbers(response) == ["R-2026-00003"]
    assert "The end of the period is before its start." in html(response)


def test_export_links_carry_exactly_the_current_filters(login, supervisor, listed):
    response = login(supervisor).get(
        f"/recommendations?status=issued&owner={listed['worker'].id}&region=bogus"
        "&overdue=any&deadline=reply&sort=-reply_due&page=2&q="
    )
    links = re.findall(r'href="(/recommendations/export\.(?:csv|xlsx)[^"]*)"', html(response))
    assert len(links) == 2
    for link in links:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query == {
            "status": ["issued"], "owner": [str(listed["worker"].id)], "overdue": ["any"],
            "deadline": ["reply"], "sort": ["-reply_due"],
        }


def test_the_caseworker_filter_names_only_owners_of_items_the_user_may_read(login):
    lawyer = make_user(Role.LAWYER)
    faraway = make_user(Role.CASEWORKER, region=Region.KARAGANDA, full_name="Faraway Worker")
    make_recommendation(make_case(region=Region.KARAGANDA), drafted_by=faraway)
    near = make_user(Role.CASEWORKER, region=Region.ASTANA, full_name="Nearby Worker")
    make_recommendation(make_case(assignees=(lawyer,)), drafted_by=near)
    db.session.commit()
    page = html(login(lawyer).get("/recommendations"))
    assert "Nearby Worker" in page
    assert "Faraway Worker" not in page


# -- UX review: ties, new filters, choices, act links, headings -------------------------------


def test_rows_of_the_same_day_follow_their_numbers(login, supervisor):
    """Numbers are given in issue order; ids need not be (an older draft issued later)."""
    day = date(2026, 10, 2)
    for number in ("R-2026-00019", "R-2026-00035", "R-2026-00022", "R-2026-00029"):
        issued(number, issued_on=day)
    db.session.commit()
    client = login(supervisor)
    assert numbers(client.get("/recommendations")) == [
        "R-2026-00035", "R-2026-00029", "R-2026-00022", "R-2026-00019"]
    assert numbers(client.get("/recommendations?sort=issued_on")) == [
        "R-2026-00019", "R-2026-00022", "R-2026-00029", "R-2026-00035"]


def test_ready_lists_issued_items_whose_implementation_is_verified_final(login, supervisor):
    issued("R-DONE", implementation=Implementation.IMPLEMENTED)
    issued("R-LAPSED", implementation=Implementation.SUPERSEDED)
    issued("R-PARTLY", implementation=Implementation.PARTIALLY_IMPLEMENTED)
    issued("R-GOING", implementation=Implementation.IN_PROGRESS)
    issued("R-CLOSED", RecordStatus.CLOSED, implementation=Implementation.IMPLEMENTED)
    db.session.commit()
    response = login(supervisor).get("/recommendations?status=issued&ready=1&sort=number")
    assert numbers(response) == ["R-DONE", "R-LAPSED", "R-PARTLY"]
    assert re.search(r'<input checked id="ready" name="ready" type="checkbox" value="1">',
                     html(response))


def test_approve_lists_the_drafts_the_reader_did_not_write(app, login, supervisor, caseworker):
    theirs = make_recommendation(drafted_by=caseworker, text="By the caseworker")
    mine = make_recommendation(drafted_by=supervisor, text="By the supervisor")
    edited = make_recommendation(drafted_by=caseworker, text="Edited by the supervisor")
    elsewhere = make_recommendation(make_case(region=Region.PAVLODAR), text="In Pavlodar")
    issued("R-ISSUED")
    with app.test_request_context():
        services.edit_draft(edited, actor=supervisor, expected_version=edited.version,
                            text="Reworded by the supervisor")
    db.session.commit()

    shown = numbers(login(supervisor).get("/recommendations?status=draft&approve=1"))

    assert shown == [theirs.label]  # four-eyes: not what they drafted or edited
    assert mine.label not in shown
    assert elsewhere.label not in shown
    # A caseworker approves nothing, whatever they ask for.
    assert numbers(signed_in(app, caseworker).get("/recommendations?approve=1")) == []


def test_region_supervisor_is_offered_their_region_and_its_facilities_only(
    login, supervisor, listed
):
    make_facility(region=Region.PAVLODAR, name="Pavlodar Colony")
    db.session.commit()
    page = html(login(supervisor).get("/recommendations"))
    assert re.findall(r'<option[^>]*value="([^"]*)"', select_of(page, "region")) == [
        "", "astana"]
    assert "Colony 12" in page
    assert "Pavlodar Colony" not in page
    # A wrong region is refused by its field rather than widening the list.
    response = login(supervisor).get("/recommendations?region=pavlodar")
    assert 'id="region-error"' in html(response)


def select_of(page: str, name: str) -> str:
    """The HTML of the <select> with this id."""
    start = page.index(f'id="{name}"')
    return page[start:page.index("</select>", start)]


def test_country_supervisor_is_offered_every_region(login, listed):
    everyone = make_user(Role.SUPERVISOR)
    make_facility(region=Region.PAVLODAR, name="Pavlodar Colony")
    db.session.commit()
    client = login(everyone)
    page = html(client.get("/recommendations"))
    assert 'value="pavlodar"' in page
    assert "Pavlodar Colony" in page
    assert numbers(client.get("/recommendations?region=pavlodar")) == []


def test_addressees_are_grouped_by_type_and_sorted_by_name(login, supervisor):
    from casework.reference.models import AuthorityType

    make_authority(name="Zhetysu Police", type=AuthorityType.POLICE)
    make_authority(name="Ministry of Justice", type=AuthorityType.MINISTRY)
    make_authority(name="Astana Police", type=AuthorityType.POLICE)
    make_authority(name="Ministry of Health", type=AuthorityType.MINISTRY)
    db.session.commit()
    page = html(login(supervisor).get("/recommendations"))
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>',
                        select_of(page, "authority"), re.S)
    assert [(label, re.findall(r">([^<]+)</option>", options)) for label, options in groups] == [
        ("Ministry", ["Ministry of Health", "Ministry of Justice"]),
        ("Police", ["Astana Police", "Zhetysu Police"]),
    ]


def test_act_links_are_shown_directly_with_verify_issue_and_close(app, supervisor, caseworker):
    live = issued("R-LIVE", drafted_by=caseworker)
    done = issued("R-DONE", drafted_by=caseworker, implementation=Implementation.IMPLEMENTED)
    theirs = make_recommendation(drafted_by=caseworker)
    mine = make_recommendation(drafted_by=supervisor)
    reworded = make_recommendation(drafted_by=caseworker)
    services.edit_draft(reworded, actor=supervisor, expected_version=reworded.version,
                        text="Reworded by the supervisor.")
    db.session.commit()
    page = html(signed_in(app, supervisor).get("/recommendations"))
    assert '<details class="rec-act"' not in page
    assert f'/recommendations/{live.id}#verify"' in page
    assert f'/recommendations/{live.id}#close"' not in page  # nothing verified as final yet
    assert f'/recommendations/{done.id}#close"' in page
    assert f'/recommendations/{done.id}#verify"' not in page  # nothing follows "implemented"
    assert f'/recommendations/{theirs.id}#issue"' in page
    assert f'/recommendations/{mine.id}#issue"' not in page  # four-eyes
    assert f'/recommendations/{reworded.id}#issue"' not in page  # edited: an author too
    # Each link names its item for a screen reader: "Reply: Record a reply, R-LIVE".
    assert re.search(rf'href="/recommendations/{live.id}#reply" title="Record a reply">Reply'
                     r'<span class="visually-hidden">: Record a reply, R-LIVE</span>', page)

    page = html(signed_in(app, caseworker).get("/recommendations"))
    assert f'/recommendations/{live.id}#verify"' in page
    assert "#issue" not in page
    assert "#close" not in page


def test_sorted_column_says_so_on_its_heading(login, supervisor, listed):
    page = html(login(supervisor).get("/recommendations?sort=-reply_due"))
    assert '<caption class="visually-hidden">Register of recommendations</caption>' in page
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="[^"]*sort=reply_due"',
                     page)
    assert page.count("aria-sort=") == 1  # on the <th> only, not on its link too


def test_days_overdue_sorts_the_latest_first_on_the_first_click(login, supervisor, listed):
    client = login(supervisor)
    assert 'href="/recommendations?sort=-days_overdue"' in html(client.get("/recommendations"))
    assert 'href="/recommendations?sort=number"' in html(client.get("/recommendations"))
    latest_first = html(client.get("/recommendations?sort=-days_overdue"))
    assert 'href="/recommendations?sort=days_overdue"' in latest_first


def test_filters_are_folded_unless_one_is_set(login, supervisor, listed):
    client = login(supervisor)
    assert '<details class="register-filters" data-open-when-wide >' in html(
        client.get("/recommendations?sort=number"))
    page = html(client.get("/recommendations?status=issued&repeat=1"))
    assert '<details class="register-filters" data-open-when-wide open>' in page
    assert "2 set" in page
