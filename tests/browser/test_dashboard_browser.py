"""The dashboard in a real browser: a supervisor signs in and lands on it, the chart loads
under the strict CSP, and a row of the overdue tables opens the filtered register."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.database import office_today
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from tests import factories


@pytest.fixture(scope="module")
def office(live_app):
    with live_app.app_context():
        supervisor = factories.make_user(Role.SUPERVISOR, full_name="Erlan Supervisor")
        caseworker = factories.make_user(Role.CASEWORKER, full_name="Dana Caseworker")
        prosecutors = factories.make_authority(name="Prosecutor's Office of Astana")
        case = factories.make_case(status=CaseStatus.FOLLOW_UP, assignees=(caseworker,))
        today = office_today()
        for days_late in (3, 40, 120):
            factories.make_recommendation(
                case, record_status=RecordStatus.ISSUED, drafted_by=caseworker,
                authority=prosecutors, issued_on=today - timedelta(days=days_late + 20),
                reply_due=today - timedelta(days=days_late),
            )
        factories.make_recommendation(
            case, record_status=RecordStatus.ISSUED, drafted_by=caseworker,
            issued_on=today - timedelta(days=5),
            reply_due=today + timedelta(days=10),
        )
        db.session.commit()
        return {"email": supervisor.email, "authority_id": prosecutors.id}


@pytest.fixture
def page(browser, live_server, screenshots, request):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    # A CSP violation shows as a console error: the chart must need no exception.
    tab.on("console", lambda message: problems.append(message.text)
           if message.type == "error" else None)
    yield tab
    if screenshots:
        tab.screenshot(path=screenshots / f"{request.node.name}.png", full_page=True)
    context.close()
    assert not problems, problems


def sign_in(tab, base_url: str, email: str) -> None:
    tab.goto(f"{base_url}/login")
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(factories.PASSWORD)
    tab.locator("main").get_by_role("button", name="Sign in").click()


def test_supervisor_lands_on_the_dashboard_and_follows_a_row(page, live_server, office):
    sign_in(page, live_server, office["email"])
    page.wait_for_url(f"{live_server}/dashboard")
    assert page.get_by_role("heading", name="Recommendations dashboard").is_visible()

    chart = page.get_by_role("img", name=re.compile("Bar chart"))
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=chart.element_handle())
    assert chart.evaluate("img => img.naturalWidth") > 0

    overdue = page.get_by_role("table", name="Overdue by authority")
    row = overdue.get_by_role("row", name=re.compile("Prosecutor's Office of Astana"))
    assert row.get_by_role("cell").nth(1).inner_text() == "3"
    row.get_by_role("link", name="Prosecutor's Office of Astana").click()

    page.wait_for_url(re.compile(r"/recommendations\?"))
    assert f"authority={office['authority_id']}" in page.url
    assert "overdue=any" in page.url
    assert page.locator("table.register tbody tr").count() == 3


@pytest.mark.parametrize(("language", "button"), [("ru", "Русский"), ("kk", "Қазақша")])
def test_chart_renders_with_labels_in_the_readers_language(page, live_server, office, language,
                                                           button):
    sign_in(page, live_server, office["email"])
    page.wait_for_url(f"{live_server}/dashboard")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(f"{live_server}/dashboard")
    chart = page.locator(".dash-chart img")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=chart.element_handle())
    assert chart.evaluate("img => img.naturalWidth") > 0
    svg = page.request.get(f"{live_server}/dashboard/monthly.svg").text()
    this_month = format_date(office_today(), "LLL", locale=language)
    assert f">{this_month}<" in svg or f">{this_month} " in svg


def test_on_a_phone_nothing_overflows_and_the_chart_scrolls(browser, live_server, office,
                                                            screenshots):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 800})
    tab = context.new_page()
    try:
        sign_in(tab, live_server, office["email"])
        tab.wait_for_url(f"{live_server}/dashboard")
        tab.get_by_role("button", name="Русский").click()
        tab.wait_for_url(f"{live_server}/dashboard")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        chart = tab.locator("figure.dash-chart")
        # The chart keeps a readable width inside its own scroll box.
        assert chart.evaluate("f => f.scrollWidth > f.clientWidth")
        # Cards keep at least 7.5rem, room for "Просрочено" whole (none broke mid-word).
        narrowest = tab.locator(".dash-stats .stat").evaluate_all(
            "cards => Math.min(...cards.map(c => c.getBoundingClientRect().width))")
        assert narrowest >= 7.5 * 15
        if screenshots:
            tab.screenshot(path=screenshots / "dashboard-390-ru.png", full_page=True)
    finally:
        context.close()
