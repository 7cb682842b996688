"""The admin's lists of facilities and authorities: filters applied in SQL, counted on the
base table, one page read at a time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload

from casework.extensions import db
from casework.paging import Page, paginate
from casework.reference.models import Authority, AuthorityType, Category, Facility, FacilityType
from casework.reference.regions import Region


class ActiveFilter(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ALL = "all"


def text_matches(text: str, *columns: Mapped[str]) -> sa.ColumnElement[bool]:
    """Any of the columns contains the text, case-insensitively (Cyrillic too: see
    casework.database), with % and _ taken literally."""
    needle = text.strip().lower()
    return sa.or_(*(sa.func.lower(column).contains(needle, autoescape=True) for column in columns))


@dataclass(frozen=True)
class FacilityFilters:
    text: str = ""
    region: Region | None = None
    type: FacilityType | None = None
    active: ActiveFilter = ActiveFilter.ACTIVE

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.text.strip():
            clauses.append(text_matches(self.text, Facility.name, Facility.address))
        if self.region is not None:
            clauses.append(Facility.region == self.region)
        if self.type is not None:
            clauses.append(Facility.type == self.type)
        if self.active is not ActiveFilter.ALL:
            clauses.append(Facility.is_active.is_(self.active is ActiveFilter.ACTIVE))
        return clauses


@dataclass(frozen=True)
class AuthorityFilters:
    text: str = ""
    region: Region | None = None
    type: AuthorityType | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.text.strip():
            clauses.append(
                text_matches(self.text, Authority.name, Authority.address, Authority.contact)
            )
        if self.region is not None:
            clauses.append(Authority.region == self.region)
        if self.type is not None:
            clauses.append(Authority.type == self.type)
        return clauses


def list_facilities(filters: FacilityFilters, page: int) -> Page[Facility]:
    where = filters.clauses()
    total = db.session.scalar(sa.select(sa.func.count(Facility.id)).where(*where)) or 0

    def fetch(limit: int, offset: int) -> list[Facility]:
        return list(db.session.scalars(
            sa.select(Facility).where(*where).options(joinedload(Facility.authority))
            .order_by(Facility.name, Facility.id).limit(limit).offset(offset)
        ))

    return paginate(total, page, fetch)


def list_authorities(filters: AuthorityFilters, page: int) -> Page[Authority]:
    where = filters.clauses()
    total = db.session.scalar(sa.select(sa.func.count(Authority.id)).where(*where)) or 0

    def fetch(limit: int, offset: int) -> list[Authority]:
        return list(db.session.scalars(
            sa.select(Authority).where(*where).options(joinedload(Authority.parent))
            .order_by(Authority.name, Authority.id).limit(limit).offset(offset)
        ))

    return paginate(total, page, fetch)


def all_authorities() -> list[Authority]:
    """Every authority by name, for pickers (the office has a few hundred at most)."""
    return list(db.session.scalars(sa.select(Authority).order_by(Authority.name, Authority.id)))


def categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


@dataclass(frozen=True)
class ReferenceCounts:
    active_facilities: int
    inactive_facilities: int
    authorities: int
    categories: int


def reference_counts() -> ReferenceCounts:
    active, inactive = db.session.execute(
        sa.select(
            sa.func.count(sa.case((Facility.is_active, 1))),
            sa.func.count(sa.case((sa.not_(Facility.is_active), 1))),
        )
    ).one()
    return ReferenceCounts(
        active_facilities=active, inactive_facilities=inactive,
        authorities=db.session.scalar(sa.select(sa.func.count(Authority.id))) or 0,
        categories=db.session.scalar(sa.select(sa.func.count(Category.id))) or 0,
    )
