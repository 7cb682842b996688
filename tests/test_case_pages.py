"""The case pages over HTTP: who sees what, the actions offered and refused, edit conflicts."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, PartyRole, TaskKind
from casework.extensions import db
from casework.recommendations.lifecycle import Implementation, RecordStatus
from casework.reference.regions import Region
from tests.factories import (
    add_party,
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_recommendation,
    make_user,
)
from tests.test_lifecycle import audit_actions, event_kinds


def page(response) -> str:
    return response.get_data(as_text=True)


def committed(obj):
    db.session.commit()
    return obj


def my_work_sections(html: str) -> dict[str, str]:
    """My work's sections by their heading's id."""
    return dict(re.findall(r'<h2 id="([\w-]+)">.*?</h2>(.*?)(?=<h2|$)', html, re.S))


# -- the case page and transitions ------------------------------------------------------------


def test_case_page_offers_the_steps_of_its_status(login, supervisor):
    case = committed(make_case(status=CaseStatus.TRIAGE, summary="Beaten at arrest"))
    response = login(supervisor).get(f"/cases/{case.id}")
    assert response.status_code == 200
    html = page(response)
    assert case.reference in html
    assert "Beaten at arrest" in html
    for label in ("Open investigation", "Declare not admissible", "Refer to the competent body"):
        assert label in html
    assert "Reopen" not in html


def test_blocked_step_is_shown_disabled_with_its_reason(login, supervisor):
    case = make_case(status=CaseStatus.FOLLOW_UP)
    case.tasks.append(_task(TaskKind.NOTIFY_EXTENSION))
    committed(case)
    html = page(login(supervisor).get(f"/cases/{case.id}"))
    assert "Finish the open tasks first: Notify the complainant of the extension." in html
    assert re.search(r"<fieldset disabled>\s*<legend>Close the case", html)


def _task(kind):
    from casework.cases.models import CaseTask

    return CaseTask(kind=kind, due_on=date(2026, 11, 5))


def test_supervisor_takes_a_case_through_its_main_steps(login, supervisor):
    case = committed(make_case(status=CaseStatus.REGISTERED))
    client = login(supervisor)
    url = f"/cases/{case.id}/transition"
    assert client.post(url, data={"action": "start_triage"}).status_code == 302
    client.post(url, data={"action": "open_investigation"})
    client.post(url, data={"action": "propose_recommendations", "reason": "Beating confirmed"})
    refused = client.post(url, data={"action": "start_follow_up"}, follow_redirects=True)
    assert "A supervisor must first issue at least one recommendation." in page(refused)
    committed(make_recommendation(case, record_status=RecordStatus.ISSUED))
    client.post(url, data={"action": "start_follow_up"})
    response = client.post(url, data={"action": "close", "reason": "Remedied",
                                      "outcome": "resolved",
                                      "why_open": "The reply is overdue; escalated."},
                           follow_redirects=True)
    assert "Done: Close the case." in page(response)
    db.session.refresh(case)
    assert case.status is CaseStatus.CLOSED
    assert case.closed_on is not None
    assert audit_actions(case).count(AuditAction.CASE_TRANSITION) == 5
    client.post(url, data={"action": "reopen", "reason": "New complaint"})
    db.session.refresh(case)
    assert case.status is CaseStatus.INVESTIGATION
    assert case.outcome is None


def test_refer_out_via_the_page_records_the_body(login, supervisor):
    authority = make_authority(name="Prosecutor of Astana")
    case = committed(make_case(status=CaseStatus.TRIAGE))
    client = login(supervisor)
    assert "Prosecutor of Astana" in page(client.get(f"/cases/{case.id}"))
    client.post(f"/cases/{case.id}/transition",
                data={"action": "refer_out", "reason": "Letter 12", "authority": authority.id})
    db.session.refresh(case)
    assert case.status is CaseStatus.CLOSED
    assert case.referred_to_id == authority.id


def test_closing_with_open_recommendations_asks_why_on_the_page(login, supervisor):
    case = committed(make_case(status=CaseStatus.FOLLOW_UP))
    committed(make_recommendation(case, record_status=RecordStatus.ISSUED))
    client = login(supervisor)
    assert "1 recommendation of this case is still open." in page(client.get(f"/cases/{case.id}"))
    response = client.post(f"/cases/{case.id}/transition", data={
        "action": "close", "reason": "Complainant released", "outcome": "resolved",
        "why_open": "  "})
    assert response.status_code == 400
    html = page(response)
    assert ('<p class="error" id="close-why_open-error">1 recommendation of this case is still '
            "open: say why the case closes anyway.</p>") in html  # next to the field
    assert "Complainant released" in html  # the input is kept
    assert_unchanged(case, CaseStatus.FOLLOW_UP)


def assert_unchanged(case: Case, status: CaseStatus) -> None:
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.version) == (status, 1)
    assert audit_actions(case) == []
    assert event_kinds(case) == []


FORGED = [
    ("close", CaseStatus.FOLLOW_UP, {"reason": "x", "outcome": "resolved"},
     "You are not allowed"),  # wrong role: a caseworker may not close
    ("open_investigation", CaseStatus.REGISTERED, {}, "is not possible while"),  # wrong status
    ("no_such_thing", CaseStatus.REGISTERED, {}, "There is no such action"),
]


@pytest.mark.parametrize(("action", "status", "extra", "message"), FORGED)
def test_forged_transition_is_refused_and_changes_nothing(
    login, caseworker, action, status, extra, message
):
    case = committed(make_case(status=status, assignees=(caseworker,)))
    client = login(caseworker)
    if status is CaseStatus.FOLLOW_UP:
        assert "Close the case" not in page(client.get(f"/cases/{case.id}"))
    response = client.post(f"/cases/{case.id}/transition", data={"action": action, **extra})
    assert response.status_code == 302
    assert message in page(client.get(response.headers["Location"]))
    assert_unchanged(case, status)


def test_missing_reason_is_shown_on_the_form_and_changes_nothing(login, supervisor):
    case = committed(make_case(status=CaseStatus.TRIAGE))
    response = login(supervisor).post(f"/cases/{case.id}/transition",
                                      data={"action": "declare_not_admissible", "reason": ""})
    assert response.status_code == 400
    assert 'id="declare_not_admissible-reason-error"' in page(response)
    assert_unchanged(case, CaseStatus.TRIAGE)


def test_caseworker_moves_own_case_but_not_others(login, caseworker):
    own = make_case(status=CaseStatus.REGISTERED, assignees=(caseworker,))
    other = committed(make_case(status=CaseStatus.REGISTERED))
    client = login(caseworker)
    client.post(f"/cases/{own.id}/transition", data={"action": "start_triage"})
    response = client.post(f"/cases/{other.id}/transition", data={"action": "start_triage"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, own.id).status is CaseStatus.TRIAGE
    assert_unchanged(other, CaseStatus.REGISTERED)


def test_lawyer_may_not_change_status_at_all(login):
    lawyer = make_user(Role.LAWYER)
    case = committed(make_case(assignees=(lawyer,)))
    response = login(lawyer).post(f"/cases/{case.id}/transition",
                                  data={"action": "start_triage"})
    assert response.status_code == 403
    assert_unchanged(case, CaseStatus.REGISTERED)


# -- who may read -----------------------------------------------------------------------------


def test_lawyer_sees_only_assigned_cases(login):
    lawyer = make_user(Role.LAWYER, region=Region.ASTANA)
    mine = make_case(assignees=(lawyer,), summary="Parole petition of client")
    other = committed(make_case(summary="Someone else's complaint"))
    client = login(lawyer)
    listing = page(client.get("/cases"))
    assert mine.reference in listing
    assert other.reference not in listing
    assert client.get(f"/cases/{mine.id}").status_code == 200
    assert client.get(f"/cases/{other.id}").status_code == 403


def test_supervisor_of_another_region_cannot_read(login):
    other = make_user(Role.SUPERVISOR, region=Region.PAVLODAR)
    case = committed(make_case(region=Region.ASTANA))
    client = login(other)
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert case.reference not in page(client.get("/cases"))
    assert client.post(f"/cases/{case.id}/notes", data={"body": "x"}).status_code == 403


def test_missing_case_is_404(login, supervisor):
    db.session.commit()
    assert login(supervisor).get("/cases/999999").status_code == 404


def test_reading_a_case_writes_nothing(login, supervisor):
    case = make_case(status=CaseStatus.TRIAGE)
    add_party(case)
    committed(case)
    login(supervisor).get(f"/cases/{case.id}")
    assert audit_actions(case) == []
    assert event_kinds(case) == []


# -- identities -------------------------------------------------------------------------------


def _case_with_parties(*assignees):
    case = make_case(assignees=assignees)
    hidden = add_party(case, role=PartyRole.COMPLAINANT, consents_to_disclosure=False,
                       person=None)
    hidden.person.full_name = "Aigerim Secretova"
    consenting = add_party(case, role=PartyRole.WITNESS, consents_to_disclosure=True)
    consenting.person.full_name = "Bolat Openov"
    return committed(case)


def test_identity_is_hidden_until_revealed_and_the_reveal_is_audited(login, caseworker):
    case = _case_with_parties(caseworker)
    client = login(caseworker)
    html = page(client.get(f"/cases/{case.id}"))
    assert "Applicant A." in html
    assert "Aigerim Secretova" not in html
    assert "Bolat Openov" in html  # consented
    response = client.post(f"/cases/{case.id}/identity")
    assert response.status_code == 302
    assert "Aigerim Secretova" in page(client.get(f"/cases/{case.id}"))
    assert audit_actions(case) == [AuditAction.IDENTITY_REVEALED]
    # Shown for that one page view only; reading again hides the name and audits nothing.
    assert "Aigerim Secretova" not in page(client.get(f"/cases/{case.id}"))
    assert audit_actions(case) == [AuditAction.IDENTITY_REVEALED]


def test_monitor_never_sees_a_protected_identity(login):
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    case = _case_with_parties()
    case.created_by = monitor
    committed(case)
    client = login(monitor)
    html = page(client.get(f"/cases/{case.id}"))
    assert "Aigerim Secretova" not in html
    assert "Show real names" not in html
    assert client.post(f"/cases/{case.id}/identity").status_code == 403
    assert "Aigerim Secretova" not in page(client.get(f"/cases/{case.id}"))
    assert audit_actions(case) == []


# -- editing with optimistic locking ----------------------------------------------------------


def test_edit_saves_and_shows_on_the_case_page(login, caseworker):
    category = make_category("torture")
    case = committed(make_case(assignees=(caseworker,)))
    client = login(caseworker)
    form = page(client.get(f"/cases/{case.id}/edit"))
    assert 'name="version" type="hidden" value="1"' in form
    response = client.post(f"/cases/{case.id}/edit", data={
        "summary": "Denied a doctor", "description": "", "facility": 0,
        "categories": [category.id], "version": 1})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.summary == "Denied a doctor"
    assert case.version == 2
    assert "Denied a doctor" in page(client.get(f"/cases/{case.id}"))


def test_stale_edit_answers_409_with_the_changes_and_keeps_the_input(
    login, caseworker, supervisor
):
    facility = make_facility(name="Colony AK-159/1")
    case = committed(make_case(assignees=(caseworker,), summary="Original"))
    from casework.cases import services

    services.edit_case(case, expected_version=1, actor=supervisor,
                       changes={"summary": "Supervisor's words", "facility": facility})
    committed(case)
    response = login(caseworker).post(f"/cases/{case.id}/edit", data={
        "summary": "My careful wording", "description": "", "facility": 0, "version": 1})
    assert response.status_code == 409
    html = page(response)
    assert "What changed since you opened the form" in html
    assert "Supervisor&#39;s words" in html
    assert "Colony AK-159/1" in html
    assert supervisor.full_name in html
    assert 'value="My careful wording"' in html  # the user's input is kept
    assert 'name="version" type="hidden" value="2"' in html  # the next save goes through
    db.session.refresh(case)
    assert case.summary == "Supervisor's words"
    assert case.version == 2


# -- assignment, deadlines, tasks, notes ------------------------------------------------------


def test_supervisor_assigns_and_unassigns_through_the_page(login, supervisor, caseworker):
    case = committed(make_case())
    client = login(supervisor)
    assert caseworker.full_name in page(client.get(f"/cases/{case.id}"))
    client.post(f"/cases/{case.id}/assign", data={"assignee": f"{caseworker.id}:caseworker"})
    db.session.refresh(case)
    assert case.assignees() == [caseworker]
    client.post(f"/cases/{case.id}/unassign", data={"user": caseworker.id})
    db.session.refresh(case)
    assert case.assignees() == []


def test_caseworker_cannot_assign(login, caseworker):
    case = committed(make_case(assignees=(caseworker,)))
    response = login(caseworker).post(f"/cases/{case.id}/assign",
                                      data={"assignee": f"{caseworker.id}:caseworker"})
    assert response.status_code == 403


@time_machine.travel(date(2026, 11, 10))
def test_extension_through_the_page_creates_the_notice_task(login, supervisor):
    case = committed(make_case(decision_due=date(2026, 11, 23)))
    client = login(supervisor)
    too_late = client.post(f"/cases/{case.id}/extend",
                           data={"new_due": "2027-02-01", "ground": "Expert report"})
    assert too_late.status_code == 400
    assert "at the latest" in page(too_late)
    client.post(f"/cases/{case.id}/extend", data={"new_due": "2026-12-23", "ground": "Expert"})
    db.session.refresh(case)
    assert case.decision_due == date(2026, 12, 23)
    [task] = case.tasks
    assert (task.kind, task.due_on) == (TaskKind.NOTIFY_EXTENSION, date(2026, 11, 13))
    client.post(f"/cases/{case.id}/tasks/{task.id}/done")
    db.session.refresh(task)
    assert task.is_done


def test_out_of_mandate_and_first_action_buttons(login, caseworker):
    case = committed(make_case(status=CaseStatus.TRIAGE, is_urgent=True,
                               first_action_due=date(2026, 11, 3), assignees=(caseworker,)))
    client = login(caseworker)
    html = page(client.get(f"/cases/{case.id}"))
    assert "Outside the mandate" in html
    assert "Record the first action" in html
    client.post(f"/cases/{case.id}/out-of-mandate", data={"confirmed": "y"})
    client.post(f"/cases/{case.id}/first-action")
    db.session.refresh(case)
    assert [t.kind for t in case.tasks] == [TaskKind.FORWARD_OUT_OF_MANDATE]
    assert case.first_action_on is not None


def test_notes_are_added_and_listed(login, caseworker):
    case = committed(make_case(assignees=(caseworker,)))
    client = login(caseworker)
    assert client.post(f"/cases/{case.id}/notes", data={"body": ""}).status_code == 400
    client.post(f"/cases/{case.id}/notes", data={"body": "Spoke to the lawyer."})
    assert "Spoke to the lawyer." in page(client.get(f"/cases/{case.id}"))
    assert audit_actions(case) == [AuditAction.NOTE_ADDED]


# -- the case list ----------------------------------------------------------------------------


def references(response) -> list[str]:
    return re.findall(r'href="/cases/\d+">(\d{4}-\d{5})</a>', page(response))


@pytest.fixture
def listed(supervisor):
    """Three cases of Astana and one of Pavlodar, which an Astana supervisor never sees."""
    torture = make_category("torture")
    colony = make_facility(name="Colony 1")
    cases = {
        "a": make_case(reference="2026-00001", summary="Beaten in CELL 4",
                       received_on=date(2026, 11, 2), decision_due=date(2026, 11, 23),
                       status=CaseStatus.TRIAGE, facility=colony, categories=[torture]),
        "b": make_case(reference="2026-00002", summary="No doctor for a week",
                       received_on=date(2026, 11, 5), decision_due=date(2026, 11, 26),
                       assignees=(make_user(Role.CASEWORKER, full_name="Dana Worker"),)),
        "c": make_case(reference="2026-00003", summary="Closed long ago",
                       received_on=date(2026, 10, 1), decision_due=date(2026, 10, 22),
                       status=CaseStatus.CLOSED),
    }
    make_case(reference="2026-00004", region=Region.PAVLODAR, summary="Elsewhere")
    db.session.commit()
    return cases


def test_list_is_scoped_and_sorted_newest_first_by_default(login, supervisor, listed):
    response = login(supervisor).get("/cases")
    assert references(response) == ["2026-00002", "2026-00001", "2026-00003"]
    assert "3 cases" in page(response)


@pytest.mark.parametrize(("query", "expected"), [
    ("q=cell+4", ["2026-00001"]),  # case-insensitive text in the summary
    ("q=00003", ["2026-00003"]),  # the reference
    ("q=%25", []),  # a LIKE wildcard is matched literally
    ("status=triage", ["2026-00001"]),
    ("region=pavlodar", []),
    ("sort=reference", ["2026-00001", "2026-00002", "2026-00003"]),
    ("sort=-decision_due", ["2026-00002", "2026-00001", "2026-00003"]),
    ("sort=status", ["2026-00002", "2026-00001", "2026-00003"]),  # lifecycle order
    ("assignee=0", ["2026-00001", "2026-00003"]),
    ("status=bogus", ["2026-00002", "2026-00001", "2026-00003"]),  # a tampered value is ignored
])
def test_list_filters_and_sorting(login, supervisor, listed, query, expected):
    assert references(login(supervisor).get(f"/cases?{query}")) == expected


def test_list_filters_by_category_facility_and_assignee(login, supervisor, listed):
    client = login(supervisor)
    category_id = listed["a"].categories[0].id
    assert references(client.get(f"/cases?category={category_id}")) == ["2026-00001"]
    assert references(client.get(f"/cases?facility={listed['a'].facility_id}")) == [
        "2026-00001"
    ]
    worker_id = listed["b"].assignments[0].user_id
    assert references(client.get(f"/cases?assignee={worker_id}")) == ["2026-00002"]


@time_machine.travel(date(2026, 11, 24))
def test_overdue_filter_takes_open_cases_past_their_deadline(login, supervisor, listed):
    response = login(supervisor).get("/cases?overdue=y")
    assert references(response) == ["2026-00001"]  # 2026-00003 is past due but closed
    assert "1 day overdue" in page(response)


@time_machine.travel(date(2026, 11, 24))
def test_decided_cases_are_not_overdue_on_the_decision_deadline(login, supervisor):
    make_case(summary="Decided", status=CaseStatus.FOLLOW_UP, decision_due=date(2026, 11, 2))
    db.session.commit()
    response = login(supervisor).get("/cases?overdue=y")
    assert references(response) == []
    assert "deadline overdue" not in page(login(supervisor).get("/cases"))


def test_list_is_paged_with_a_plain_count(app, login, supervisor, listed, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = login(supervisor)
    first = client.get("/cases?sort=reference")
    assert references(first) == ["2026-00001", "2026-00002"]
    assert "Page 1 of 2" in page(first)
    assert references(client.get("/cases?sort=reference&page=2")) == ["2026-00003"]
    assert references(client.get("/cases?sort=reference&page=99")) == ["2026-00003"]


# -- My work ----------------------------------------------------------------------------------


@time_machine.travel(date(2026, 11, 20))
def test_supervisor_my_work_watches_every_deadline_of_the_region(login):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    make_case(summary="Late here", decision_due=date(2026, 11, 19), assignees=(make_user(),))
    make_case(summary="Late elsewhere", decision_due=date(2026, 11, 19), region=Region.ABAI)
    make_case(summary="Decided late", decision_due=date(2026, 11, 19),
              status=CaseStatus.FOLLOW_UP)
    db.session.commit()
    html = page(login(supervisor).get("/"))
    sections = my_work_sections(html)
    assert "Overdue in my area" in html
    assert "Late here" in sections["overdue"]
    assert "Late elsewhere" not in html
    assert "Decided late" not in sections["overdue"]


@time_machine.travel(date(2026, 11, 20))
def test_my_work_lists_what_is_due_overdue_and_open_tasks(login, caseworker):
    overdue = make_case(summary="Late one", decision_due=date(2026, 11, 19),
                        assignees=(caseworker,))
    soon = make_case(summary="Soon one", decision_due=date(2026, 11, 23), assignees=(caseworker,))
    make_case(summary="Later one", decision_due=date(2026, 12, 30), assignees=(caseworker,))
    make_case(summary="Not mine", decision_due=date(2026, 11, 19))
    make_case(summary="Closed one", status=CaseStatus.CLOSED, assignees=(caseworker,))
    soon.tasks.append(_task(TaskKind.NOTIFY_EXTENSION))
    db.session.commit()
    html = page(login(caseworker).get("/"))
    sections = my_work_sections(html)
    assert "Late one" in sections["overdue"]
    assert "Soon one" not in sections["overdue"]
    assert "Soon one" in sections["due-soon"]
    assert "Notify the complainant" in sections["tasks"]
    # Cases with a deadline listed above are not repeated under "assigned to me".
    assert "Later one" in sections["assigned"]
    for case in (overdue, soon):
        assert case.summary not in sections["assigned"]
    assert "2 more are listed above" in sections["assigned"]
    assert "Not mine" not in html
    assert "Closed one" not in html
    assert "Waiting for assignment" not in html
    assert re.search(r'<span class="number">3</span>Open cases assigned to me', html)


def test_supervisor_sees_cases_waiting_for_assignment_in_the_region(login, supervisor):
    make_case(summary="Nobody on it")
    make_case(summary="Taken", assignees=(make_user(Role.CASEWORKER),))
    make_case(summary="Other region", region=Region.PAVLODAR)
    db.session.commit()
    html = page(login(supervisor).get("/"))
    waiting = my_work_sections(html)["unassigned"]
    assert "Nobody on it" in waiting
    assert "Taken" not in waiting
    assert "Other region" not in html


def test_a_save_racing_past_the_version_check_also_answers_409(login, caseworker, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from casework.cases import services

    case = committed(make_case(assignees=(caseworker,)))

    def lost_race(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s)")

    monkeypatch.setattr(services, "edit_case", lost_race)
    response = login(caseworker).post(f"/cases/{case.id}/edit", data={
        "summary": "Mine", "description": "", "facility": 0, "version": 1})
    assert response.status_code == 409
    assert 'value="Mine"' in page(response)


def test_my_work_for_a_role_without_cases_shows_no_case_data(login):
    make_case(summary="Confidential complaint")
    auditor = committed(make_user(Role.AUDITOR))
    response = login(auditor).get("/")
    assert response.status_code == 200
    assert "Confidential complaint" not in page(response)
    assert "Statistics and the annual report will appear here." in page(response)
    assert "Use the menu" not in page(response)


# -- a transition form that fails keeps the user's input (review findings 10 and 13) ----------


def _to_arabic_indic(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize("value", [
    "²", "arabic-indic", "99999999999999999999999", "9" * 18, "-1", "1.0", " 1", "12abc",
])
def test_refer_out_accepts_only_an_authority_on_the_list(login, supervisor, value):
    authority = make_authority(name="Prosecutor of Astana")
    case = committed(make_case(status=CaseStatus.TRIAGE))
    if value == "arabic-indic":  # int() would read it as the authority's own id
        value = _to_arabic_indic(authority.id)
    response = login(supervisor).post(f"/cases/{case.id}/transition", data={
        "action": "refer_out", "reason": "Letter 12 to the prosecutor", "authority": value})
    assert response.status_code == 400
    html = page(response)
    assert 'id="refer_out-authority-error">Choose a body from the list.' in html
    assert "Letter 12 to the prosecutor</textarea>" in html
    assert "There is no such action." not in html
    assert_unchanged(case, CaseStatus.TRIAGE)


def test_refer_out_without_a_body_is_asked_for_one(login, supervisor):
    make_authority()
    case = committed(make_case(status=CaseStatus.TRIAGE))
    response = login(supervisor).post(f"/cases/{case.id}/transition", data={
        "action": "refer_out", "reason": "Letter 12", "authority": ""})
    assert response.status_code == 400
    assert "Choose the body the case is referred to." in page(response)
    assert_unchanged(case, CaseStatus.TRIAGE)


def test_an_authority_posted_with_a_step_that_takes_none_is_ignored(login, supervisor):
    case = committed(make_case(status=CaseStatus.TRIAGE))
    response = login(supervisor).post(f"/cases/{case.id}/transition", data={
        "action": "open_investigation", "authority": "²"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status is CaseStatus.INVESTIGATION
    assert case.referred_to_id is None


def test_too_long_reason_is_shown_on_its_form_with_the_input_kept(login, supervisor):
    case = committed(make_case(status=CaseStatus.TRIAGE))
    reason = "The complainant withdrew. " * 200  # over the 5000 characters allowed
    response = login(supervisor).post(f"/cases/{case.id}/transition", data={
        "action": "declare_not_admissible", "reason": reason})
    assert response.status_code == 400
    html = page(response)
    assert "There is no such action." not in html
    assert "Please correct the fields marked below." in html
    assert re.search(r'id="declare_not_admissible-reason-error">[^<]*5000', html)
    assert reason.rstrip() in html  # the textarea keeps what was typed
    assert 'id="refer_out-reason-error"' not in html  # the other steps' forms stay clean
    assert_unchanged(case, CaseStatus.TRIAGE)


def test_invalid_form_for_a_step_not_offered_now_says_why(login, supervisor):
    case = committed(make_case(status=CaseStatus.REGISTERED))
    client = login(supervisor)
    response = client.post(f"/cases/{case.id}/transition", data={
        "action": "declare_not_admissible", "reason": "x" * 5001})
    assert response.status_code == 302
    assert "is not possible while" in page(client.get(response.headers["Location"]))
    assert_unchanged(case, CaseStatus.REGISTERED)


# -- editing keeps a case within the regions its editor covers (review finding 8) --------------


def test_edit_offers_and_accepts_only_facilities_of_covered_regions(login, caseworker):
    make_facility(region=Region.ASTANA, name="Astana remand centre")
    elsewhere = make_facility(region=Region.KARAGANDA, name="Karaganda colony")
    case = committed(make_case(region=Region.ASTANA, assignees=(caseworker,), summary="Kept"))
    client = login(caseworker)
    form = page(client.get(f"/cases/{case.id}/edit"))
    assert "Astana remand centre" in form
    assert "Karaganda colony" not in form
    response = client.post(f"/cases/{case.id}/edit", data={
        "summary": "Moved away", "description": "", "facility": elsewhere.id, "version": 1})
    assert response.status_code == 400
    assert 'id="facility-error"' in page(response)
    assert 'value="Moved away"' in page(response)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.region, case.facility_id, case.summary, case.version) == (
        Region.ASTANA, None, "Kept", 1)
    assert client.get(f"/cases/{case.id}").status_code == 200  # still theirs


def test_edit_page_shows_the_services_refusal_on_the_facility_field(
    login, caseworker, monkeypatch
):
    """Should the offered list and the rule ever disagree, the rule wins, next to the field."""
    from casework.cases import queries

    elsewhere = make_facility(region=Region.KARAGANDA)
    case = committed(make_case(region=Region.ASTANA, assignees=(caseworker,)))
    monkeypatch.setattr(queries, "selectable_facilities", lambda user, case: [elsewhere])
    response = login(caseworker).post(f"/cases/{case.id}/edit", data={
        "summary": "Moved", "description": "", "facility": elsewhere.id, "version": 1})
    assert response.status_code == 400
    assert re.search(r'id="facility-error">[^<]*outside your region', page(response))
    db.session.expire_all()
    assert db.session.get(Case, case.id).region is Region.ASTANA


# -- a save that loses a race answers 409, for every case action (review finding 12) -----------


def _bump_version_first(monkeypatch, name: str) -> None:
    """Another request saves the case after this one loaded it and before it commits."""
    from casework.cases import services

    real = getattr(services, name)

    def racing(*args, **kwargs):
        db.session.execute(sa.update(Case.__table__).values(version=Case.__table__.c.version + 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(services, name, racing)


def assert_conflict_page(response) -> None:
    assert response.status_code == 409
    html = page(response)
    assert 'class="error-page"' in html
    assert "Someone else changed this case at the same moment" in html
    assert "Traceback" not in html


VERSIONED = [
    ("apply_transition", "transition", {"action": "start_triage"}),
    ("extend_deadline", "extend", {"new_due": "2026-12-23", "ground": "Expert report"}),
    ("record_first_action", "first-action", {}),
]


@time_machine.travel(date(2026, 11, 10))
@pytest.mark.parametrize(("service", "path", "data"), VERSIONED, ids=lambda v: str(v)[:20])
def test_action_racing_another_save_answers_409_and_saves_nothing(
    login, supervisor, monkeypatch, service, path, data
):
    case = committed(make_case(is_urgent=True, first_action_due=date(2026, 11, 3),
                               decision_due=date(2026, 11, 23)))
    _bump_version_first(monkeypatch, service)
    response = login(supervisor).post(f"/cases/{case.id}/{path}", data=data)
    assert_conflict_page(response)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.decision_due, case.first_action_on) == (
        CaseStatus.REGISTERED, date(2026, 11, 23), None)
    assert case.tasks == []
    assert audit_actions(case) == []
    assert event_kinds(case) == []


@pytest.mark.parametrize(("service", "path"), [
    ("assign_case", "assign"), ("unassign_case", "unassign"), ("complete_task", "task"),
    ("add_note", "notes"), ("mark_out_of_mandate", "out-of-mandate"),
])
def test_every_other_case_action_answers_a_lost_race_with_409(
    login, supervisor, caseworker, monkeypatch, service, path
):
    from sqlalchemy.orm.exc import StaleDataError

    from casework.cases import services

    case = make_case(status=CaseStatus.TRIAGE, assignees=(caseworker,))
    case.tasks.append(_task(TaskKind.NOTIFY_EXTENSION))
    committed(case)
    data = {"assign": {"assignee": f"{make_user(Role.LAWYER).id}:lawyer"},
            "unassign": {"user": caseworker.id}, "notes": {"body": "Called the colony."},
            "out-of-mandate": {"confirmed": "y"}}
    db.session.commit()

    def lost_race(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s)")

    monkeypatch.setattr(services, service, lost_race)
    url = f"/cases/{case.id}/" + (f"tasks/{case.tasks[0].id}/done" if path == "task" else path)
    assert_conflict_page(login(supervisor).post(url, data=data.get(path, {})))


# -- UX review: categories, details, conflict table, tasks, layout -----------------------------


def checked_categories(html: str) -> dict[str, bool]:
    """The edit form's category checkboxes: label → checked."""
    boxes = re.findall(r'<input( checked)? id="categories-\d+" name="categories" type="checkbox"'
                       r' value="\d+">\s*<label for="categories-\d+">([^<]+)</label>', html)
    return {label: bool(checked) for checked, label in boxes}


def test_editing_one_category_keeps_the_others_checked(login, caseworker):
    torture, medical, family = (make_category(c) for c in ("torture", "medical", "family"))
    case = make_case(assignees=(caseworker,))
    case.categories = [torture, medical]
    committed(case)
    client = login(caseworker)
    form = page(client.get(f"/cases/{case.id}/edit"))
    assert checked_categories(form) == {"Torture": True, "Medical": True, "Family": False}
    # Ticking one more box sends the boxes already ticked along with it.
    client.post(f"/cases/{case.id}/edit", data={
        "summary": case.summary, "description": "", "facility": 0, "version": 1,
        "categories": [torture.id, medical.id, family.id]})
    db.session.refresh(case)
    assert {c.code for c in case.categories} == {"torture", "medical", "family"}
    form = page(client.get(f"/cases/{case.id}/edit"))
    assert checked_categories(form) == {"Torture": True, "Medical": True, "Family": True}


def test_details_show_findings_recommendations_and_the_closing_reason(login, supervisor):
    from casework.cases import services

    case = make_case(status=CaseStatus.INVESTIGATION)
    services.apply_transition(case, "propose_recommendations", actor=supervisor,
                              reason="Bruises documented by the doctor.")
    make_recommendation(case, record_status=RecordStatus.CLOSED,
                        implementation=Implementation.IMPLEMENTED)
    services.apply_transition(case, "start_follow_up", actor=supervisor)
    services.apply_transition(case, "close", actor=supervisor, outcome="resolved",
                              reason="Officer disciplined.")
    committed(case)
    html = page(login(supervisor).get(f"/cases/{case.id}"))
    details = html.split('id="facts-heading"')[1].split("</section>")[0]
    for label, text in (("Findings", "Bruises documented by the doctor."),
                        ("Reason for closing", "Officer disciplined.")):
        assert re.search(rf"<h3>{label}</h3>\s*<p class=\"note-body\">{text}</p>", details)


def test_conflict_table_shows_the_value_when_opened_now_and_yours(login, caseworker, supervisor):
    from casework.cases import services

    case = committed(make_case(assignees=(caseworker,), summary="Original"))
    services.edit_case(case, expected_version=1, actor=supervisor,
                       changes={"summary": "Supervisor's words"})
    committed(case)
    response = login(caseworker).post(f"/cases/{case.id}/edit", data={
        "summary": "My careful wording", "description": "", "facility": 0, "version": 1})
    html = page(response)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["Field", "When you opened the form", "Now", "Your value", "Who", "When"]
    row = re.search(r'<th scope="row">Summary</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[:4] == ["Original", "Supervisor&#39;s words", "My careful wording",
                         supervisor.full_name]
    assert 'value="My careful wording"' in html


def test_task_button_says_mark_as_done(login, supervisor):
    case = make_case()
    case.tasks.append(_task(TaskKind.NOTIFY_EXTENSION))
    committed(case)
    html = page(login(supervisor).get(f"/cases/{case.id}"))
    assert ">Mark as done</button>" in html


def test_out_of_mandate_asks_for_confirmation(login, caseworker):
    case = committed(make_case(status=CaseStatus.TRIAGE, assignees=(caseworker,)))
    client = login(caseworker)
    html = page(client.get(f"/cases/{case.id}"))
    assert re.search(r'<input id="mandate-confirmed" name="confirmed" required type="checkbox"',
                     html)
    assert "The complaint is outside the office's mandate" in html
    refused = client.post(f"/cases/{case.id}/out-of-mandate")
    assert refused.status_code == 400
    assert "Tick the box to confirm." in page(refused)
    db.session.refresh(case)
    assert case.tasks == []
    client.post(f"/cases/{case.id}/out-of-mandate", data={"confirmed": "y"})
    db.session.refresh(case)
    assert [t.kind for t in case.tasks] == [TaskKind.FORWARD_OUT_OF_MANDATE]


def test_case_list_scrolls_its_table_clamps_summaries_and_groups_the_buttons(login, supervisor):
    long = "Beaten during a cell search and denied a doctor for three days " * 3
    committed(make_case(summary=long.strip(), status=CaseStatus.FOLLOW_UP))
    html = page(login(supervisor).get("/cases"))
    assert re.search(r'<div class="table-scroll">\s*<table class="list">', html)
    assert f'<div class="clamp-2" title="{long.strip()}">' in html
    actions = html.split('<div class="filter-actions">')[1].split("</div>\n</form>")[0]
    assert "Overdue only" in actions
    assert ">Filter</button>" in actions
    assert ">Clear</a>" in actions
    assert re.search(r'<small class="muted"[^>]*>decided</small>', html)


def test_assignee_and_remove_button_share_one_row(login, supervisor, caseworker):
    case = committed(make_case(assignees=(caseworker,)))
    html = page(login(supervisor).get(f"/cases/{case.id}"))
    row = html.split('<li class="assignee">')[1].split("</li>")[0]
    assert caseworker.full_name in row
    assert ">Remove</button>" in row
