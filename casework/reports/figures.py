"""The shapes of the statistics (a period, a figure and the list behind it, a table's row)
and the one grouped count every statistic is made of."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from casework.extensions import db
from casework.reference.regions import Region

# The list pages figures link to, by endpoint (casework/reports/links.py checks they exist).
CASE_LIST = "cases.index"
RECOMMENDATION_REGISTER = "recommendations.register"
VISIT_LIST = "visits.index"
VIOLATION_LIST = "violations.index"


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends before it starts: {self.start} > {self.end}")

    def as_of(self, today: date) -> date:
        """The day a state ("overdue") is read on: the period's last day, or today while the
        period has not ended."""
        return min(self.end, today)

    def holds(self, column: Any) -> sa.ColumnElement[bool]:
        return column.between(self.start, self.end)


@dataclass(frozen=True)
class ListFilter:
    """The list of the items a figure counts: a list page's endpoint and query arguments."""

    endpoint: str
    args: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, endpoint: str, **args: Any) -> ListFilter:
        """Arguments given as None are left out; enums become their values, dates ISO."""
        return cls(endpoint, tuple(
            (name, _arg(value)) for name, value in args.items() if value is not None
        ))


def _arg(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class Figure:
    """One number of a table (a count, or a rate from 0 to 1; None when there is nothing to
    divide) and the list behind it, if a list can show exactly what it counts."""

    value: int | float | None
    lists: ListFilter | None = None


@dataclass(frozen=True)
class Row:
    """A table row: its label and its figures, in the order of the table's columns."""

    label: str
    figures: tuple[Figure, ...]

    @property
    def count(self) -> int | float | None:
        return self.figures[0].value

    @property
    def lists(self) -> ListFilter | None:
        return self.figures[0].lists


def regions(region: Region | None) -> list[Region]:
    """The rows of a by-region table: every region, or only the one chosen."""
    return [region] if region is not None else list(Region)


def counts_by(
    key: Any,
    where: Iterable[sa.ColumnElement[bool]],
    *counts: sa.ColumnElement[int],
    base: Any = None,
    joins: Sequence[tuple[Any, sa.ColumnElement[bool]]] = (),
) -> dict[Any, tuple[int, ...]]:
    """{key: (count, ...)} in one grouped query. With `joins` the query starts from `base`
    and outer-joins each (table, on) in turn, so a key of None collects the base rows
    without a match."""
    query = sa.select(key, *counts)
    if base is not None:
        query = query.select_from(base)
    for table, on in joins:
        query = query.outerjoin(table, on)
    query = query.where(*where).group_by(key)
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}
