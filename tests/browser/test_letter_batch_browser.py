"""Reminders to one authority in a real browser: from the dashboard's "overdue by authority"
table a supervisor opens the batch page, and letter-batch.js signs the reminders one at a time
under the strict CSP, counts them up to the end and offers the combined PDF."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.database import office_today
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import Language
from casework.reference.regions import Region
from tests import factories

AUTHORITY = "Department of the Criminal Executive System of Astana"


@pytest.fixture(scope="module")
def office(live_app):
    today = office_today()
    with live_app.app_context():
        supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA,
                                         full_name="Erlan Supervisor")
        authority = factories.make_authority(name=AUTHORITY, letter_language=Language.EN)
        case = factories.make_case(status=CaseStatus.FOLLOW_UP)
        for days_late in (5, 25, 60):
            factories.make_recommendation(
                case, record_status=RecordStatus.ISSUED, authority=authority,
                issued_on=today - timedelta(days=days_late + 30),
                reply_due=today - timedelta(days=days_late),
                text=f"Repair the ventilation in block {days_late}.",
            )
        db.session.commit()
        return {"email": supervisor.email}


def test_the_script_signs_each_reminder_counts_to_the_end_and_offers_one_pdf(
    browser, live_server, office, screenshots
):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    # A CSP violation shows as a console error.
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(office["email"])
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/dashboard")
        row = page.get_by_role("table", name="Overdue by authority").get_by_role(
            "row", name=re.compile(AUTHORITY))
        row.get_by_role("link", name="Reminders to this authority").click()
        page.wait_for_url(re.compile(r"/letters/batch\?authority_id=\d+$"))
        batch_url = page.url
        if screenshots:
            page.screenshot(path=screenshots / "letter-batch-before.png", full_page=True)

        page.get_by_role("button", name="Create and sign 3 reminders").click()
        status = page.get_by_role("status")
        page.wait_for_function(
            "() => document.querySelector('.batch-status').textContent.includes('3 of 3 signed')")

        assert page.url == batch_url  # the script did the work, the form was not sent
        assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [3, 3]
        assert status.inner_text().startswith("3 of 3 signed. Finished.")
        assert page.locator(".batch-results li").count() == 3
        download = page.get_by_role("link", name="Download the signed reminders as one PDF (3)")
        assert download.is_visible()
        if screenshots:
            page.screenshot(path=screenshots / "letter-batch-after.png", full_page=True)
        pdf = page.request.get(download.evaluate("link => link.href"))
        assert pdf.headers["content-type"] == "application/pdf"
        assert len(PdfReader(io.BytesIO(pdf.body())).pages) >= 3

        # Reloaded, the page says they were reminded and ticks none of them again.
        page.goto(batch_url)
        assert page.get_by_role("button", name="Create and sign 0 reminders").is_visible()
        assert page.get_by_text("skipped.").count() == 3
    finally:
        context.close()
    assert not problems, problems
