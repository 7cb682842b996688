"""Possible duplicates of a complaint, shown before it is saved.

Two signals: an open case about the same person (picked, or recognised by IIN), and a recent
case at the same facility sharing a category (often the same incident reported twice).
Of a case the user may not read, only the count is told: its reference, status or the reason
it matched would confirm that a person has an open case.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework.accounts.models import User
from casework.cases.lifecycle import OPEN_STATUSES
from casework.cases.models import Case, CaseParty, case_categories
from casework.database import office_today
from casework.extensions import db
from casework.intake.services import IntakeData
from casework.people.models import Person
from casework.permissions import Permission, can

RECENT_DAYS = 30
LIMIT = 20


@dataclass(frozen=True)
class PossibleDuplicate:
    case: Case
    same_person: bool
    same_place: bool


@dataclass(frozen=True)
class DuplicateReport:
    """Possible duplicates as one user may see them."""

    readable: list[PossibleDuplicate] = field(default_factory=list)
    unreadable_count: int = 0

    def __bool__(self) -> bool:
        return bool(self.readable) or self.unreadable_count > 0


def _open_cases_about(person_ids: Collection[int], iins: Collection[str]) -> list[Case]:
    if not person_ids and not iins:
        return []
    same_person = (
        sa.select(CaseParty.case_id)
        .join(Person, Person.id == CaseParty.person_id)
        .where(sa.or_(CaseParty.person_id.in_(person_ids), Person.iin.in_(iins)))
    )
    statement = sa.select(Case).where(Case.status.in_(OPEN_STATUSES), Case.id.in_(same_person))
    return _fetch(statement)


def _recent_cases_at(
    facility_id: int | None, category_ids: Collection[int], today: date
) -> list[Case]:
    if facility_id is None or not category_ids:
        return []
    shared_category = sa.select(case_categories.c.case_id).where(
        case_categories.c.category_id.in_(category_ids)
    )
    statement = sa.select(Case).where(
        Case.facility_id == facility_id,
        Case.received_on >= today - timedelta(days=RECENT_DAYS),
        Case.id.in_(shared_category),
    )
    return _fetch(statement)


def _fetch(statement: sa.Select[Case]) -> list[Case]:
    # Loaded up front: the page asks can() about each case (assignments) and names its facility.
    statement = statement.options(selectinload(Case.assignments), selectinload(Case.facility))
    return list(db.session.scalars(statement.order_by(Case.received_on.desc()).limit(LIMIT)))


def find_possible_duplicates(
    *,
    person_ids: Collection[int] = (),
    iins: Collection[str] = (),
    facility_id: int | None = None,
    category_ids: Collection[int] = (),
    today: date | None = None,
) -> list[PossibleDuplicate]:
    by_person = _open_cases_about(person_ids, iins)
    by_place = _recent_cases_at(facility_id, category_ids, today or office_today())
    person_ids_found = {c.id for c in by_person}
    place_ids_found = {c.id for c in by_place}
    unique = {c.id: c for c in [*by_person, *by_place]}
    return [
        PossibleDuplicate(case, case.id in person_ids_found, case.id in place_ids_found)
        for case in unique.values()
    ]


def find_duplicates_of(data: IntakeData, *, viewer: User) -> DuplicateReport:
    """Possible duplicates of a complaint about to be registered, as `viewer` may see them."""
    parties = [*([data.complainant] if data.complainant else []), *data.victims]
    found = find_possible_duplicates(
        person_ids={p.person_id for p in parties if p.person_id is not None},
        iins={p.new_person.iin for p in parties if p.new_person and p.new_person.iin},
        facility_id=data.facility_id,
        category_ids=set(data.category_ids),
    )
    readable = [d for d in found if can(viewer, Permission.READ_CASE, d.case)]
    return DuplicateReport(readable, len(found) - len(readable))
