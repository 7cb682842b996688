"""The register in a real browser: a supervisor filters it, opens an item, and downloads the
filtered rows as XLSX, which a spreadsheet library reads back."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest

from casework.accounts.roles import Role
from casework.database import office_today
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.regions import Region
from tests import factories


@pytest.fixture(scope="module")
def register_data(live_app):
    """A supervisor of Astana; three overdue items to the police among others."""
    today = office_today()
    with live_app.app_context():
        supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA,
                                         full_name="Erlan Supervisor")
        police = factories.make_authority(name="Astana Police Department")
        ministry = factories.make_authority(name="Ministry of Health")
        for n in range(1, 8):
            late = n <= 3
            factories.make_recommendation(
                record_status=RecordStatus.ISSUED, number=f"R-2026-{n:05d}",
                authority=police if n % 2 or late else ministry,
                text=f"Recommendation {n}: install cameras", issued_on=today - timedelta(60),
                reply_due=today - timedelta(days=10 * n) if late else today + timedelta(10),
                implementation_due=today + timedelta(days=90),
            )
        db.session.commit()
        return {"email": supervisor.email}


def test_supervisor_filters_opens_an_item_and_downloads_the_xlsx(
    browser, live_server, register_data, screenshots, tmp_path
):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(register_data["email"])
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

        page.goto(f"{live_server}/recommendations")
        assert page.get_by_text("7 recommendations").is_visible()
        form = page.locator("form.filters")
        form.get_by_label("Addressee", exact=True).select_option(label="Astana Police Department")
        form.get_by_label("Overdue", exact=True).select_option(label="Reply or implementation")
        form.get_by_role("button", name="Filter").click()
        page.wait_for_load_state()
        assert page.get_by_text("3 recommendations").is_visible()
        numbers = page.locator("a.rec-number").all_inner_texts()
        assert numbers == ["R-2026-00003", "R-2026-00002", "R-2026-00001"]
        if screenshots:
            page.screenshot(path=screenshots / "register-filtered.png", full_page=True)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Export XLSX").click()
        download = download_info.value
        assert download.suggested_filename == f"recommendations-{office_today()}.xlsx"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        sheet = openpyxl.load_workbook(path).active
        header = [cell.value for cell in sheet[1]]
        rows = [dict(zip(header, row, strict=True))
                for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert [row["Number"] for row in rows] == numbers
        assert {row["Addressee"] for row in rows} == {"Astana Police Department"}
        assert all(isinstance(row["Reply due"], datetime) for row in rows)
        assert [row["Days overdue"] for row in rows] == [30, 20, 10]

        page.get_by_role("link", name="R-2026-00002", exact=True).click()
        page.wait_for_load_state()
        assert "R-2026-00002" in page.locator("h1").inner_text()
        assert "Recommendation 2: install cameras" in page.content()
    finally:
        context.close()


def _signed_in_page(browser, live_server, email, width):
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def test_the_register_fits_a_laptop_and_its_actions_open_the_form(
    browser, live_server, register_data, screenshots
):
    """At 1280px every column, the actions too, is in sight; an action link opens the item
    page with that form unfolded (app.js opens the <details> the fragment points into)."""
    context, page = _signed_in_page(browser, live_server, register_data["email"], 1280)
    try:
        page.goto(f"{live_server}/recommendations?sort=-days_overdue")
        assert page.locator("details.register-filters").evaluate("d => d.open")
        overflow = page.locator("table.register").evaluate(
            "t => t.scrollWidth - t.parentElement.clientWidth")
        assert overflow <= 0
        first = page.locator("table.register tbody tr").first
        assert first.locator("a.rec-number").inner_text() == "R-2026-00003"  # 30 days late
        if screenshots:
            page.screenshot(path=screenshots / "register-1280.png", full_page=True)
        first.get_by_role("link", name="Reply").click()
        page.wait_for_load_state()
        assert page.url.endswith("#reply")
        assert page.locator("#reply").is_visible()
        assert page.get_by_label("Incoming register number").is_visible()
    finally:
        context.close()


def test_on_a_phone_the_filters_are_folded_until_wanted(browser, live_server, register_data):
    context, page = _signed_in_page(browser, live_server, register_data["email"], 390)
    try:
        page.goto(f"{live_server}/recommendations")
        filters = page.locator("details.register-filters")
        assert not filters.evaluate("d => d.open")
        assert not page.get_by_role("button", name="Filter").is_visible()
        page.get_by_text("Filters", exact=True).click()
        assert page.get_by_role("button", name="Filter").is_visible()
        # With a filter set, the page opens showing it.
        page.goto(f"{live_server}/recommendations?overdue=any")
        assert filters.evaluate("d => d.open")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
