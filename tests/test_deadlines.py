"""Case deadlines: periods in working days, extensions within two months, overdue states."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from casework.accounts.roles import Role
from casework.cases import deadlines, services
from casework.cases.models import TaskKind
from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar
from tests.factories import make_case, make_user


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_decision_is_due_fifteen_working_days_after_registration(calendar):
    assert deadlines.decision_due(date(2026, 11, 2), calendar) == date(2026, 11, 23)
    # Registered Thu 10 Dec 2026: 11, 14, 15, (16 Independence Day), 17, 18 (5), 21-25 (10),
    # 28-31 (14); 1-4 Jan 2027 are New Year, a weekend and the observed Monday: Tue 5 Jan.
    assert deadlines.decision_due(date(2026, 12, 10), calendar) == date(2027, 1, 5)


def test_short_periods_skip_weekends_and_holidays(calendar):
    assert deadlines.first_action_due(date(2026, 12, 15), calendar) == date(2026, 12, 17)
    assert deadlines.forward_due(date(2026, 11, 5), calendar) == date(2026, 11, 10)
    assert deadlines.extension_notice_due(date(2026, 3, 20), calendar) == date(2026, 3, 30)


def test_periods_come_from_the_configuration(app, calendar, monkeypatch):
    monkeypatch.setitem(app.config, "DECISION_PERIOD_DAYS", 10)
    assert deadlines.decision_due(date(2026, 11, 2), calendar) == date(2026, 11, 16)


def test_admin_calendar_changes_the_decision_date():
    db.session.add(CalendarDay(day=date(2026, 11, 13), kind=CalendarDayKind.DAY_OFF))
    db.session.flush()
    assert deadlines.decision_due(date(2026, 11, 2), WorkingCalendar.load()) == date(2026, 11, 24)


def test_latest_extension_counts_from_the_first_deadline():
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    case = make_case(decision_due=date(2026, 11, 30))
    assert deadlines.latest_extension(case) == date(2027, 1, 30)
    services.extend_deadline(case, date(2026, 12, 20), "Expert report", actor=supervisor)
    # A second extension still ends two months after the original 30 November.
    assert deadlines.latest_extension(case) == date(2027, 1, 30)


def test_add_months_clamps_to_the_end_of_the_month():
    assert deadlines.add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)


@time_machine.travel(date(2026, 11, 20))
def test_extension_rules(app):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    case = make_case(decision_due=date(2026, 11, 30))
    for new_due, ground in [
        (date(2026, 11, 30), "Expert"),  # not after the current deadline
        (date(2027, 1, 31), "Expert"),  # beyond two months
        (date(2026, 12, 10), "  "),  # no ground
    ]:
        with pytest.raises(services.Refusal):
            services.extend_deadline(case, new_due, ground, actor=supervisor)
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    case.assignments.clear()
    with pytest.raises(services.NotAllowed):
        services.extend_deadline(case, date(2026, 12, 10), "Expert", actor=caseworker)

    extension = services.extend_deadline(case, date(2027, 1, 30), "Expert", actor=supervisor)
    assert (extension.previous_due, extension.new_due) == (date(2026, 11, 30), date(2027, 1, 30))
    assert case.decision_due == date(2027, 1, 30)
    [task] = case.tasks
    # Fri 20 Nov + 3 working days = Wed 25 Nov.
    assert (task.kind, task.due_on) == (TaskKind.NOTIFY_EXTENSION, date(2026, 11, 25))


@pytest.mark.parametrize(("today", "overdue", "soon", "days_left"), [
    (date(2026, 11, 24), True, False, -1),
    (date(2026, 11, 23), False, True, 0),
    (date(2026, 11, 18), False, True, 5),
    (date(2026, 11, 17), False, False, 6),
])
def test_deadline_state(today, overdue, soon, days_left):
    state = deadlines.deadline_state(date(2026, 11, 23), today)
    assert (state.is_overdue, state.is_due_soon, state.days_left) == (overdue, soon, days_left)


def test_deadline_state_uses_the_office_clock():
    # 23:30 UTC on 22 Nov is already 23 Nov in Almaty (UTC+5).
    with time_machine.travel("2026-11-22T23:30:00+00:00"):
        assert deadlines.deadline_state(date(2026, 11, 23)).days_left == 0


@time_machine.travel(date(2026, 11, 25))
def test_case_page_flags_an_overdue_decision(login):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    case = make_case(decision_due=date(2026, 11, 23))
    db.session.commit()
    html = login(supervisor).get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'class="deadline overdue"' in html
    assert "2 days overdue" in html
