"""Repeat findings: the same facility and category within 24 months before, counted from an
earlier visit or case and not when found not substantiated; the Python check and the SQL
expression the lists use give the same answer, at the window's edges too."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework.extensions import db
from casework.reference.models import Category, Facility
from casework.violations.models import Violation, ViolationStatus
from casework.violations.repeats import earlier_finding, is_repeat, months_before, repeat_clause
from casework.visits.models import Visit, VisitStatus
from tests.factories import make_case, make_category, make_facility, make_violation, make_visit

S = ViolationStatus


@pytest.fixture
def facility() -> Facility:
    return make_facility(name="Colony No. 3")


@pytest.fixture
def category() -> Category:
    return make_category("conditions")


def visit_on(facility: Facility, day: date, **kw) -> Visit:
    return make_visit(facility, status=VisitStatus.CONDUCTED, starts_on=day, **kw)


def finding(facility: Facility, category: Category, day: date, **kw) -> Violation:
    visit = kw.pop("visit", None) or visit_on(facility, day)
    return make_violation(visit=visit, category=category, found_on=day,
                          status=kw.pop("status", S.SUBSTANTIATED), **kw)


def listed_as_repeat(violation: Violation) -> bool:
    """What the lists say (the SQL expression), for the same violation."""
    return bool(db.session.scalar(
        sa.select(repeat_clause()).where(Violation.id == violation.id)))


def both(violation: Violation) -> tuple[bool, bool]:
    return is_repeat(violation), listed_as_repeat(violation)


@pytest.mark.parametrize(("earlier_day", "repeats"), [
    (date(2024, 11, 10), True),   # exactly 24 months before
    (date(2024, 11, 9), False),   # a day more
    (date(2026, 11, 9), True),    # the day before
    (date(2026, 11, 10), False),  # the same day: not earlier
])
def test_the_window_is_24_months_before_the_day_found(facility, category, earlier_day, repeats):
    finding(facility, category, earlier_day)
    later = finding(facility, category, date(2026, 11, 10))
    assert both(later) == (repeats, repeats)


@pytest.mark.parametrize(("earlier_day", "repeats"), [
    (date(2026, 2, 28), True), (date(2026, 2, 27), False), (date(2026, 3, 1), True),
])
def test_a_29_february_looks_back_to_the_end_of_february(facility, category, earlier_day,
                                                        repeats):
    finding(facility, category, earlier_day)
    later = finding(facility, category, date(2028, 2, 29))
    assert both(later) == (repeats, repeats)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 11, 10), date(2024, 11, 10)),
    (date(2028, 2, 29), date(2026, 2, 28)),
    (date(2026, 3, 31), date(2024, 3, 31)),
    (date(2024, 2, 29), date(2022, 2, 28)),
])
def test_the_sql_window_start_is_the_calendar_one(day, expected):
    assert db.session.scalar(sa.select(months_before(sa.literal(day, sa.Date), 24))) == expected


def test_another_facility_or_category_is_no_repeat(facility, category):
    finding(make_facility(), category, date(2026, 1, 10))
    finding(facility, make_category("food"), date(2026, 1, 10))
    later = finding(facility, category, date(2026, 11, 10))
    assert both(later) == (False, False)


def test_an_earlier_finding_found_not_substantiated_does_not_count(facility, category):
    finding(facility, category, date(2026, 1, 10), status=S.NOT_SUBSTANTIATED)
    later = finding(facility, category, date(2026, 11, 10))
    assert both(later) == (False, False)


def test_an_earlier_alleged_violation_counts(facility, category):
    earlier = finding(facility, category, date(2026, 1, 10), status=S.ALLEGED)
    later = finding(facility, category, date(2026, 11, 10))
    assert both(later) == (True, True)
    assert earlier_finding(later) == earlier


def test_a_violation_found_not_substantiated_is_never_marked(facility, category):
    finding(facility, category, date(2026, 1, 10))
    later = finding(facility, category, date(2026, 11, 10), status=S.NOT_SUBSTANTIATED)
    assert both(later) == (False, False)


def test_findings_of_the_same_visit_or_case_are_one_finding(facility, category):
    visit = make_visit(facility, status=VisitStatus.CONDUCTED, starts_on=date(2026, 11, 10),
                       ends_on=date(2026, 11, 12))
    finding(facility, category, date(2026, 11, 10), visit=visit)
    third_day = finding(facility, category, date(2026, 11, 12), visit=visit)
    assert both(third_day) == (False, False)
    elsewhere = make_facility()
    case = make_case(facility=elsewhere)
    make_violation(case=case, category=category, found_on=date(2026, 3, 1))
    again = make_violation(case=case, category=category, found_on=date(2026, 4, 1))
    assert both(again) == (False, False)


def test_a_complaint_repeats_a_visits_finding_and_the_latest_earlier_one_is_named(
        facility, category):
    finding(facility, category, date(2025, 5, 1))
    latest = finding(facility, category, date(2026, 5, 1))
    complaint = make_violation(case=make_case(facility=facility), category=category,
                               found_on=date(2026, 11, 2), status=S.ALLEGED)
    assert both(complaint) == (True, True)
    assert earlier_finding(complaint) == latest


def test_a_violation_without_facility_is_no_repeat(category):
    case = make_case()
    make_violation(case=make_case(), category=category, found_on=date(2026, 1, 1),
                   facility=None)
    later = make_violation(case=case, category=category, found_on=date(2026, 2, 1),
                           facility=None)
    assert both(later) == (False, False)


def test_an_unsaved_violation_is_checked_before_it_is_recorded(facility, category):
    finding(facility, category, date(2026, 1, 10))
    visit = visit_on(facility, date(2026, 11, 10))
    draft = Violation(visit=visit, facility=facility, category=category,
                      found_on=date(2026, 11, 10), status=S.SUBSTANTIATED)
    assert is_repeat(draft)
