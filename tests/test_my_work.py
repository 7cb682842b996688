"""My work for each role: what comes first, what is counted, and nothing shown twice."""

from __future__ import annotations

import re
from datetime import date

import time_machine

from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import CaseTask, TaskKind
from casework.cases.queries import open_case_counts
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus, Response
from casework.reference.regions import Region
from tests.factories import make_case, make_recommendation, make_user
from tests.test_case_pages import my_work_sections, page


def card(html: str, title: str) -> str:
    """The number on the My work card with this title."""
    found = re.search(rf'<span class="number">(\d+)</span>{re.escape(title)}', html)
    assert found, title
    return found.group(1)


@time_machine.travel(date(2026, 11, 20))
def test_supervisor_sees_urgent_and_unassigned_cases_before_the_deadlines(login):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    worker = make_user(Role.CASEWORKER, full_name="Dana Caseworker")
    make_case(summary="Beaten, no doctor", is_urgent=True, first_action_due=date(2026, 11, 21))
    make_case(summary="Urgent but acted on", is_urgent=True, first_action_due=date(2026, 11, 19),
              first_action_on=date(2026, 11, 19), assignees=(worker,))
    make_case(summary="Late and staffed", decision_due=date(2026, 11, 19), assignees=(worker,))
    db.session.commit()
    html = page(login(supervisor).get("/"))
    sections = my_work_sections(html)
    assert list(sections) == ["urgent", "unassigned", "overdue", "due-soon", "tasks", "assigned"]
    assert "Beaten, no doctor" in sections["urgent"]
    assert "Urgent but acted on" not in sections["urgent"]
    assert "Beaten, no doctor" in sections["unassigned"]
    # Who works on an overdue case is in its row.
    overdue_row = re.search(r"<tr>(?:(?!</tr>).)*Late and staffed.*?</tr>", sections["overdue"],
                            re.S).group(0)
    assert "Dana Caseworker" in overdue_row
    assert "<th scope=\"col\">Assigned to</th>" in sections["overdue"]


def test_open_case_counts_take_one_grouped_query_and_skip_closed_cases():
    worker, lawyer, idle = (make_user(Role.CASEWORKER), make_user(Role.LAWYER),
                            make_user(Role.CASEWORKER))
    make_case(assignees=(worker, lawyer))
    make_case(assignees=(worker,), status=CaseStatus.INVESTIGATION)
    make_case(assignees=(worker,), status=CaseStatus.CLOSED)
    db.session.flush()
    assert open_case_counts() == {worker.id: 2, lawyer.id: 1}
    assert idle.id not in open_case_counts()


def test_assign_dropdown_shows_each_persons_open_cases(login):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    worker = make_user(Role.CASEWORKER, full_name="Dana Caseworker")
    make_case(assignees=(worker,))
    make_case(assignees=(worker,), status=CaseStatus.TRIAGE)
    case = make_case()
    db.session.commit()
    html = page(login(supervisor).get(f"/cases/{case.id}"))
    assert "Dana Caseworker — Caseworker (2 open)" in html


def test_timeline_says_who_was_assigned_and_as_what(login):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    lawyer = make_user(Role.LAWYER, full_name="Svetlana Lawyer")
    case = make_case()
    db.session.commit()
    client = login(supervisor)
    client.post(f"/cases/{case.id}/assign", data={"assignee": f"{lawyer.id}:lawyer"})
    html = page(client.get(f"/cases/{case.id}"))
    timeline = html.split('id="timeline-heading"')[1]
    assert re.search(r"<strong>Assigned</strong>.*?Svetlana Lawyer, as Lawyer", timeline, re.S)


@time_machine.travel(date(2026, 11, 20))
def test_caseworker_counts_a_task_due_tomorrow_as_due_soon(login):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = make_case(summary="Far away", decision_due=date(2026, 12, 30), assignees=(worker,))
    case.tasks.append(CaseTask(kind=TaskKind.NOTIFY_EXTENSION, due_on=date(2026, 11, 21)))
    db.session.commit()
    html = page(login(worker).get("/"))
    assert card(html, "Due soon") == "1"
    assert "including 1 task" in html
    assert card(html, "Overdue") == "0"
    assert card(html, "Open cases assigned to me") == "1"
    assert "Far away" in my_work_sections(html)["assigned"]
    assert "listed above" not in html


@time_machine.travel(date(2026, 11, 20))
def test_a_decided_case_explains_its_past_decision_date(login):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    make_case(summary="In follow-up", status=CaseStatus.FOLLOW_UP,
              decision_due=date(2026, 11, 2), assignees=(worker,))
    db.session.commit()
    html = page(login(worker).get("/"))
    row = my_work_sections(html)["assigned"]
    assert "In follow-up" in row
    assert re.search(r'<small class="muted"[^>]*>decided</small>', row)
    assert "days overdue" not in row
    assert card(html, "Overdue") == "0"


def test_lawyer_sees_my_assigned_cases(login):
    lawyer = make_user(Role.LAWYER)
    make_case(summary="Parole petition", decision_due=date(2099, 1, 5), assignees=(lawyer,))
    db.session.commit()
    html = page(login(lawyer).get("/"))
    assert "Parole petition" in my_work_sections(html)["assigned"]
    assert '<h2 id="assigned">My assigned cases</h2>' in html
    assert "Waiting for assignment" not in html


def test_monitor_sees_the_cases_they_registered_and_what_comes_later(login):
    monitor = make_user(Role.MONITOR)
    make_case(summary="Seen on the visit", created_by=monitor)
    make_case(summary="Someone else's")
    db.session.commit()
    html = page(login(monitor).get("/"))
    assert "lists the complaints you registered" in html
    assert '<a href="/visits">Your visits and their findings</a>' in html
    assert "Seen on the visit" in my_work_sections(html)["registered"]
    assert "Someone else's" not in html
    assert 'class="stat' not in html  # no counters that can only say zero


@time_machine.travel(date(2026, 11, 20))
def test_a_caseworker_sees_the_recommendations_they_follow_up_that_need_them(login):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = make_case(status=CaseStatus.FOLLOW_UP, assignees=(worker,))
    late = {"reply_due": date(2026, 11, 10), "implementation_due": date(2027, 5, 1)}
    make_recommendation(case, record_status=RecordStatus.ISSUED, owner=worker, **late)
    make_recommendation(case, record_status=RecordStatus.ISSUED, owner=worker,
                        reply_due=date(2026, 11, 25), implementation_due=date(2027, 5, 1))
    # Answered in time: nothing is due before the implementation deadline next year.
    make_recommendation(case, record_status=RecordStatus.ISSUED, owner=worker,
                        response=Response.ACCEPTED, **late)
    make_recommendation(case, record_status=RecordStatus.ISSUED, **late)  # someone else's
    db.session.commit()
    html = page(login(worker).get("/"))
    assert card(html, "My recommendations overdue") == "1"
    assert card(html, "My recommendations due within 7 days") == "1"
    assert f"owner={worker.id}&amp;overdue=any" in html


def test_lawyers_have_no_recommendation_cards(login):
    lawyer = make_user(Role.LAWYER)
    db.session.commit()
    assert "My recommendations" not in page(login(lawyer).get("/"))
