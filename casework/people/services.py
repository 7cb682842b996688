"""Finding and creating people: search by name or IIN, and one person per IIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.extensions import db
from casework.people.iin import normalise_iin
from casework.people.models import DetentionStatus, Person, Sex, name_search_key
from casework.permissions import identifiable_people_clause

SEARCH_LIMIT = 10
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100  # longer is no name nor IIN, and SQLite refuses huge LIKE patterns


@dataclass(frozen=True)
class NewPerson:
    """What intake knows about someone not yet in the register."""

    full_name: str
    iin: str | None = None
    birth_date: date | None = None
    sex: Sex = Sex.UNKNOWN
    contact: str = ""
    detention_status: DetentionStatus = DetentionStatus.UNKNOWN
    facility_id: int | None = None


def search_people(query: str, *, viewer: User, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People `viewer` may identify whose name contains the query (any case, any script) or
    whose IIN starts with it.

    Nobody else is found, not even by an exact IIN: the answer must not confirm that a person
    the viewer may not identify is in the register.
    """
    query = query.strip()
    if not MIN_QUERY_LENGTH <= len(query) <= MAX_QUERY_LENGTH:
        return []
    digits = normalise_iin(query)
    if digits.isdigit():
        condition = Person.iin.startswith(digits, autoescape=True)
    else:
        condition = Person.name_key.contains(name_search_key(query), autoescape=True)
    statement = (
        sa.select(Person)
        .where(condition, identifiable_people_clause(viewer))
        .order_by(Person.full_name, Person.id)
    )
    return list(db.session.scalars(statement.limit(limit)))


def mask_iin(iin: str | None) -> str:
    """Only the last four digits: enough to tell two namesakes apart."""
    if not iin:
        return ""
    return "•" * (len(iin) - 4) + iin[-4:]


def person_by_iin(iin: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.iin == iin))


def find_or_create_person(details: NewPerson, *, actor: User) -> tuple[Person, bool]:
    """The person with this IIN if one exists (never a duplicate), else a new person.

    Returns the person and whether it was created. The caller commits.
    """
    if details.iin and (existing := person_by_iin(details.iin)) is not None:
        return existing, False
    person = Person(
        full_name=details.full_name.strip(),
        iin=details.iin or None,
        birth_date=details.birth_date,
        sex=details.sex,
        contact=details.contact,
        detention_status=details.detention_status,
        facility_id=details.facility_id,
    )
    db.session.add(person)
    db.session.flush()
    # No name in the audit log: it outlives the record, and the object id is enough.
    record(
        AuditAction.PERSON_CREATED, actor=actor, obj=person, changes={"has_iin": bool(person.iin)}
    )
    return person, True


def record_search(people: list[Person], *, viewer: User) -> None:
    """Names found by a search are identities seen: audited like "Show real names" (who,
    which people; not the words typed, which may themselves be a name)."""
    if people:
        record(AuditAction.PEOPLE_SEARCHED, actor=viewer, object_type="people",
               changes={"person_ids": [person.id for person in people]})
