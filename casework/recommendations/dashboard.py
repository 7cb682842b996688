"""The recommendations dashboard: what is open, due and overdue, where, and how the authorities
carry recommendations out (DESIGN.md §4). Every figure is one SQL aggregate over the reader's
scope, never rows loaded into Python, so the page stays fast at tens of thousands of records.

Each figure carries the register's query parameters that list exactly the items it counts.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.deadlines import add_months
from casework.database import count_where
from casework.extensions import db
from casework.permissions import visible_recommendations_clause
from casework.recommendations import deadlines
from casework.recommendations.deadlines import Ageing, TrackedDeadline
from casework.recommendations.lifecycle import Implementation, RecordStatus
from casework.recommendations.models import Recommendation, Verification
from casework.recommendations.register import awaiting_approval_by, ready_to_close
from casework.reference.models import Authority, Facility
from casework.reference.regions import Region

TOP_ROWS = 10  # rows per "overdue by ..." and repeat-findings table
TOP_AUTHORITIES = 15  # rows of the implementation-rate table
RATE_MONTHS = 12  # the implementation rate looks at what was issued in these last months
CHART_MONTHS = 12

Params = dict[str, Any]
# Overdue items link to the register with the longest overdue first: those to act on today.
MOST_OVERDUE_FIRST: Params = {"sort": "-days_overdue"}


class ScopeKind(enum.StrEnum):
    COUNTRY = "country"  # a supervisor without a region
    REGION = "region"  # a region's supervisor
    OWN = "own"  # a caseworker: the items they follow up


@dataclass(frozen=True)
class DashboardScope:
    """Which recommendations the dashboard counts for a reader, and the register parameters
    that make the register list the same ones."""

    kind: ScopeKind
    where: sa.ColumnElement[bool]
    params: Params
    region: Region | None = None

    def link(self, **params: Any) -> Params:
        return {**self.params, **params}


def dashboard_scope(user: User) -> DashboardScope:
    """Supervisors see their region (all regions without one), caseworkers their own items;
    the dashboard is theirs only (dashboard_views)."""
    if user.has_role(Role.SUPERVISOR):
        kind = ScopeKind.COUNTRY if user.region is None else ScopeKind.REGION
        return DashboardScope(kind, visible_recommendations_clause(user), {}, user.region)
    return DashboardScope(ScopeKind.OWN, Recommendation.owner_id == user.id,
                          {"owner": user.id})


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard and the register parameters listing what it counts."""

    count: int
    params: Params


@dataclass(frozen=True)
class DeadlineFigures:
    """One deadline's counts: running, due soon, and overdue by ageing bucket."""

    deadline: TrackedDeadline
    running: Figure
    due_soon: Figure
    overdue: Figure
    ageing: list[tuple[Ageing, Figure]]


@dataclass(frozen=True)
class Row:
    name: str
    count: int
    params: Params


@dataclass(frozen=True)
class Grouping:
    """One way of grouping overdue items: the register parameter it filters on, and where
    the rows' names come from (None: a labelled enum)."""

    param: str
    column: sa.orm.InstrumentedAttribute[Any]
    label: LazyString  # the table's column heading
    title: LazyString  # the table's caption
    names: tuple[sa.orm.InstrumentedAttribute[Any], sa.orm.InstrumentedAttribute[Any]] | None


GROUPINGS = (
    Grouping("authority", Recommendation.authority_id, _l("Authority"),
             _l("Overdue by authority"), (Authority.id, Authority.name)),
    Grouping("facility", Recommendation.facility_id, _l("Facility"),
             _l("Overdue by facility"), (Facility.id, Facility.name)),
    Grouping("region", Recommendation.region, _l("Region"), _l("Overdue by region"), None),
    Grouping("owner", Recommendation.owner_id, _l("Caseworker"), _l("Overdue by caseworker"),
             (User.id, User.full_name)),
)
GROUPINGS_BY_PARAM = {grouping.param: grouping for grouping in GROUPINGS}


@dataclass(frozen=True)
class GroupTable:
    grouping: Grouping
    rows: list[Row]
    groups: int  # how many groups there are in all; the table shows the largest


@dataclass(frozen=True)
class RateRow:
    name: str
    issued: int
    implemented: int
    partially: int
    params: Params

    @property
    def share(self) -> float:
        """The share implemented, from 0 to 1 (the page formats it as the locale writes it)."""
        return self.implemented / self.issued if self.issued else 0.0

    @property
    def rate(self) -> int:
        """The share implemented, in whole percent."""
        return round(100 * self.share)


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    issued: int
    implemented: int


@dataclass(frozen=True)
class SupervisorFigures:
    """What waits for a supervisor's own decision."""

    to_approve: Figure  # drafts they may approve (four-eyes)
    ready_to_close: Figure  # issued, implementation verified as final


@dataclass(frozen=True)
class Dashboard:
    scope: DashboardScope
    today: date
    due_soon_days: int
    supervision: SupervisorFigures | None  # for supervisors only
    overdue: Figure  # either deadline
    deadlines: list[DeadlineFigures]
    groups: list[GroupTable]
    rate_since: date
    rates: list[RateRow]
    rate_authorities: int  # authorities with an issued recommendation since rate_since
    repeats_since: date
    repeats: GroupTable
    months: list[MonthRow]


def build_dashboard(user: User, today: date) -> Dashboard:
    scope = dashboard_scope(user)
    overdue, figures = deadline_figures(scope, today)
    rate_since = add_months(today, -RATE_MONTHS)
    rates, rate_authorities = implementation_rates(scope, rate_since, today)
    repeats_since = add_months(today, -int(current_app.config["REPEAT_FINDING_MONTHS"]))
    return Dashboard(
        scope=scope,
        today=today,
        due_soon_days=deadlines.due_soon_days(),
        supervision=supervisor_figures(user, scope),
        overdue=overdue,
        deadlines=figures,
        groups=[overdue_by(scope, grouping, today) for grouping in groupings_for(scope)],
        rate_since=rate_since,
        rates=rates,
        rate_authorities=rate_authorities,
        repeats_since=repeats_since,
        repeats=repeat_findings(scope, repeats_since, today),
        months=monthly(scope, today),
    )


def groupings_for(scope: DashboardScope) -> list[Grouping]:
    """A region's supervisor sees one region and a caseworker only their own items: a table
    of one row would tell them nothing."""
    skip = {ScopeKind.REGION: "region", ScopeKind.OWN: "owner"}.get(scope.kind)
    return [grouping for grouping in GROUPINGS if grouping.param != skip]


# -- 1. counts per deadline -------------------------------------------------------------------


def deadline_figures(scope: DashboardScope, today: date) -> tuple[Figure, list[DeadlineFigures]]:
    """Everything of the two deadlines' cards in one aggregate query over the live records."""
    columns: list[sa.ColumnElement[int]] = [count_where(deadlines.overdue(today))]
    for deadline in deadlines.DEADLINES:
        columns += [
            count_where(deadline.running),
            count_where(deadline.due_soon(today)),
            count_where(deadline.overdue(today)),
            *(count_where(deadline.ageing(today, bucket)) for bucket in Ageing),
        ]
    # Only issued records run deadlines: saying so lets the planner skip the rest by index.
    counts = iter(db.session.execute(
        sa.select(*columns).where(
            scope.where, Recommendation.record_status == RecordStatus.ISSUED
        )
    ).one())
    overdue = Figure(next(counts), scope.link(overdue="any", **MOST_OVERDUE_FIRST))
    figures = []
    for deadline in deadlines.DEADLINES:
        kind = deadline.kind.value
        figures.append(DeadlineFigures(
            deadline=deadline,
            running=Figure(next(counts), scope.link(**_running_params(deadline))),
            due_soon=Figure(next(counts), scope.link(due="soon", deadline=kind)),
            overdue=Figure(next(counts), scope.link(overdue=kind, **MOST_OVERDUE_FIRST)),
            ageing=[(bucket, Figure(next(counts), scope.link(
                ageing=bucket.value, deadline=kind, **MOST_OVERDUE_FIRST))) for bucket in Ageing],
        ))
    return overdue, figures


def _running_params(deadline: TrackedDeadline) -> Params:
    """`deadline=<kind>` on its own makes the register list the items where that deadline
    still runs; a status filter cannot say it, because a reply stops being awaited once the
    implementation is verified as final."""
    return {"status": RecordStatus.ISSUED.value, "deadline": deadline.kind.value}


# -- what waits for a supervisor ------------------------------------------------------------


def supervisor_figures(user: User, scope: DashboardScope) -> SupervisorFigures | None:
    """Drafts awaiting the supervisor's approval and records ready to close, each the same
    rows as the register's filter it links to."""
    if scope.kind not in (ScopeKind.COUNTRY, ScopeKind.REGION):
        return None

    def count(condition: sa.ColumnElement[bool]) -> int:
        query = sa.select(sa.func.count(Recommendation.id)).where(scope.where, condition)
        return db.session.scalar(query) or 0

    return SupervisorFigures(
        to_approve=Figure(count(awaiting_approval_by(user)),
                          scope.link(status=RecordStatus.DRAFT.value, approve=1)),
        ready_to_close=Figure(count(ready_to_close()),
                              scope.link(status=RecordStatus.ISSUED.value, ready=1)),
    )


# -- 2. overdue items grouped -----------------------------------------------------------------


def overdue_by(scope: DashboardScope, grouping: Grouping, today: date) -> GroupTable:
    """The groups with the most overdue items (either deadline), largest first."""
    return _group_table(
        scope, grouping, [deadlines.overdue(today)], {"overdue": "any", **MOST_OVERDUE_FIRST}
    )


def _group_table(
    scope: DashboardScope,
    grouping: Grouping,
    where: Sequence[sa.ColumnElement[bool]],
    params: Params,
) -> GroupTable:
    column = grouping.column
    count = sa.func.count().label("count")
    rows = db.session.execute(
        sa.select(column, count, sa.func.count().over().label("groups"))
        .where(scope.where, *where)
        .group_by(column)
        # Items without a facility form no row. In HAVING, not WHERE: there SQLite would
        # read the whole table through the facility index instead of a selective one.
        .having(column.is_not(None))
        .order_by(count.desc(), column)
        .limit(TOP_ROWS)
    ).all()
    names = group_names(grouping, [row[0] for row in rows])
    return GroupTable(
        grouping=grouping,
        rows=[Row(names[key], count, scope.link(**params, **{grouping.param: _param(key)}))
              for key, count, _groups in rows],
        groups=rows[0].groups if rows else 0,
    )


def group_names(grouping: Grouping, keys: list[Any]) -> dict[Any, str]:
    """The names of the groups' keys, read in one query."""
    if grouping.names is None:
        return {key: Region(key).label for key in keys}
    id_column, name_column = grouping.names
    rows = db.session.execute(sa.select(id_column, name_column).where(id_column.in_(keys)))
    return dict(rows.all())


def _param(key: Any) -> Any:
    return key.value if isinstance(key, enum.Enum) else key


def _issued_between(since: date, today: date) -> sa.ColumnElement[bool]:
    # Nothing is issued after today; the upper bound tells SQLite's planner the range is small.
    return Recommendation.issued_on.between(since, today)


# -- 3. implementation rate by authority ------------------------------------------------------


def implementation_rates(
    scope: DashboardScope, since: date, today: date
) -> tuple[list[RateRow], int]:
    """Per authority, of the recommendations issued since `since`: how many the office has
    verified as implemented (or partially). What an authority claims in a reply does not count:
    only a verification moves Recommendation.implementation."""
    issued = sa.func.count().label("issued")
    rows = db.session.execute(
        sa.select(
            Recommendation.authority_id,
            issued,
            count_where(Recommendation.implementation == Implementation.IMPLEMENTED),
            count_where(Recommendation.implementation == Implementation.PARTIALLY_IMPLEMENTED),
            sa.func.count().over(),
        )
        # Issued or closed: only those and withdrawn ones have an issue date. Said as "not
        # withdrawn", and the period closed by today, so that SQLite reads the issue-date
        # index rather than the record-status one or the whole table.
        .where(scope.where, Recommendation.record_status != RecordStatus.WITHDRAWN,
               _issued_between(since, today))
        .group_by(Recommendation.authority_id)
        .order_by(issued.desc(), Recommendation.authority_id)
        .limit(TOP_AUTHORITIES)
    ).all()
    names = group_names(GROUPINGS_BY_PARAM["authority"], [row[0] for row in rows])
    rates = [
        RateRow(names[authority_id], issued, implemented, partially,
                scope.link(authority=authority_id, issued_from=since.isoformat()))
        for authority_id, issued, implemented, partially, _total in rows
    ]
    return rates, rows[0][4] if rows else 0


# -- 4. repeat findings by facility -----------------------------------------------------------


def repeat_findings(scope: DashboardScope, since: date, today: date) -> GroupTable:
    """Facilities where findings issued since `since` repeat an earlier one."""
    return _group_table(
        scope, GROUPINGS_BY_PARAM["facility"],
        [Recommendation.repeat_of_id.is_not(None), _issued_between(since, today)],
        {"repeat": 1, "issued_from": since.isoformat()},
    )


# -- 5. issued and implemented per month ------------------------------------------------------


def month_starts(today: date, count: int = CHART_MONTHS) -> list[date]:
    """The first days of the last `count` months, the current one last."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -back) for back in range(count - 1, -1, -1)]


def monthly(scope: DashboardScope, today: date) -> list[MonthRow]:
    """Recommendations issued per month (whatever became of them since), and verifications
    that found a recommendation implemented, per month of the verification."""
    months = month_starts(today)
    issued = _per_month(Recommendation.issued_on, months[0], scope.where)
    implemented = _per_month(
        Verification.verified_on, months[0], scope.where,
        Verification.result == Implementation.IMPLEMENTED,
        join=True,
    )
    return [
        MonthRow(month, issued.get((month.year, month.month), 0),
                 implemented.get((month.year, month.month), 0))
        for month in months
    ]


def _per_month(
    day: sa.orm.InstrumentedAttribute[Any], since: date, *where: sa.ColumnElement[bool],
    join: bool = False,
) -> dict[tuple[int, int], int]:
    """Rows counted by the (year, month) of `day`; EXTRACT works on SQLite and PostgreSQL."""
    year, month = sa.extract("year", day), sa.extract("month", day)
    query = sa.select(year, month, sa.func.count()).where(day >= since, *where)
    if join:
        query = query.select_from(Verification).join(Recommendation)
    rows = db.session.execute(query.group_by(year, month)).all()
    # PostgreSQL's EXTRACT gives numerics: make the keys plain ints.
    return {(int(y), int(m)): count for y, m, count in rows}
