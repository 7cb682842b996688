"""Repeat findings (DESIGN.md §4): a violation repeats an earlier one at the same facility in
the same category within REPEAT_WINDOW_MONTHS before it.

The earlier violation counts unless it was found not substantiated, and it must come from
another visit or case: a visit that finds the same thing on its first and third day, or a
complaint that alleges two beatings, is one finding, not its repetition. "Before" is by the
day found; two findings of the same day do not repeat each other. A violation found not
substantiated is never marked as a repeat itself.

`is_repeat()` answers for one violation (saved or not); `repeat_clause()` is the same rule
in SQL for lists. Both take the window's start as add_months() does: 29 Feb 2028 looks back
to 28 Feb 2026.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from casework.cases.deadlines import add_months
from casework.extensions import db
from casework.violations.models import REPEAT_WINDOW_MONTHS, Violation, ViolationStatus


class months_before(FunctionElement[date]):
    """The date `months` calendar months before `day`, the month's last day when that day
    does not exist in it (as add_months)."""

    type = sa.Date()
    inherit_cache = True
    name = "months_before"

    def __init__(self, day: Any, months: int) -> None:
        # The month count is a literal of the statement (and so of its cache key).
        super().__init__(day, sa.literal_column(str(int(months))))


@compiles(months_before)
def _months_before_postgresql(element: months_before, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    # PostgreSQL's interval arithmetic already ends on the month's last day.
    return f"CAST(({day} - make_interval(months => {months})) AS DATE)"


@compiles(months_before, "sqlite")
def _months_before_sqlite(element: months_before, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    shift = f"'-{months} months'"
    # SQLite rolls 29 Feb into 1 Mar; when the day of the month changed, take the last day
    # of the month before instead.
    return (
        f"(CASE WHEN strftime('%d', date({day}, {shift})) = strftime('%d', {day}) "
        f"THEN date({day}, {shift}) "
        f"ELSE date({day}, 'start of month', {shift}, '+1 month', '-1 day') END)"
    )


def _apart(earlier: Any, this: Any) -> sa.ColumnElement[bool]:
    """The earlier violation is not from the same visit (or case) as this one. `this` is a
    column (in lists) or a value (for one violation)."""
    if this is None:
        return sa.true()
    if isinstance(this, int):
        return sa.or_(earlier.is_(None), earlier != this)
    return sa.or_(earlier.is_(None), this.is_(None), earlier != this)


def _earlier_findings(
    earlier: Any,
    *,
    facility_id: Any,
    category_id: Any,
    found_on: Any,
    since: Any,
    case_id: Any,
    visit_id: Any,
) -> list[sa.ColumnElement[bool]]:
    return [
        earlier.facility_id == facility_id,
        earlier.category_id == category_id,
        earlier.status != ViolationStatus.NOT_SUBSTANTIATED,
        earlier.found_on < found_on,
        earlier.found_on >= since,
        _apart(earlier.visit_id, visit_id),
        _apart(earlier.case_id, case_id),
    ]


def repeat_clause() -> sa.ColumnElement[bool]:
    """Whether the listed Violation row is a repeat finding, for selects and filters."""
    earlier = aliased(Violation)
    return sa.and_(
        Violation.facility_id.is_not(None),
        Violation.status != ViolationStatus.NOT_SUBSTANTIATED,
        sa.exists().where(*_earlier_findings(
            earlier, facility_id=Violation.facility_id, category_id=Violation.category_id,
            found_on=Violation.found_on,
            since=months_before(Violation.found_on, REPEAT_WINDOW_MONTHS),
            case_id=Violation.case_id, visit_id=Violation.visit_id,
        )),
    )


def earlier_finding(violation: Violation) -> Violation | None:
    """The latest earlier violation this one repeats, or None when it is not a repeat."""
    facility_id = violation.facility.id if violation.facility else violation.facility_id
    category_id = violation.category.id if violation.category else violation.category_id
    if (facility_id is None or category_id is None
            or violation.status is ViolationStatus.NOT_SUBSTANTIATED):
        return None
    found_on = violation.found_on
    clauses = _earlier_findings(
        Violation, facility_id=facility_id, category_id=category_id, found_on=found_on,
        since=add_months(found_on, -REPEAT_WINDOW_MONTHS),
        case_id=violation.case.id if violation.case else violation.case_id,
        visit_id=violation.visit.id if violation.visit else violation.visit_id,
    )
    if violation.id is not None:
        clauses.append(Violation.id != violation.id)
    with db.session.no_autoflush:
        return db.session.scalars(
            sa.select(Violation).where(*clauses)
            .order_by(Violation.found_on.desc(), Violation.id.desc()).limit(1)
        ).first()


def is_repeat(violation: Violation) -> bool:
    return earlier_finding(violation) is not None
