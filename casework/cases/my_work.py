"""My work: what a signed-in person should act on first, scoped by what they may read.

The page is laid out for one role (the first that works on cases): a supervisor first sees the
urgent cases still waiting for their first action and the cases nobody is assigned to, then the
deadlines; a caseworker or lawyer their deadlines and their cases; a monitor the cases they
registered. Whoever is on a visit's team also sees the reprisal check-ins due on it. Every
list is capped; a longer one links to the filtered case list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.lifecycle import AWAITING_DECISION, OPEN_STATUSES
from casework.cases.models import Case, CaseAssignment, CaseTask
from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, has_permission, visible_cases_clause
from casework.visits.queries import DueCheckIns, team_check_ins_due

MY_WORK_LIMIT = 50  # longer lists link to the filtered case list
# The role whose layout the page takes, most demanding first.
LAYOUT_ROLES = (Role.SUPERVISOR, Role.CASEWORKER, Role.LAWYER, Role.MONITOR)


@dataclass(frozen=True)
class CaseSlice:
    """The first cases of a list, and how many there are in all."""

    cases: list[Case]
    total: int


@dataclass(frozen=True)
class MyWork:
    role: Role  # the role the page is laid out for
    urgent: list[Case]  # open urgent cases whose first action is still to be recorded
    unassigned: CaseSlice | None  # only for supervisors
    overdue: CaseSlice
    due_soon: CaseSlice
    tasks: list[CaseTask]
    overdue_tasks: int  # open tasks past their date, counted on the "Overdue" card
    due_soon_tasks: int  # open tasks due within DUE_SOON_DAYS, counted on the "Due soon" card
    assigned: CaseSlice  # open cases assigned to me that no deadline list above shows
    listed_above: int  # open cases assigned to me that the overdue or due-soon list shows
    registered: list[Case]  # the cases I registered, newest first (monitors)
    whole_region: bool  # supervisors watch the deadlines of every case they oversee
    # Reprisal check-ins overdue or due soon on the visits I am on the team of.
    check_ins: DueCheckIns | None = None

    @property
    def assigned_total(self) -> int:
        return self.assigned.total + self.listed_above


def _cases(*where: sa.ColumnElement[bool], order: tuple = (Case.decision_due,)) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).where(*where).order_by(*order, Case.id).limit(MY_WORK_LIMIT)
        .options(joinedload(Case.facility), selectinload(Case.assignments))
    ))


def _count(*where: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(*where)) or 0


def _slice(*where: sa.ColumnElement[bool], order: tuple = (Case.decision_due,)) -> CaseSlice:
    return CaseSlice(_cases(*where, order=order), _count(*where))


def layout_role(user: User) -> Role | None:
    return next((role for role in LAYOUT_ROLES if user.has_role(role)), None)


def my_work(user: User, today: date | None = None) -> MyWork:
    today = today or office_today()
    soon = today + timedelta(days=int(current_app.config["DUE_SOON_DAYS"]))
    visible = visible_cases_clause(user)
    mine = Case.assignments.any(CaseAssignment.user_id == user.id)
    is_open = Case.status.in_(OPEN_STATUSES)
    whole_region = user.has_role(Role.SUPERVISOR)
    scope = visible if whole_region else sa.and_(visible, mine)
    awaiting = sa.and_(scope, Case.status.in_(AWAITING_DECISION))
    tasks = list(db.session.scalars(
        sa.select(CaseTask).join(CaseTask.case)
        .where(CaseTask.done_at.is_(None), is_open, scope)
        .order_by(CaseTask.due_on, CaseTask.id).options(joinedload(CaseTask.case))
    ))
    # Cases the overdue and due-soon lists show are not repeated under "assigned to me".
    in_deadline_lists = sa.and_(Case.status.in_(AWAITING_DECISION), Case.decision_due <= soon)
    return MyWork(
        role=layout_role(user) or Role.CASEWORKER,
        urgent=_cases(scope, is_open, Case.is_urgent.is_(True), Case.first_action_on.is_(None),
                      order=(Case.first_action_due,)),
        unassigned=_slice(visible, is_open, ~Case.assignments.any(),
                          order=(Case.registered_on,)) if whole_region else None,
        overdue=_slice(awaiting, Case.decision_due < today),
        due_soon=_slice(awaiting, Case.decision_due.between(today, soon)),
        tasks=tasks,
        overdue_tasks=sum(task.due_on < today for task in tasks),
        due_soon_tasks=sum(today <= task.due_on <= soon for task in tasks),
        assigned=_slice(visible, mine, is_open, ~in_deadline_lists),
        listed_above=_count(visible, mine, is_open, in_deadline_lists),
        registered=_cases(visible, Case.created_by_id == user.id,
                          order=(Case.registered_on.desc(),))
        if user.has_role(Role.MONITOR) else [],
        whole_region=whole_region,
        check_ins=team_check_ins_due(user, soon, today)
        if has_permission(user, Permission.RECORD_VISIT) else None,
    )
