"""Reading cases: the filtered, sorted and paged case list, the case page, and the
"what changed since you opened the form" table. Every list is scoped by the reader's rights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User, UserRole
from casework.accounts.roles import Role
from casework.attachments.models import Attachment
from casework.audit import AuditAction
from casework.cases.lifecycle import AWAITING_DECISION, OPEN_STATUSES, CaseStatus, Outcome
from casework.cases.models import (
    Case,
    CaseAssignment,
    CaseKind,
    CaseParty,
    Channel,
    DeadlineExtension,
)
from casework.courts.models import CourtProceeding
from casework.database import office_today
from casework.edit_conflicts import ChangeRow, changes_since_version
from casework.extensions import db
from casework.paging import Page, paginate
from casework.permissions import visible_cases_clause
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Category, Facility
from casework.reference.regions import Region
from casework.templating import format_day
from casework.violations.models import Violation

UNASSIGNED = 0  # the assignee filter's value for "nobody assigned"

# Lifecycle order, not alphabetical, when sorting by status.
_STATUS_ORDER = sa.case({s: i for i, s in enumerate(CaseStatus)}, value=Case.status)
SORT_COLUMNS: dict[str, Any] = {
    "reference": Case.reference,
    "received_on": Case.received_on,
    "decision_due": Case.decision_due,
    "status": _STATUS_ORDER,
}
DEFAULT_SORT = "-received_on"


@dataclass(frozen=True)
class CaseFilters:
    text: str = ""
    status: CaseStatus | None = None
    category_id: int | None = None
    facility_id: int | None = None
    region: Region | None = None
    assignee_id: int | None = None  # a user's id, or UNASSIGNED
    overdue: bool = False
    # The statistics link their figures here: complaints of a kind, channel and period.
    kind: CaseKind | None = None
    channel: Channel | None = None
    received_from: date | None = None
    received_to: date | None = None
    sort: str = DEFAULT_SORT


def _filter_clauses(f: CaseFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """Conditions on the cases table only (EXISTS, no joins), so the count needs no wrapping."""
    clauses: list[sa.ColumnElement[bool]] = []
    if text := f.text.strip():
        clauses.append(sa.or_(Case.summary.icontains(text, autoescape=True),
                              Case.reference.icontains(text, autoescape=True)))
    if f.status is not None:
        clauses.append(Case.status == f.status)
    if f.category_id is not None:
        clauses.append(Case.categories.any(Category.id == f.category_id))
    if f.facility_id is not None:
        clauses.append(Case.facility_id == f.facility_id)
    if f.region is not None:
        clauses.append(Case.region == f.region)
    if f.assignee_id == UNASSIGNED:
        clauses.append(~Case.assignments.any())
    elif f.assignee_id is not None:
        clauses.append(Case.assignments.any(CaseAssignment.user_id == f.assignee_id))
    if f.overdue:
        clauses.extend([Case.decision_due < today, Case.status.in_(AWAITING_DECISION)])
    if f.kind is not None:
        clauses.append(Case.kind == f.kind)
    if f.channel is not None:
        clauses.append(Case.channel == f.channel)
    if f.received_from is not None:
        clauses.append(Case.received_on >= f.received_from)
    if f.received_to is not None:
        clauses.append(Case.received_on <= f.received_to)
    return clauses


def _order_by(sort: str) -> list[sa.ColumnElement[Any]]:
    key = sort.removeprefix("-")
    if key not in SORT_COLUMNS:
        return _order_by(DEFAULT_SORT)
    column = SORT_COLUMNS[key]
    if sort.startswith("-"):
        return [column.desc(), Case.id.desc()]
    return [column.asc(), Case.id.asc()]


def list_cases(
    user: User, filters: CaseFilters, page: int = 1, today: date | None = None
) -> Page[Case]:
    where = [visible_cases_clause(user), *_filter_clauses(filters, today or office_today())]
    total = db.session.scalar(sa.select(sa.func.count(Case.id)).where(*where)) or 0
    return paginate(total, page, lambda limit, offset: db.session.scalars(
        sa.select(Case)
        .where(*where)
        .order_by(*_order_by(filters.sort))
        .options(selectinload(Case.assignments), joinedload(Case.facility))
        .limit(limit)
        .offset(offset)
    ).all())


# -- the case page ----------------------------------------------------------------------------


def load_case(case_id: int) -> Case | None:
    """The case with everything its page shows, loaded up front (templates never query)."""
    return db.session.scalar(
        sa.select(Case).where(Case.id == case_id).options(
            joinedload(Case.facility),
            joinedload(Case.referred_to),
            joinedload(Case.visit),
            selectinload(Case.categories),
            selectinload(Case.parties).joinedload(CaseParty.person),
            selectinload(Case.assignments),
            selectinload(Case.events),
            selectinload(Case.notes),
            selectinload(Case.tasks),
            selectinload(Case.extensions).joinedload(DeadlineExtension.extended_by),
            selectinload(Case.attachments).joinedload(Attachment.uploaded_by),
            selectinload(Case.recommendations).joinedload(Recommendation.authority),
            selectinload(Case.violations).options(
                joinedload(Violation.category), joinedload(Violation.facility)
            ),
            selectinload(Case.court_proceedings).options(
                joinedload(CourtProceeding.court), joinedload(CourtProceeding.lawyer),
                selectinload(CourtProceeding.hearings),
            ),
        )
    )


def assignable_users() -> list[User]:
    """Active caseworkers and lawyers, for the supervisor's assignment form."""
    roles = (Role.CASEWORKER, Role.LAWYER)
    has_role = sa.exists().where(UserRole.user_id == User.id, UserRole.role.in_(roles))
    return list(db.session.scalars(
        sa.select(User).where(User.is_active_account, has_role).order_by(User.full_name)
    ))


def open_case_counts() -> dict[int, int]:
    """How many open cases each staff member is assigned to, in one grouped query, so the
    assignment form can show who is already busy."""
    rows = db.session.execute(
        sa.select(CaseAssignment.user_id, sa.func.count())
        .join(Case, Case.id == CaseAssignment.case_id)
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(CaseAssignment.user_id)
    )
    return dict(rows.all())


def selectable_facilities(user: User, case: Case) -> list[Facility]:
    """The facilities the edit form offers: those of the case's region and of the regions the
    user covers, the SQL counterpart of the rule services.edit_case enforces. A deactivated
    facility is offered only to the case that already names it."""
    query = sa.select(Facility).order_by(Facility.name).where(
        sa.or_(Facility.is_active.is_(True), Facility.id == case.facility_id)
    )
    if user.region is not None:  # a user without a region covers the whole country
        query = query.where(sa.or_(
            Facility.region.in_({case.region, user.region}), Facility.id == case.facility_id
        ))
    return list(db.session.scalars(query))


# -- what changed since a version -------------------------------------------------------------

FIELD_LABELS = {
    "summary": _l("Summary"),
    "description": _l("Description"),
    "is_urgent": _l("Urgent"),
    "facility_id": _l("Facility"),
    "region": _l("Region"),
    "category_ids": _l("Categories"),
    "status": _l("Status"),
    "outcome": _l("Outcome"),
    "closed_on": _l("Closed on"),
    "referred_to_id": _l("Referred to"),
    "decision_due": _l("Decision due"),
    "first_action_due": _l("First action due"),
    "first_action_on": _l("First action taken on"),
}
# Audit actions that change the cases row, hence its version; each stores "version".
VERSIONED_ACTIONS = (
    AuditAction.CASE_EDITED, AuditAction.CASE_TRANSITION, AuditAction.DEADLINE_EXTENDED,
    AuditAction.FIRST_ACTION,
)


def changes_since(case: Case, version: int) -> list[ChangeRow]:
    """Every field changed from `version` on, one row each, in the order first changed."""
    return changes_since_version(case, version, VERSIONED_ACTIONS, FIELD_LABELS, display_value)


def display_value(name: str, value: Any) -> str:
    """A stored (JSON) value as a person reads it."""
    if value is None or value == []:
        return "—"
    if name == "is_urgent":
        return _("Yes") if value else _("No")
    labelled = {"status": CaseStatus, "outcome": Outcome, "region": Region}
    if name in labelled:
        return labelled[name](value).label
    if name in ("facility_id", "referred_to_id"):
        row: Facility | Authority | None = (
            db.session.get(Facility, value) if name == "facility_id"
            else db.session.get(Authority, value)
        )
        return row.name if row else "—"
    if name == "category_ids":
        rows = db.session.scalars(sa.select(Category).where(Category.id.in_(value))).all()
        return ", ".join(sorted(c.name for c in rows))
    if isinstance(value, date):
        return format_day(value)
    if name in ("closed_on", "decision_due", "first_action_due", "first_action_on"):
        return format_day(date.fromisoformat(value))
    return str(value)
