"""Reading violations: who may read which, the filtered and paged list, the findings of a case
or a visit with their repeat marks, and one violation for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User
from casework.attachments.models import Attachment
from casework.cases.models import Case
from casework.extensions import db
from casework.paging import Page, paginate
from casework.permissions import Permission, visible_violations_clause
from casework.reference.models import Category, Facility, FacilityType
from casework.reference.regions import Region
from casework.violations.models import Violation, ViolationStatus
from casework.violations.repeats import repeat_clause
from casework.visits.models import Visit

P = Permission


@dataclass(frozen=True)
class Finding:
    """A violation as lists show it, with its repeat mark."""

    violation: Violation
    is_repeat: bool

    @property
    def files(self) -> list[Attachment]:
        return self.violation.attachments


def _row_options() -> list:
    return [
        joinedload(Violation.category),
        joinedload(Violation.facility),
        joinedload(Violation.case).selectinload(Case.assignments),
        joinedload(Violation.visit).selectinload(Visit.members),
        selectinload(Violation.attachments).joinedload(Attachment.uploaded_by),
    ]


def findings_from(query: sa.Select) -> list[Finding]:
    rows = db.session.execute(query.options(*_row_options())).unique().all()
    return [Finding(violation, bool(repeat)) for violation, repeat in rows]


def findings_of(owner: Case | Visit) -> list[Finding]:
    """The violations of a case or a visit (everyone who reads it reads them), oldest first."""
    column = Violation.case_id if isinstance(owner, Case) else Violation.visit_id
    return findings_from(
        sa.select(Violation, repeat_clause()).where(column == owner.id)
        .order_by(Violation.found_on, Violation.id)
    )


def load_violation(violation_id: int) -> Violation | None:
    return db.session.scalar(
        sa.select(Violation).where(Violation.id == violation_id).options(
            *_row_options(), joinedload(Violation.recorded_by),
            selectinload(Violation.recommendations),
        )
    )


# -- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViolationFilters:
    category_id: int | None = None
    facility_type: FacilityType | None = None
    facility_id: int | None = None
    region: Region | None = None
    status: ViolationStatus | None = None
    found_from: date | None = None
    found_to: date | None = None
    repeat_only: bool = False


def filter_clauses(f: ViolationFilters) -> list[sa.ColumnElement[bool]]:
    """Conditions on the violations table only (IN and EXISTS, no joins): the count needs no
    wrapping."""
    clauses: list[sa.ColumnElement[bool]] = []
    if f.category_id is not None:
        clauses.append(Violation.category_id == f.category_id)
    if f.facility_type is not None:
        clauses.append(Violation.facility_id.in_(
            sa.select(Facility.id).where(Facility.type == f.facility_type)
        ))
    if f.facility_id is not None:
        clauses.append(Violation.facility_id == f.facility_id)
    if f.region is not None:
        clauses.append(Violation.region == f.region)
    if f.status is not None:
        clauses.append(Violation.status == f.status)
    if f.found_from is not None:
        clauses.append(Violation.found_on >= f.found_from)
    if f.found_to is not None:
        clauses.append(Violation.found_on <= f.found_to)
    if f.repeat_only:
        clauses.append(repeat_clause())
    return clauses


def list_violations(user: User, filters: ViolationFilters, page: int = 1) -> Page[Finding]:
    """The violations `user` may read that match the filters, latest found first."""
    where = [visible_violations_clause(user), *filter_clauses(filters)]
    total = db.session.scalar(sa.select(sa.func.count(Violation.id)).where(*where)) or 0
    return paginate(total, page, lambda limit, offset: findings_from(
        sa.select(Violation, repeat_clause()).where(*where)
        .order_by(Violation.found_on.desc(), Violation.id.desc())
        .limit(limit).offset(offset)
    ))


def filter_choices() -> tuple[list[Category], list[Facility]]:
    categories = db.session.scalars(
        sa.select(Category).order_by(Category.position, Category.id)
    ).all()
    facilities = db.session.scalars(sa.select(Facility).order_by(Facility.name, Facility.id)).all()
    return list(categories), list(facilities)


def active_categories() -> list[Category]:
    return list(db.session.scalars(
        sa.select(Category).where(Category.is_active).order_by(Category.position, Category.id)
    ))
