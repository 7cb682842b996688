"""Working-day arithmetic on the Kazakhstan calendar, counted by hand against a wall calendar."""

from datetime import date

import pytest

from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind
from casework.workdays import WorkingCalendar


@pytest.fixture
def plain() -> WorkingCalendar:
    """Weekends and public holidays only, no government transfers."""
    return WorkingCalendar()


def test_fifteen_working_days_in_a_month_without_holidays(plain):
    # Mon 2 Nov 2026: 3-6, 9-13, 16-20 are 14 days; the 15th is Mon 23 Nov.
    assert plain.add_working_days(date(2026, 11, 2), 15) == date(2026, 11, 23)


def test_nauryz_holidays_push_fifteen_working_days_back_by_three(plain):
    # Fri 13 Mar 2026: 16-20 (5), Nauryz 21-25 Mar is off, 26-27 (7), 30-31 (9),
    # 1-3 Apr (12), 6-8 Apr (15). Without Nauryz the answer would be Fri 3 Apr.
    assert plain.add_working_days(date(2026, 3, 13), 15) == date(2026, 4, 8)
    assert not plain.is_working_day(date(2026, 3, 24))  # Tuesday, observed holiday


def test_independence_day_is_skipped(plain):
    # Tue 15 Dec 2026 + 1 working day: Wed 16 Dec is Independence Day.
    assert not plain.is_working_day(date(2026, 12, 16))
    assert plain.add_working_days(date(2026, 12, 15), 1) == date(2026, 12, 17)


def test_weekend_is_skipped_and_start_day_not_counted(plain):
    assert plain.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Fri → Mon
    assert plain.add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)  # Sat → Mon
    assert plain.add_working_days(date(2026, 11, 9), 0) == date(2026, 11, 9)


def test_transferred_day_off_from_the_table_is_not_a_working_day():
    day_off = date(2026, 12, 4)  # a Friday the government turned into a day off
    db.session.add(CalendarDay(day=day_off, kind=CalendarDayKind.DAY_OFF, note="transfer"))
    db.session.flush()
    calendar = WorkingCalendar.load()
    assert not calendar.is_working_day(day_off)
    assert calendar.add_working_days(date(2026, 12, 3), 1) == date(2026, 12, 7)
    assert WorkingCalendar().add_working_days(date(2026, 12, 3), 1) == day_off


def test_working_saturday_from_the_table_counts():
    saturday = date(2026, 12, 5)
    db.session.add(CalendarDay(day=saturday, kind=CalendarDayKind.WORKING_DAY))
    db.session.flush()
    calendar = WorkingCalendar.load()
    assert calendar.add_working_days(date(2026, 12, 4), 1) == saturday
    # 15 days from Mon 30 Nov: 1-4 Dec (4), Sat 5 (5), 7-11 (10), 14, 15, 17, 18 (14), 21 (15).
    assert calendar.add_working_days(date(2026, 11, 30), 15) == date(2026, 12, 21)
    assert WorkingCalendar().add_working_days(date(2026, 11, 30), 15) == date(2026, 12, 22)


def test_working_days_between_counts_after_start_up_to_end(plain):
    assert plain.working_days_between(date(2026, 12, 14), date(2026, 12, 18)) == 3  # 15,17,18
    assert plain.working_days_between(date(2026, 12, 18), date(2026, 12, 14)) == -3
    assert plain.working_days_between(date(2026, 12, 14), date(2026, 12, 14)) == 0
