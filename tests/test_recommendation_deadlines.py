"""What issuing sets (number, dates, deadlines on the Kazakhstan calendar), and "overdue",
"due soon" and the ageing buckets of deadlines.py with a frozen clock: the SQL conditions the
register, dashboard and reminders count with must agree with the model's day counts.

Holidays here are those `holidays` 0.108 lists for KZ: 16 December (Independence Day), 1-2
January (New Year; in 2027 the 2nd is a Saturday, so Monday 4 January is off), 7 January
(Orthodox Christmas, never moved), 8 March (in 2026 a Sunday: Monday 9 March is off) and
21-23 March (Nauryz; in 2026 the 21st and 22nd fall on a weekend: 24 and 25 March are off).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.database import OFFICE_TZ, office_today
from casework.extensions import db
from casework.recommendations import deadlines, services
from casework.recommendations.deadlines import IMPLEMENTATION, REPLY, Ageing, TrackedDeadline
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    RecordStatus,
    Response,
)
from casework.recommendations.models import DeadlineKind, Recommendation
from casework.reference.models import CalendarDay, CalendarDayKind
from tests.factories import make_authority, make_recommendation
from tests.test_recommendation_rules import issued, refused, reply, verify


def office_time(day: date) -> datetime:
    """Mid-morning of `day` in Almaty: the office's date whatever the server's zone."""
    return datetime(day.year, day.month, day.day, 10, tzinfo=OFFICE_TZ)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """A frozen clock, on Wednesday 6 January 2027 unless the test moves it."""
    with time_machine.travel(office_time(date(2027, 1, 6)), tick=False) as traveller:
        yield traveller


def issue_on(day: date, supervisor, clock, months: int = 3, **kw) -> Recommendation:
    clock.move_to(office_time(day))
    recommendation = make_recommendation(**kw)
    services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=months)
    return recommendation


def matching(clause: sa.ColumnElement[bool]) -> set[int]:
    return set(db.session.scalars(sa.select(Recommendation.id).where(clause)))


# -- issuing: number, dates and both deadlines ------------------------------------------------


def test_issue_numbers_dates_and_sets_both_deadlines(supervisor, clock):
    first = issue_on(date(2026, 12, 10), supervisor, clock)
    assert first.number == "R-2026-00001"
    assert (first.issued_on, first.issued_by) == (date(2026, 12, 10), supervisor)
    # 15 working days: 11, 14, 15, (16 Independence Day), 17, 18 (5), 21-25 (10), 28-31 (14),
    # (1 January, the weekend, 4 January in lieu of Saturday the 2nd), Tuesday 5 January.
    assert first.reply_due == date(2027, 1, 5)
    assert first.implementation_due == date(2027, 3, 10)
    second = issue_on(date(2026, 12, 11), supervisor, clock)
    assert second.number == "R-2026-00002"


def test_numbers_start_again_each_year_on_the_offices_date(supervisor, clock):
    issue_on(date(2026, 12, 30), supervisor, clock)
    # 20:00 UTC on New Year's Eve is already 1 January in Almaty.
    clock.move_to(datetime(2026, 12, 31, 20, tzinfo=UTC))
    recommendation = make_recommendation()
    services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=1)
    assert (recommendation.number, recommendation.issued_on) == ("R-2027-00001", date(2027, 1, 1))


@pytest.mark.parametrize(
    ("issued_on", "reply_due"),
    [
        (date(2026, 11, 2), date(2026, 11, 23)),  # no holiday: three weeks
        (date(2026, 12, 10), date(2027, 1, 5)),  # Independence Day and New Year
        # 18, 21-25 (6), 28-31 (10), 5, 6 (12), (7 Orthodox Christmas), 8, 11, 12.
        (date(2026, 12, 17), date(2027, 1, 12)),
        # 3-6 (4), (9 for 8 March), 10-13 (8), 16-20 (13), (23-25 Nauryz), 26, 27.
        (date(2026, 3, 2), date(2026, 3, 27)),
    ],
)
def test_the_reply_is_due_15_working_days_after_the_issue(issued_on, reply_due, supervisor,
                                                           clock):
    assert issue_on(issued_on, supervisor, clock).reply_due == reply_due


@pytest.mark.parametrize(
    ("days", "reply_due"),
    [
        (10, date(2026, 12, 25)),  # 11, 14, 15, (16), 17, 18, 21-25
        # After the 15th on 5 January: 6, (7), 8, 11-15, 18-22, 25-27.
        (30, date(2027, 1, 27)),
    ],
)
def test_an_authoritys_own_reply_period_overrides_the_default(days, reply_due, supervisor,
                                                               clock):
    authority = make_authority(response_period_days=days)
    recommendation = issue_on(date(2026, 12, 10), supervisor, clock, authority=authority)
    assert recommendation.reply_due == reply_due


@pytest.mark.parametrize(
    ("calendar_day", "kind", "reply_due"),
    [
        # The government moves a day off to Thursday 31 December: one working day later.
        (date(2026, 12, 31), CalendarDayKind.DAY_OFF, date(2027, 1, 6)),
        # A working Saturday on 19 December counts: 11 ... 18 (5), 19 (6), 21-25, 28-31 (15).
        (date(2026, 12, 19), CalendarDayKind.WORKING_DAY, date(2026, 12, 31)),
    ],
    ids=["transferred-day-off", "working-saturday"],
)
def test_the_admins_calendar_moves_the_reply_deadline(calendar_day, kind, reply_due,
                                                      supervisor, clock):
    db.session.add(CalendarDay(day=calendar_day, kind=kind, note="Government decree"))
    db.session.flush()
    assert issue_on(date(2026, 12, 10), supervisor, clock).reply_due == reply_due


@pytest.mark.parametrize(
    ("months", "implementation_due"),
    [(1, date(2027, 1, 10)), (3, date(2027, 3, 10)), (6, date(2027, 6, 10)),
     (12, date(2027, 12, 10))],
)
def test_implementation_is_due_the_chosen_months_after_the_issue(months, implementation_due,
                                                                 supervisor, clock):
    recommendation = issue_on(date(2026, 12, 10), supervisor, clock, months=months)
    assert recommendation.implementation_due == implementation_due


@pytest.mark.parametrize("months", [None, 0, 2, 24])
def test_an_implementation_period_not_offered_is_refused_without_taking_a_number(
    months, supervisor, clock
):
    recommendation = make_recommendation()
    with refused(recommendation, field="implementation_months"):
        services.apply_step(recommendation, "issue", actor=supervisor,
                            implementation_months=months)
    assert issue_on(date(2027, 1, 6), supervisor, clock).number == "R-2027-00001"


# -- overdue, due soon and ageing, for each deadline ------------------------------------------

# Calendar days past the deadline (negative: days still left) and the bucket each falls in.
BUCKETS = {1: Ageing.UP_TO_30, 30: Ageing.UP_TO_30, 31: Ageing.UP_TO_90, 90: Ageing.UP_TO_90,
           91: Ageing.OVER_90, 400: Ageing.OVER_90}
DAYS_PAST = [-8, -7, -1, 0, *BUCKETS]


def past_deadline(deadline: TrackedDeadline, days: int, today: date, **kw) -> Recommendation:
    """An issued recommendation whose `deadline` was `days` ago; the other one not running."""
    due = today - timedelta(days=days)
    if deadline is REPLY:  # a long implementation period, not yet near
        return issued(issued_on=due - timedelta(days=21), reply_due=due,
                      implementation_due=today + timedelta(days=60), **kw)
    # The authority answered in time; the office has not verified anything yet.
    return issued(issued_on=due - timedelta(days=90), reply_due=due - timedelta(days=69),
                  implementation_due=due, response=Response.ACCEPTED, **kw)


def overdue_days(recommendation: Recommendation, deadline: TrackedDeadline, today: date) -> int:
    if deadline is REPLY:
        return recommendation.reply_overdue_days(today)
    return recommendation.implementation_overdue_days(today)


@pytest.mark.parametrize("deadline", [REPLY, IMPLEMENTATION], ids=lambda d: d.kind.value)
@pytest.mark.parametrize("days", DAYS_PAST)
def test_overdue_due_soon_and_ageing_agree_in_sql_and_in_the_model(deadline, days, clock):
    today = office_today()
    recommendation = past_deadline(deadline, days, today)
    found = {recommendation.id}

    assert overdue_days(recommendation, deadline, today) == max(days, 0)
    assert deadlines.days_overdue(recommendation, today) == max(days, 0)
    is_overdue = days >= 1  # due today is not overdue yet
    for clause in (deadline.overdue(today), deadlines.overdue(today)):
        assert matching(clause) == (found if is_overdue else set())
    is_due_soon = -7 <= days <= 0
    for clause in (deadline.due_soon(today), deadlines.due_soon(today)):
        assert matching(clause) == (found if is_due_soon else set())
    bucket = BUCKETS.get(days)
    assert Ageing.of(max(days, 0)) is bucket
    for each in Ageing:
        expected = found if each is bucket else set()
        assert matching(deadline.ageing(today, each)) == expected, each
        assert matching(deadlines.ageing(today, each)) == expected, each


@pytest.mark.parametrize(
    ("reply_days", "implementation_days"),
    [(40, 20), (10, 100), (95, 35), (31, 30)],
)
def test_an_item_overdue_on_both_deadlines_ages_by_the_longer_one(
    reply_days, implementation_days, clock
):
    """The register filters by bucket and shows days_overdue: each item sits in one bucket,
    the one its longer overdue period falls in."""
    today = office_today()
    recommendation = issued(issued_on=today - timedelta(days=200),
                            reply_due=today - timedelta(days=reply_days),
                            implementation_due=today - timedelta(days=implementation_days))
    longer = deadlines.days_overdue(recommendation, today)
    assert longer == max(reply_days, implementation_days)
    for bucket in Ageing:
        assert matching(deadlines.ageing(today, bucket)) == (
            {recommendation.id} if bucket is Ageing.of(longer) else set()), bucket
    # Each deadline on its own still ages by its own days (the dashboard counts them apart).
    assert matching(REPLY.ageing(today, Ageing.of(reply_days))) == {recommendation.id}
    assert matching(IMPLEMENTATION.ageing(today, Ageing.of(implementation_days))) == {
        recommendation.id}


def test_due_soon_follows_the_configured_days(app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "RECOMMENDATION_DUE_SOON_DAYS", 3)
    today = office_today()
    in_three = past_deadline(REPLY, -3, today)
    past_deadline(REPLY, -4, today)
    assert matching(REPLY.due_soon(today)) == {in_three.id}


def test_the_reply_deadline_runs_out_on_the_working_day_the_calendar_gives(supervisor, clock):
    """Issued on 10 December, the reply is due on 5 January (not on 31 December, as counting
    weekdays alone would give), and ages from the day after."""
    recommendation = issue_on(date(2026, 12, 10), supervisor, clock, months=12)
    checkpoints = [
        (date(2026, 12, 31), 0, None, True),
        (date(2027, 1, 4), 0, None, True),
        (date(2027, 1, 5), 0, None, True),  # due today: not overdue
        (date(2027, 1, 6), 1, Ageing.UP_TO_30, False),
        (date(2027, 2, 4), 30, Ageing.UP_TO_30, False),
        (date(2027, 2, 5), 31, Ageing.UP_TO_90, False),
        (date(2027, 4, 5), 90, Ageing.UP_TO_90, False),
        (date(2027, 4, 6), 91, Ageing.OVER_90, False),
    ]
    found = {recommendation.id}
    for day, days, bucket, due_soon in checkpoints:
        clock.move_to(office_time(day))
        today = office_today()
        assert recommendation.reply_overdue_days(today) == days, day
        assert matching(REPLY.overdue(today)) == (found if days else set()), day
        assert matching(REPLY.due_soon(today)) == (found if due_soon else set()), day
        for each in Ageing:
            assert matching(REPLY.ageing(today, each)) == (found if each is bucket else set())
        assert recommendation.implementation_overdue_days(today) == 0  # due 10 December 2027


# -- what stops a deadline --------------------------------------------------------------------


def test_a_reply_stops_the_reply_deadline_but_not_the_implementation_one(caseworker, clock):
    today = office_today()
    recommendation = issued(issued_on=today - timedelta(days=60), owner=caseworker,
                            reply_due=today - timedelta(days=10),
                            implementation_due=today - timedelta(days=5))
    reply(recommendation, caseworker, received_on=today - timedelta(days=2),
          response=Response.REJECTED, claimed_implementation=Implementation.IMPLEMENTED)
    assert recommendation.reply_overdue_days(today) == 0
    assert matching(REPLY.overdue(today)) == set()
    # The authority's claim is not a verification: implementation is still overdue.
    assert recommendation.implementation_overdue_days(today) == 5
    assert matching(IMPLEMENTATION.overdue(today)) == {recommendation.id}
    assert matching(deadlines.overdue(today)) == {recommendation.id}
    assert deadlines.days_overdue(recommendation, today) == 5


@pytest.mark.parametrize("implementation", list(Implementation))
def test_only_a_final_verified_implementation_stops_the_implementation_deadline(
    implementation, clock
):
    today = office_today()
    recommendation = past_deadline(IMPLEMENTATION, 20, today, implementation=implementation)
    running = implementation not in FINAL_IMPLEMENTATION
    assert recommendation.implementation_overdue_days(today) == (20 if running else 0)
    assert matching(IMPLEMENTATION.overdue(today)) == ({recommendation.id} if running else set())
    assert matching(IMPLEMENTATION.ageing(today, Ageing.UP_TO_30)) == (
        {recommendation.id} if running else set())


def test_verifying_the_implementation_stops_its_deadline(caseworker, clock):
    today = office_today()
    recommendation = past_deadline(IMPLEMENTATION, 20, today, owner=caseworker)
    verify(recommendation, caseworker, result=Implementation.IN_PROGRESS, verified_on=today)
    assert matching(IMPLEMENTATION.overdue(today)) == {recommendation.id}
    verify(recommendation, caseworker, result=Implementation.IMPLEMENTED, verified_on=today)
    assert matching(IMPLEMENTATION.overdue(today)) == set()
    assert recommendation.implementation_overdue_days(today) == 0


@pytest.mark.parametrize("implementation", list(Implementation))
def test_a_verified_final_outcome_also_ends_the_wait_for_a_reply(implementation, clock):
    today = office_today()
    recommendation = past_deadline(REPLY, 12, today, implementation=implementation)
    waiting = implementation not in FINAL_IMPLEMENTATION
    assert recommendation.reply_overdue_days(today) == (12 if waiting else 0)
    assert matching(REPLY.overdue(today)) == ({recommendation.id} if waiting else set())


def test_a_moved_deadline_is_no_longer_overdue(supervisor, clock):
    today = office_today()
    recommendation = past_deadline(REPLY, 12, today)
    services.change_deadline(recommendation, DeadlineKind.REPLY, today + timedelta(days=5),
                             "The letter was lost in the post.", actor=supervisor)
    assert matching(REPLY.overdue(today)) == set()
    assert matching(REPLY.due_soon(today)) == {recommendation.id}
    assert recommendation.reply_overdue_days(today) == 0


@pytest.mark.parametrize("status", [s for s in RecordStatus if s is not RecordStatus.ISSUED])
def test_drafts_closed_and_withdrawn_recommendations_are_never_overdue(status, clock):
    today = office_today()
    recommendation = make_recommendation(
        record_status=status, issued_on=today - timedelta(days=300),
        reply_due=today - timedelta(days=200), implementation_due=today - timedelta(days=100),
    )
    assert deadlines.days_overdue(recommendation, today) == 0
    clauses = [deadlines.overdue(today), deadlines.due_soon(today),
               *(deadlines.ageing(today, bucket) for bucket in Ageing)]
    for clause in clauses:
        assert matching(clause) == set()
    # Nor soon due: a withdrawn record's deadline next week binds nobody.
    recommendation.reply_due = today + timedelta(days=2)
    assert matching(deadlines.due_soon(today)) == set()
