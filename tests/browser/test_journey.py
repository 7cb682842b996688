"""The main journey in a real browser: a caseworker registers a complaint, a supervisor assigns
it and takes it through every state to closure."""

from __future__ import annotations

import re

import pytest

from casework.accounts.roles import Role
from casework.database import office_today
from casework.extensions import db
from tests import factories

PASSWORD = factories.PASSWORD


@pytest.fixture(scope="module")
def office(live_app):
    with live_app.app_context():
        people = {
            "caseworker": factories.make_user(Role.CASEWORKER, full_name="Dana Caseworker"),
            "supervisor": factories.make_user(Role.SUPERVISOR, full_name="Erlan Supervisor"),
            "lawyer": factories.make_user(Role.LAWYER, full_name="Svetlana Lawyer"),
        }
        factories.make_facility(name="Pre-trial detention centre No. 1")
        factories.make_category("torture")
        factories.make_category("medical_care")
        factories.make_authority(name="Prosecutor's Office of Astana")
        db.session.commit()
        return {role: user.email for role, user in people.items()}


def choose(select, text: str) -> None:
    """Pick the option whose label contains `text`."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


class Journey:
    """A signed-in browser tab that keeps a screenshot of each step when asked."""

    def __init__(self, browser, base_url, screenshots, name):
        self.context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: pytest.fail(f"JavaScript error: {error}"))
        self.base_url, self.screenshots, self.name, self.step = base_url, screenshots, name, 0

    def shot(self, label: str) -> None:
        self.step += 1
        if self.screenshots:
            path = self.screenshots / f"{self.name}-{self.step:02d}-{label}.png"
            self.page.screenshot(path=path, full_page=True)

    def sign_in(self, email: str) -> None:
        self.page.goto(f"{self.base_url}/login")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.locator("main").get_by_role("button", name="Sign in").click()
        # Supervisors land on the recommendations dashboard, everyone else on My work.
        self.page.wait_for_url(re.compile(rf"^{re.escape(self.base_url)}/(dashboard)?$"))

    def act(self, label: str, **fields: str) -> None:
        """Take a lifecycle step from the case page's "Next steps" card."""
        form = self.page.locator("form.transition", has=self.page.locator("legend", has_text=label))
        for field_label, value in fields.items():
            control = form.get_by_label(field_label.replace("_", " "), exact=False)
            if control.evaluate("e => e.tagName") == "SELECT":
                choose(control, value)
            else:
                control.fill(value)
        form.get_by_role("button", name=label).click()
        self.page.wait_for_load_state()
        self.shot(re.sub(r"\W+", "-", label.lower()).strip("-"))

    def status(self) -> str:
        return self.page.locator("h1 .badge").first.inner_text()

    def close(self) -> None:
        self.context.close()


def test_complaint_from_intake_to_closure(browser, live_server, office, screenshots):
    caseworker = Journey(browser, live_server, screenshots, "1-caseworker")
    caseworker.sign_in(office["caseworker"])
    caseworker.shot("my-work")
    page = caseworker.page
    page.get_by_role("link", name="Register a complaint").first.click()
    page.get_by_label("Received via").select_option(label="Letter")
    page.get_by_label("Full name").first.fill("Aliya Bekova")
    page.get_by_label("IIN").first.fill(factories.valid_iin("90010140012"))
    page.get_by_label("The complainant is also the victim").check()
    choose(page.get_by_label("Facility", exact=True), "Pre-trial detention centre No. 1")
    page.get_by_label("Torture").check()
    page.get_by_label("Urgent: risk to life or health").check()
    page.get_by_label("Summary").fill("Beaten during a cell search, denied a doctor")
    page.get_by_label("Description").fill("Complaint received by post; bruises reported.")
    caseworker.shot("intake-filled")
    page.get_by_role("button", name="Register").last.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    caseworker.shot("registered")
    reference = page.locator("h1").inner_text().split()[0]
    assert reference == f"{office_today().year}-00001"
    assert caseworker.status() == "Registered"
    assert "Urgent" in page.locator("h1").inner_text()
    case_url = page.url
    caseworker.close()

    supervisor = Journey(browser, live_server, screenshots, "2-supervisor")
    supervisor.sign_in(office["supervisor"])
    page = supervisor.page
    page.goto(case_url)
    choose(page.get_by_label("Staff member"), "Svetlana Lawyer — Lawyer")
    page.get_by_role("button", name="Assign").click()
    assignees = page.locator("section:has(#assignees-heading) li").all_inner_texts()
    assignees = " ".join(assignees)
    assert "Svetlana Lawyer" in assignees
    assert "Dana Caseworker" in assignees  # who registered it works on it
    supervisor.shot("assigned")

    supervisor.act("Start triage")
    assert supervisor.status() == "Triage"
    supervisor.act("Open investigation")
    assert supervisor.status() == "Investigation"
    supervisor.act("Violation found: prepare recommendations",
                   Findings="Injuries documented by the facility doctor on 3 November.")
    assert supervisor.status() == "Recommendations"
    supervisor.close()

    # The caseworker drafts the recommendation; a supervisor who did not write it issues it.
    caseworker = Journey(browser, live_server, screenshots, "3-caseworker")
    caseworker.sign_in(office["caseworker"])
    page = caseworker.page
    page.goto(case_url)
    page.get_by_role("link", name="Draft a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill(
        "Have every detainee examined by a doctor on arrival and after any use of force.")
    choose(page.get_by_label("Addressee"), "Prosecutor's Office of Astana")
    page.get_by_label("Scope").select_option(value="individual")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/recommendations/\d+$"))
    caseworker.shot("drafted")
    recommendation_url = page.url
    caseworker.close()

    supervisor = Journey(browser, live_server, screenshots, "4-supervisor")
    supervisor.sign_in(office["supervisor"])
    page = supervisor.page
    page.goto(recommendation_url)
    choose(page.get_by_label("Period for implementation"), "3 months")
    page.get_by_role("button", name="Approve and issue").click()
    assert supervisor.status() == "Issued"
    supervisor.shot("issued")

    page.goto(case_url)
    supervisor.act("Recommendations issued: start follow-up")
    assert supervisor.status() == "Follow-up"

    # The authority replies; the office verifies what was done and closes the recommendation.
    today = office_today().isoformat()
    page.goto(recommendation_url)
    page.get_by_text("Record a reply").click()
    reply = page.locator("form#reply")
    reply.get_by_label("Received on").fill(today)
    reply.get_by_label("Incoming register number").fill("вх. 12-3/4567")
    choose(reply.get_by_label("Position taken"), "Accepted")
    reply.get_by_label("Summary of the reply").fill("Medical checks ordered for all arrivals.")
    reply.get_by_role("button", name="Record the reply").click()
    page.get_by_text("Record a verification").click()
    verification = page.locator("form#verify")
    verification.get_by_label("Verified status").select_option(value="implemented")
    verification.get_by_label("How it was verified").select_option(value="document_review")
    verification.get_by_label("Verified on").fill(today)
    verification.get_by_role("textbox", name="Evidence").fill(
        "Order No. 112 and the medical register seen.")
    verification.get_by_role("button", name="Record the verification").click()
    where_it_stands = page.locator("section:has(#status-heading)").inner_text()
    assert "Accepted" in where_it_stands
    assert "Implemented" in where_it_stands
    page.locator("form#close").get_by_role("button", name="Close").click()
    assert supervisor.status() == "Closed"
    supervisor.shot("recommendation-closed")

    page.goto(case_url)
    supervisor.act("Close the case", Outcome="Violation remedied",
                   Reason="Disciplinary measures taken; medical care provided.")
    assert supervisor.status() == "Closed"
    timeline = page.locator("section:has(#timeline-heading)").inner_text()
    for step in ("Registered", "Assigned", "Status changed"):
        assert step in timeline
    supervisor.close()
