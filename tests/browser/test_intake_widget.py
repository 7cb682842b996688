"""The intake form's widgets in a real browser: the person search as a keyboard combobox,
adding and removing victim rows, and where the focus lands after a failed submit."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.cases.models import Case, PartyRole
from casework.extensions import db
from tests import factories


@pytest.fixture(scope="module")
def office(live_app):
    """A caseworker with an open case about two people they may therefore identify."""
    with live_app.app_context():
        caseworker = factories.make_user(Role.CASEWORKER, full_name="Dana Caseworker")
        facility = factories.make_facility(name="Colony No. 3")
        factories.make_category("torture")
        case = factories.make_case(assignees=(caseworker,), facility=facility,
                                   summary="Beaten in the yard")
        people = [factories.make_person(full_name=name, iin=factories.valid_iin(prefix))
                  for name, prefix in [("Zhanna Abenova", "85010140012"),
                                       ("Zhanna Bekova", "86020240012")]]
        for person in people:
            factories.add_party(case, person)
        db.session.commit()
        return {"email": caseworker.email, "people": [p.id for p in people],
                "case": case.reference}


@pytest.fixture
def page(browser, live_server, office, screenshots, request):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
    tab.goto(f"{live_server}/login")
    tab.get_by_label("E-mail").fill(office["email"])
    tab.get_by_label("Password").fill(factories.PASSWORD)
    tab.locator("main").get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"{live_server}/")
    tab.goto(f"{live_server}/cases/new")
    yield tab
    if screenshots:
        tab.screenshot(path=screenshots / f"{request.node.name}.png", full_page=True)
    context.close()


def focused(page, attribute: str = "id") -> str | None:
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


def victim_search(page):
    """The first victim's person search (the complainant's comes first)."""
    return page.get_by_role("combobox", name="Find a registered person").nth(1)


def row(page, n: int):
    return page.locator(".victim-row").nth(n)


def test_person_search_is_driven_with_the_keyboard(page, office):
    search = victim_search(page)  # the first victim's
    options = "victims-0-person_id-options"
    search.fill("Zhanna")
    listbox = page.locator(f"#{options}")
    listbox.wait_for(state="visible")
    assert page.locator("#victims-0-person_id-search-hint").inner_text() == "2 people found"
    assert search.get_attribute("aria-expanded") == "true"
    assert listbox.get_by_role("option").all_inner_texts()[0].startswith("Zhanna Abenova")

    search.press("ArrowDown")
    search.press("ArrowDown")
    assert search.get_attribute("aria-activedescendant") == f"{options}-1"
    search.press("ArrowUp")
    assert search.get_attribute("aria-activedescendant") == f"{options}-0"
    assert listbox.locator("[aria-selected=true]").inner_text().startswith("Zhanna Abenova")
    search.press("Escape")
    assert listbox.is_hidden()
    assert search.get_attribute("aria-expanded") == "false"
    assert search.get_attribute("aria-activedescendant") is None

    search.press("ArrowDown")  # opens the list again on its first option
    search.press("Enter")  # picks it, and never submits the form
    assert page.url.endswith("/cases/new")
    first = row(page, 0)
    assert first.locator(".picked").inner_text().startswith("Registered person: Zhanna Abenova")
    assert first.locator("[name='victims-0-person_id']").input_value() == str(office["people"][0])
    assert search.is_hidden()
    assert first.locator(".new-person").is_hidden()
    assert focused(page, "class") == "link-button clear-person"

    page.keyboard.press("Enter")  # "Choose someone else"
    assert search.is_visible()
    assert focused(page) == "victims-0-person_id-search"
    assert first.locator("[name='victims-0-person_id']").input_value() == ""
    search.fill("Nobody of that name")
    status = page.locator("#victims-0-person_id-search-hint")
    status.filter(has_text="No registered person matches").wait_for()


def test_victim_rows_are_added_and_removed(page, live_app):
    add = page.get_by_role("button", name="Add another victim")
    assert page.locator(".victim-row").count() == 1  # blank rows are left to the button
    add.click()
    add.click()
    assert page.locator(".victim-heading").all_inner_texts() == ["Victim 1", "Victim 2", "Victim 3"]
    assert focused(page) == "victims-2-person_id-search"  # the new row's first field
    assert row(page, 0).get_by_role("button", name="Remove").count() == 0
    assert row(page, 0).locator(".remove-victim").is_hidden()

    row(page, 0).get_by_label("Full name").fill("First Victim")
    row(page, 2).get_by_label("Full name").fill("Third Victim")
    row(page, 1).get_by_role("button", name="Remove").click()
    assert page.locator(".victim-heading").all_inner_texts() == ["Victim 1", "Victim 2"]
    assert row(page, 1).get_by_label("Full name").input_value() == "Third Victim"
    assert focused(page) == "add-victim"

    page.get_by_label("Received via").select_option(label="Letter")
    page.get_by_label("Anonymous complaint").check()
    page.get_by_label("Region").select_option(label="Astana")
    page.get_by_label("Torture").check()
    page.get_by_label("Summary").fill("Two victims, one row removed")
    page.locator(".actions").get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))

    with live_app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.summary.startswith("Two victims")))
        names = [p.person.full_name for p in case.parties if p.role is PartyRole.VICTIM]
        assert names == ["First Victim", "Third Victim"]  # indices 0 and 2: the gap is fine


def test_focus_lands_on_the_error_summary_after_an_invalid_submit(page, office):
    search = victim_search(page)
    search.fill("Zhanna Ab")
    page.locator("#victims-0-person_id-options [role=option]").first.wait_for()
    search.press("ArrowDown")
    search.press("Enter")
    page.get_by_label("Summary").fill("Something happened")
    page.locator(".actions").get_by_role("button", name="Register").click()
    page.wait_for_load_state()

    # The pick survives the re-render: the person is named and the search stays closed.
    first = row(page, 0)
    assert first.locator("[name='victims-0-person_id']").input_value() == str(office["people"][0])
    assert first.locator(".picked").inner_text().startswith("Registered person: Zhanna Abenova")
    assert first.get_by_role("button", name="Choose someone else").is_visible()
    assert search.is_hidden()

    summary = page.get_by_role("alert").filter(has_text="Please correct:")
    assert focused(page, "class") == "flash flash-error error-summary"
    assert summary.get_by_role("link").all_inner_texts() == [
        "Received via", "Complainant: Full name", "Region", "Categories",
    ]
    summary.get_by_role("link", name="Categories").click()
    assert focused(page) == "category_ids-0"
    summary.get_by_role("link", name="Received via").click()
    assert focused(page) == "channel"


def test_enter_after_a_duplicate_warning_checks_again_rather_than_confirming(
    page, office, live_app
):
    search = victim_search(page)
    search.fill("Zhanna Bek")
    page.locator("#victims-0-person_id-options [role=option]").first.wait_for()
    search.press("ArrowDown")
    search.press("Enter")
    page.get_by_label("Received via").select_option(label="Hotline")
    page.get_by_label("Anonymous complaint").check()
    page.get_by_label("Region").select_option(label="Astana")
    page.get_by_label("Torture").check()
    page.get_by_label("Summary").fill("Reported again by a relative")
    page.locator(".actions").get_by_role("button", name="Register").click()
    page.wait_for_load_state()

    panel = page.locator("section.duplicates")
    assert focused(page, "class") == "duplicates flash flash-warning"
    link = panel.get_by_role("link", name=re.compile(office["case"]))
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener")
    assert "Beaten in the yard" in panel.inner_text()

    page.get_by_label("Summary").press("Enter")  # implicit submission: the plain "Register"
    page.wait_for_load_state()
    assert page.locator("section.duplicates").is_visible()
    assert registered(live_app, "Reported again by a relative") == 0
    panel.get_by_role("button", name="Register anyway").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert registered(live_app, "Reported again by a relative") == 1


def registered(live_app, summary: str) -> int:
    with live_app.app_context():
        statement = sa.select(sa.func.count()).select_from(Case).where(Case.summary == summary)
        return db.session.scalar(statement)
