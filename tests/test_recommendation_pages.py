"""A recommendation's pages over HTTP: drafting from the case, its page for each role, the
four-eyes rule, and every action on it with its happy path and a refusal."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.attachments.models import Attachment
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.recommendations.lifecycle import (
    Implementation,
    Priority,
    RecordStatus,
    Response,
    Scope,
)
from casework.recommendations.models import DeadlineChange, DeadlineKind, Recommendation
from casework.reference.regions import Region
from tests.factories import (
    PASSWORD,
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_recommendation,
    make_user,
)

TODAY = date(2026, 11, 10)
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    """Every test runs on TODAY in the office, so dates and deadlines are predictable."""
    with time_machine.travel(TODAY):
        yield


def page(response) -> str:
    return response.get_data(as_text=True)


def flashes(response) -> list[str]:
    return [m.strip() for m in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>',
                                          page(response), re.S)]


def committed(obj):
    db.session.commit()
    return obj


def reloaded(recommendation: Recommendation) -> Recommendation:
    db.session.expire_all()
    return db.session.get(Recommendation, recommendation.id)


def url(recommendation: Recommendation, action: str = "") -> str:
    return f"/recommendations/{recommendation.id}" + (f"/{action}" if action else "")


@pytest.fixture
def case(caseworker):
    """A case at the recommendation stage, assigned to the region's caseworker."""
    facility = make_facility(name="Colony No. 3")
    found = make_case(status=CaseStatus.RECOMMENDATION, assignees=(caseworker,),
                      facility=facility)
    found.categories.append(make_category("torture"))
    return committed(found)


@pytest.fixture
def issued(case, caseworker):
    """An issued recommendation that the case's caseworker drafted and follows up."""
    return committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, drafted_by=caseworker,
        issued_on=date(2026, 10, 1), reply_due=date(2026, 10, 22),
        implementation_due=date(2027, 1, 1),
    ))


# -- drafting ---------------------------------------------------------------------------------


def test_caseworker_drafts_a_recommendation_from_the_case(login, case, caseworker):
    authority = committed(make_authority(name="Penitentiary Committee"))
    client = login(caseworker)
    form = client.get(f"/cases/{case.id}/recommendations/new")
    assert form.status_code == 200
    assert "never write a complainant" in page(form)
    assert re.search(f'<option selected value="{case.facility_id}">Colony No. 3', page(form))

    response = client.post(f"/cases/{case.id}/recommendations/new", data={
        "text": "Install CCTV in every corridor.", "authority": authority.id,
        "scope": "structural", "priority": "high", "facility": case.facility_id,
        "category": case.categories[0].id,
    })

    recommendation = db.session.scalars(sa.select(Recommendation)).one()
    assert response.status_code == 302
    assert response.location.endswith(url(recommendation))
    assert (recommendation.record_status, recommendation.scope, recommendation.priority) == (
        RecordStatus.DRAFT, Scope.STRUCTURAL, Priority.HIGH)
    assert recommendation.authority == authority
    assert recommendation.drafted_by == recommendation.owner == caseworker
    shown = page(client.get(url(recommendation)))
    assert f"Draft {recommendation.id}" in shown
    assert "Install CCTV in every corridor." in shown


def test_invalid_draft_is_shown_again_with_the_input_kept(login, case, caseworker):
    authority = committed(make_authority())
    response = login(caseworker).post(f"/cases/{case.id}/recommendations/new", data={
        "text": "  ", "authority": authority.id, "scope": "", "priority": "low",
    })
    html = page(response)
    assert response.status_code == 400
    assert 'id="text-error"' in html
    assert "Choose the scope." in html
    assert re.search(f'<option selected value="{authority.id}">', html)
    assert re.search(r'<option selected value="low">', html)
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 0


def test_lawyer_cannot_draft(login, case):
    lawyer = committed(make_user(Role.LAWYER))
    case.assignments.append(_lawyer_assignment(lawyer))
    db.session.commit()
    assert login(lawyer).get(f"/cases/{case.id}/recommendations/new").status_code == 403


def _lawyer_assignment(lawyer):
    from casework.cases.models import AssignmentRole, CaseAssignment

    return CaseAssignment(user=lawyer, role=AssignmentRole.LAWYER)


def test_case_page_lists_the_recommendations_with_their_next_deadline(login, case, issued,
                                                                        caseworker):
    html = page(login(caseworker).get(f"/cases/{case.id}"))
    section = html[html.index('id="recommendations"'):]
    section = section[:section.index("</section>")]
    assert issued.number in section
    assert issued.authority.name in section
    assert "Awaiting reply" in section
    # The reply deadline passed on 22 October and no reply came: 19 days overdue on TODAY.
    assert "Reply deadline" in section
    assert "19 days overdue" in section
    assert "Draft a recommendation" in section


def test_case_section_offers_no_draft_button_to_a_reader_who_may_not_draft(login, case,
                                                                             issued):
    lawyer = make_user(Role.LAWYER)
    case.assignments.append(_lawyer_assignment(lawyer))
    db.session.commit()
    html = page(login(lawyer).get(f"/cases/{case.id}"))
    assert issued.number in html
    assert "Draft a recommendation" not in html


# -- who sees the page ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("supervisor", 200),
    ("owner", 200),
    ("assigned_lawyer", 200),
    ("unassigned_lawyer", 403),
    ("monitor", 403),
    ("auditor", 403),
    ("admin", 403),
    ("other_region_supervisor", 403),
])
def test_page_answers_each_role(login, case, issued, supervisor, caseworker, who, status):
    users = {
        "supervisor": supervisor,
        "owner": caseworker,
        "unassigned_lawyer": make_user(Role.LAWYER),
        "monitor": make_user(Role.MONITOR),
        "auditor": make_user(Role.AUDITOR),
        "admin": make_user(Role.ADMIN),
        "other_region_supervisor": make_user(Role.SUPERVISOR, region=Region.ALMATY_CITY),
    }
    if who == "assigned_lawyer":
        users[who] = make_user(Role.LAWYER)
        case.assignments.append(_lawyer_assignment(users[who]))
    db.session.commit()
    assert login(users[who]).get(url(issued)).status_code == status


def test_monitor_who_opened_the_case_reads_it(login, caseworker):
    monitor = make_user(Role.MONITOR)
    recommendation = committed(make_recommendation(
        make_case(created_by=monitor, status=CaseStatus.RECOMMENDATION),
        record_status=RecordStatus.ISSUED,
    ))
    html = page(login(monitor).get(url(recommendation)))
    assert recommendation.number in html
    assert "Record a reply" not in html


def test_assigned_lawyer_reads_without_any_action(login, case, issued):
    lawyer = make_user(Role.LAWYER)
    case.assignments.append(_lawyer_assignment(lawyer))
    db.session.commit()
    html = page(login(lawyer).get(url(issued)))
    assert issued.text in html
    assert "<form method=\"post\"" not in html.split("<main", 1)[1]
    assert login(lawyer).post(url(issued, "reply"), data={}).status_code == 403


def test_page_shows_everything_about_an_issued_recommendation(login, case, issued, supervisor):
    html = page(login(supervisor).get(url(issued)))
    for text in (issued.number, issued.text, issued.authority.name, "Colony No. 3",
                 "Structural (practice, rule or building)", "Medium", "Issued", "Awaiting reply",
                 "Not started", case.reference, issued.owner.full_name, "1 Oct 2026",
                 "22 Oct 2026", "19 days overdue", "1 Jan 2027"):
        assert text in html, text
    # Every action a supervisor may take is there, under the ids other pages link to.
    for anchor in ("withdraw", "reply", "verify", "deadline", "reassign", "follow-up"):
        assert f'id="{anchor}"' in html, anchor


# -- the record's steps and the four-eyes rule --------------------------------------------------


def post_step(client, recommendation, data: dict, **kw):
    """A step as the page posts it: with the version the user read."""
    version = reloaded(recommendation).version
    return client.post(url(recommendation, "step"), data={"version": version, **data}, **kw)


def _issue(client, recommendation, months="6"):
    return post_step(client, recommendation, {"action": "issue", "implementation_months": months})


def test_drafting_supervisor_cannot_issue_but_another_supervisor_can(app, login, case,
                                                                     supervisor):
    recommendation = committed(make_recommendation(case, drafted_by=supervisor))
    client = login(supervisor)
    html = page(client.get(url(recommendation)))
    assert re.search(r'id="issue".*?<fieldset disabled>.*?Another supervisor must approve',
                     html, re.S)
    refused = _issue(client, recommendation)
    assert refused.status_code == 302
    assert reloaded(recommendation).record_status is RecordStatus.DRAFT

    colleague = committed(make_user(Role.SUPERVISOR, region=Region.ASTANA))
    other_client = app.test_client()
    other_client.post("/login", data={"email": colleague.email, "password": PASSWORD})
    response = _issue(other_client, recommendation)
    issued = reloaded(recommendation)
    assert response.status_code == 302
    assert issued.record_status is RecordStatus.ISSUED
    assert issued.issued_by == colleague
    assert issued.implementation_due == date(2027, 5, 10)
    assert issued.reply_due > TODAY
    assert f"Issued as {issued.number}." in flashes(other_client.get(url(issued)))


def test_caseworker_sees_who_issues_and_cannot_forge_the_step(login, case, caseworker):
    recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    client = login(caseworker)
    html = page(client.get(url(recommendation)))
    assert "A supervisor other than the person who drafted it approves and issues it." in html
    assert 'id="issue"' not in html

    response = _issue(client, recommendation)
    assert "You are not allowed to do this on this recommendation." in flashes(
        client.get(response.location))
    assert reloaded(recommendation).record_status is RecordStatus.DRAFT
    assert reloaded(recommendation).number is None


def test_step_from_another_status_is_refused_and_nothing_changes(login, case, issued,
                                                                  supervisor):
    client = login(supervisor)
    response = post_step(client, issued, {"action": "issue",
                                                      "implementation_months": "3"},
                           follow_redirects=True)
    assert "“Approve and issue” is not possible while the recommendation is “Issued”." in (
        flashes(response))
    after = reloaded(issued)
    assert (after.record_status, after.number) == (RecordStatus.ISSUED, issued.number)
    forged = post_step(client, issued, {"action": "delete"}, follow_redirects=True)
    assert "There is no such action." in flashes(forged)


def test_issue_without_a_period_asks_for_it_next_to_the_field(login, case, caseworker,
                                                             supervisor):
    recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    response = _issue(login(supervisor), recommendation, months="")
    assert response.status_code == 400
    assert re.search(r'id="issue-implementation_months-error">Choose the period for '
                     r"implementation.", page(response))
    assert reloaded(recommendation).record_status is RecordStatus.DRAFT


def test_withdraw_needs_a_reason_and_then_withdraws(login, issued, supervisor):
    client = login(supervisor)
    refused = post_step(client, issued, {"action": "withdraw", "reason": ""})
    assert refused.status_code == 400
    assert 'id="withdraw-reason-error"' in page(refused)
    assert reloaded(issued).record_status is RecordStatus.ISSUED

    done = post_step(client, issued, {"action": "withdraw",
                                                  "reason": "The facility was closed."})
    assert done.status_code == 302
    assert reloaded(issued).record_status is RecordStatus.WITHDRAWN


# -- replies and verifications ----------------------------------------------------------------


def _reply_data(**changes):
    return {"received_on": "2026-11-05", "register_number": "вх-1234",
            "response": "accepted", "claimed_implementation": "in_progress",
            "summary": "The committee agrees and has ordered cameras.", **changes}


def test_caseworker_records_a_reply_with_its_letter(login, issued, caseworker):
    client = login(caseworker)
    data = _reply_data(files=(io.BytesIO(MINIMAL_PDF), "reply letter.pdf"))
    response = client.post(url(issued, "reply"), data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    after = reloaded(issued)
    assert after.response is Response.ACCEPTED
    assert after.implementation is Implementation.NOT_STARTED  # a claim verifies nothing
    assert after.replied_on == date(2026, 11, 5)
    [reply] = after.replies
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert (attachment.reply_id, attachment.case_id) == (reply.id, after.case_id)

    html = page(client.get(url(issued)))
    assert "The committee agrees and has ordered cameras." in html
    assert "No. вх-1234" in html
    assert f'href="/attachments/{attachment.id}"' in html
    # Replied: the reply deadline no longer runs, so it is not overdue any more.
    assert "days overdue" not in html


def test_the_owner_files_the_reply_letter_after_the_case_closed(login):
    owner = make_user(Role.CASEWORKER, region=Region.ASTANA)  # not assigned to the case
    case = make_case(status=CaseStatus.CLOSED)
    recommendation = committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, owner=owner, issued_on=date(2026, 10, 1)))
    client = login(owner)
    assert client.get(f"/cases/{case.id}").status_code == 403
    response = client.post(url(recommendation, "reply"),
                           data=_reply_data(files=(io.BytesIO(MINIMAL_PDF), "letter.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert attachment.reply_id == reloaded(recommendation).replies[0].id


def test_reply_dated_in_the_future_is_refused_next_to_the_date(login, issued, caseworker):
    response = login(caseworker).post(url(issued, "reply"),
                                      data=_reply_data(received_on="2026-12-01"))
    html = page(response)
    assert response.status_code == 400
    assert re.search(r'id="reply-received_on-error">The date cannot be in the future.', html)
    assert 'value="вх-1234"' in html  # the input is kept
    assert re.search(r'<details class="rec-action" open>\s*<summary>Record a reply', html)
    after = reloaded(issued)
    assert (after.response, after.replies) == (Response.AWAITING, [])


def test_caseworker_verifies_implementation_with_evidence(login, issued, caseworker):
    client = login(caseworker)
    response = client.post(url(issued, "verify"), data={
        "result": "implemented", "method": "follow_up_visit", "verified_on": "2026-11-09",
        "evidence": "Cameras seen in all corridors of block B.",
    })
    assert response.status_code == 302
    after = reloaded(issued)
    assert after.implementation is Implementation.IMPLEMENTED
    assert after.verifications[0].verified_by == caseworker
    html = page(client.get(url(issued)))
    assert "Cameras seen in all corridors of block B." in html
    assert 'id="verify"' not in html  # nothing follows "implemented"


def test_verification_before_the_issue_date_is_refused(login, issued, caseworker):
    response = login(caseworker).post(url(issued, "verify"), data={
        "result": "in_progress", "method": "document_review", "verified_on": "2026-09-01",
        "evidence": "Order No. 5.",
    })
    assert response.status_code == 400
    assert re.search(r'id="verify-verified_on-error">The date cannot be before the '
                     r"recommendation was issued.", page(response))
    assert reloaded(issued).implementation is Implementation.NOT_STARTED


# -- acting on an overdue item ----------------------------------------------------------------


def test_supervisor_extends_the_reply_deadline_with_a_reason(login, issued, supervisor):
    client = login(supervisor)
    response = client.post(url(issued, "deadline"), data={
        "kind": "reply", "new_due": "2026-11-30", "reason": "Asked for more time in writing.",
    })
    assert response.status_code == 302
    change = db.session.scalars(sa.select(DeadlineChange)).one()
    assert (change.kind, change.previous_due, change.new_due) == (
        DeadlineKind.REPLY, date(2026, 10, 22), date(2026, 11, 30))
    html = page(client.get(url(issued)))
    assert "Asked for more time in writing." in html
    assert "days overdue" not in html


def test_deadline_change_to_the_same_date_is_refused(login, issued, supervisor):
    response = login(supervisor).post(url(issued, "deadline"), data={
        "kind": "reply", "new_due": "2026-10-22", "reason": "No change.",
    })
    assert response.status_code == 400
    assert 'id="deadline-new_due-error"' in page(response)
    assert db.session.scalar(sa.select(sa.func.count(DeadlineChange.id))) == 0


def test_caseworker_may_not_change_a_deadline(login, issued, caseworker):
    response = login(caseworker).post(url(issued, "deadline"), data={
        "kind": "reply", "new_due": "2026-11-30", "reason": "Please.",
    })
    assert response.status_code == 403
    assert reloaded(issued).reply_due == date(2026, 10, 22)


def test_supervisor_reassigns_the_follow_up(login, issued, supervisor, caseworker):
    colleague = committed(make_user(Role.CASEWORKER, region=Region.ASTANA,
                                    full_name="Aigerim Sadykova"))
    client = login(supervisor)
    assert "Aigerim Sadykova" in page(client.get(url(issued)))
    response = client.post(url(issued, "reassign"), data={"owner": colleague.id},
                           follow_redirects=True)
    assert "Aigerim Sadykova now follows it up." in flashes(response)
    assert reloaded(issued).owner == colleague


def test_reassigning_to_another_regions_caseworker_is_refused(login, issued, supervisor,
                                                              caseworker):
    elsewhere = committed(make_user(Role.CASEWORKER, region=Region.ALMATY_CITY))
    response = login(supervisor).post(url(issued, "reassign"), data={"owner": elsewhere.id})
    assert response.status_code == 400
    assert "Choose a caseworker from the list." in page(response)
    assert reloaded(issued).owner == caseworker


def test_caseworker_schedules_a_follow_up(login, issued, caseworker):
    client = login(caseworker)
    response = client.post(url(issued, "follow-up"),
                           data={"on": "2026-11-20", "note": "Call the colony's head."})
    assert response.status_code == 302
    after = reloaded(issued)
    assert (after.follow_up_on, after.follow_up_note) == (date(2026, 11, 20),
                                                          "Call the colony's head.")
    assert "Call the colony&#39;s head." in page(client.get(url(issued)))


def test_follow_up_in_the_past_is_refused(login, issued, caseworker):
    response = login(caseworker).post(url(issued, "follow-up"),
                                      data={"on": "2026-11-01", "note": "Too late."})
    assert response.status_code == 400
    assert 'id="follow-up-on-error"' in page(response)
    assert reloaded(issued).follow_up_on is None


# -- deadlines on the page --------------------------------------------------------------------


def test_implementation_deadline_is_overdue_only_while_it_runs(login, case, supervisor):
    recommendation = committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, response=Response.ACCEPTED,
        replied_on=date(2026, 10, 10), implementation_due=date(2026, 11, 5),
    ))
    client = login(supervisor)
    assert "5 days overdue" in page(client.get(url(recommendation)))

    recommendation.implementation = Implementation.NOT_IMPLEMENTED
    db.session.commit()
    html = page(client.get(url(recommendation)))
    assert "days overdue" not in html
    assert "verified" in html


def test_deadline_due_within_a_week_is_due_soon(login, case, supervisor):
    recommendation = committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, reply_due=date(2026, 11, 16),
    ))
    assert "in 6 days" in page(login(supervisor).get(url(recommendation)))


# -- editing a draft --------------------------------------------------------------------------


def _edit_data(recommendation, **changes):
    return {"text": recommendation.text, "authority": recommendation.authority_id,
            "scope": recommendation.scope.value, "priority": recommendation.priority.value,
            "facility": recommendation.facility_id or "", "category": "",
            "version": recommendation.version, **changes}


def test_drafter_edits_the_draft(login, case, caseworker):
    recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    client = login(caseworker)
    form = client.get(url(recommendation, "edit"))
    assert form.status_code == 200
    assert f'name="version" type="hidden" value="{recommendation.version}"' in page(form)
    response = client.post(url(recommendation, "edit"),
                           data=_edit_data(recommendation, text="Repair the showers."))
    assert response.status_code == 302
    assert reloaded(recommendation).text == "Repair the showers."


def test_stale_edit_keeps_the_input_and_shows_the_saved_text(login, case, caseworker):
    recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    stale = _edit_data(recommendation, text="My version.")
    recommendation.text = "Someone else's version."
    db.session.commit()
    response = login(caseworker).post(url(recommendation, "edit"), data=stale)
    html = page(response)
    assert response.status_code == 409
    assert "Someone else changed this draft after you opened it." in html
    assert "My version." in html
    assert "Someone else&#39;s version." in html
    assert reloaded(recommendation).text == "Someone else's version."


def test_issued_recommendation_cannot_be_edited(login, issued, caseworker):
    client = login(caseworker)
    response = client.post(url(issued, "edit"), data=_edit_data(issued, text="Changed."),
                           follow_redirects=True)
    assert "Only a draft can be edited; an issued recommendation stays as sent." in (
        flashes(response))
    assert reloaded(issued).text != "Changed."
    assert "Edit the draft" not in page(client.get(url(issued)))


def test_an_owner_who_no_longer_reads_the_case_does_not_see_its_summary(login):
    owner = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = make_case(status=CaseStatus.CLOSED, summary="Beaten in cell 12 by two guards")
    draft = committed(make_recommendation(case, drafted_by=owner))
    response = login(owner).get(url(draft, "edit"))
    assert response.status_code == 200
    assert "Beaten in cell 12" not in page(response)


# -- UX review: errors said once and specifically, the deadline form, drafts, layout ----------


def test_a_failed_form_says_so_once_with_specific_messages(login, issued, caseworker):
    response = login(caseworker).post(url(issued, "reply"), data=_reply_data(
        received_on="", register_number=" ", summary=""))
    html = page(response)
    assert response.status_code == 400
    # The form's own summary names the fields; no flash repeats it.
    assert re.search(r'class="flash flash-error error-summary"', html)
    assert "Please correct the fields marked below." not in html
    assert html.count('class="flash ') == 1
    assert re.search(r'id="reply-received_on-error">Enter the date the reply came.', html)
    assert re.search(r'id="reply-register_number-error">Give the reply(&#39;|\')s incoming '
                     r"register number.", html)
    assert re.search(r'id="reply-summary-error">Summarise what the authority replied.', html)
    assert "This field is required." not in html


def test_a_service_refusal_shows_by_its_field_only(login, issued, supervisor):
    response = login(supervisor).post(url(issued, "deadline"), data={
        "kind": "reply", "new_due": "2026-10-22", "reason": "No change.",
    })
    html = page(response)
    assert response.status_code == 400
    assert html.count("The new deadline is the same as the current one.") == 1
    assert re.search(r'error-summary.*?href="#deadline-new_due"', html, re.S)


def test_issue_step_marks_its_period_required_and_summarises_its_error(
    login, case, caseworker, supervisor
):
    recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    client = login(supervisor)
    html = page(client.get(url(recommendation)))
    assert '<label class="required" for="issue-implementation_months">' in html
    refused = page(_issue(client, recommendation, months=""))
    assert re.search(r'id="issue".*?error-summary.*?href="#issue-implementation_months"',
                     refused, re.S)
    assert "Please correct the fields marked below." not in refused


def test_deadline_form_preselects_the_overdue_deadline_and_shows_the_current_dates(
    login, issued, supervisor
):
    # On TODAY the reply (22 Oct) is overdue, the implementation (1 Jan 2027) runs.
    html = page(login(supervisor).get(url(issued)))
    options = re.findall(r"<option( selected)? value=\"(\w+)\">([^<]+)</option>",
                         html[html.index('id="deadline-kind"'):])[:2]
    assert options == [(" selected", "reply", "Reply deadline (now 22 Oct 2026)"),
                       ("", "implementation", "Implementation deadline (now 1 Jan 2027)")]


def test_deadline_form_preselects_the_one_that_still_runs(login, issued, supervisor):
    issued.response, issued.replied_on = Response.ACCEPTED, date(2026, 10, 20)
    db.session.commit()
    html = page(login(supervisor).get(url(issued)))
    assert '<option selected value="implementation">' in html


def test_a_draft_shows_no_response_yet_and_the_finding_it_would_repeat(
    login, case, caseworker, supervisor
):
    earlier_case = make_case(status=CaseStatus.FOLLOW_UP, facility=case.facility)
    earlier = committed(make_recommendation(
        earlier_case, record_status=RecordStatus.ISSUED, facility=case.facility,
        category=case.categories[0], issued_on=date(2026, 3, 2),
    ))
    draft = committed(make_recommendation(case, drafted_by=caseworker,
                                          category=case.categories[0]))
    html = page(login(supervisor).get(url(draft)))
    status = html[html.index('id="status-heading"'):html.index("</section>",
                                                              html.index('id="status-heading"'))]
    assert "Addressee&#39;s response" not in status
    assert "Verified implementation" not in status
    assert re.search(rf'Would repeat <a href="/recommendations/{earlier.id}">{earlier.number}'
                     r"</a> \(2 Mar 2026\)", html)


def test_a_draft_that_repeats_nothing_says_nothing_about_it(login, case, caseworker,
                                                             supervisor):
    draft = committed(make_recommendation(case, drafted_by=caseworker))
    assert "Would repeat" not in page(login(supervisor).get(url(draft)))


def test_edit_form_warns_a_supervisor_about_four_eyes(app, login, case, caseworker,
                                                      supervisor):
    draft = committed(make_recommendation(case, drafted_by=caseworker))
    warning = "another supervisor must approve and issue it, not you."
    assert warning in page(login(supervisor).get(url(draft, "edit")))
    other = app.test_client()
    other.post("/login", data={"email": caseworker.email, "password": PASSWORD})
    assert warning not in page(other.get(url(draft, "edit")))


def test_page_lists_what_the_reader_may_do_under_actions_side_column_first(
    login, issued, supervisor
):
    html = page(login(supervisor).get(url(issued)))
    assert '<h2 id="act-heading">Actions</h2>' in html
    assert "Act on it" not in html
    assert '<div class="grid-2 rec-layout">' in html
    assert '<div class="rec-side">' in html


def test_case_section_puts_status_and_next_deadline_before_the_addressee(
    login, case, issued, caseworker
):
    html = page(login(caseworker).get(f"/cases/{case.id}"))
    section = html[html.index('id="recommendations"'):]
    section = section[:section.index("</table>")]
    assert '<caption class="visually-hidden">Recommendations</caption>' in section
    headings = re.findall(r'<th scope="col">([^<]+)</th>', section)
    assert headings == ["Recommendation", "Status", "Next deadline", "Addressee"]


def test_a_discarded_draft_reads_as_discarded_not_withdrawn(login, case, supervisor):
    draft = committed(make_recommendation(case, record_status=RecordStatus.WITHDRAWN))
    html = page(login(supervisor).get(url(draft)))
    assert "Draft discarded" in html
    assert ">Withdrawn<" not in html
