"""Reference-data rules: the working-day calendar kept by admins (transferred days off and
working Saturdays), and saving facilities and authorities.

Public holidays come from the `holidays` package; this table records only the government's
yearly decisions that move days, which no package can know in advance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import holidays
import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.database import utcnow
from casework.extensions import db
from casework.reference.cctv import record_cctv_coverage
from casework.reference.editing import StaleRecord, claim_for_edit
from casework.reference.models import (
    Authority,
    AuthorityType,
    CalendarDay,
    CalendarDayKind,
    CctvCoverage,
    Facility,
    FacilityType,
    Language,
)
from casework.reference.regions import Region
from casework.reference.snapshots import authority_snapshot, facility_snapshot
from casework.refusals import Refusal

# Names of public holidays: the package speaks Kazakh and English, not Russian.
HOLIDAY_LANGUAGES = {"kk": "kk", "en": "en_US"}


class CalendarDayError(Exception):
    """A calendar day that cannot be saved; `message` is shown next to the field."""

    def __init__(self, field: str, message: LazyString) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def calendar_days_of(year: int) -> list[CalendarDay]:
    return list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
            .order_by(CalendarDay.day)
        )
    )


def public_holidays(year: int, language: str = "en") -> list[tuple[date, str]]:
    """The statutory holidays of a year, named in the user's language where possible."""
    names = holidays.country_holidays(
        "KZ", years=year, language=HOLIDAY_LANGUAGES.get(language, "en_US")
    )
    return sorted(names.items())


def _check_makes_a_difference(day: date, kind: CalendarDayKind) -> None:
    """Refuse entries that would not change the calendar: they only confuse whoever reads it."""
    is_public_holiday = day in holidays.country_holidays("KZ", years=day.year)
    normally_off = day.weekday() >= 5 or is_public_holiday
    if kind is CalendarDayKind.DAY_OFF and normally_off:
        raise CalendarDayError("day", _l("This day is already a day off (weekend or holiday)."))
    if kind is CalendarDayKind.WORKING_DAY and not normally_off:
        raise CalendarDayError("day", _l("This day is already a working day."))


def save_calendar_day(
    day: date, kind: CalendarDayKind, note: str, *, actor: User
) -> CalendarDay:
    """Record a transferred day off or a working Saturday; one entry per date."""
    if db.session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == day)) is not None:
        raise CalendarDayError("day", _l("This date is already in the calendar."))
    _check_makes_a_difference(day, kind)
    entry = CalendarDay(day=day, kind=kind, note=note.strip())
    db.session.add(entry)
    db.session.flush()
    record(
        AuditAction.CALENDAR_DAY_SAVED,
        actor=actor,
        obj=entry,
        changes={"day": day, "kind": kind, "note": entry.note},
    )
    return entry


def delete_calendar_day(entry: CalendarDay, *, actor: User) -> None:
    record(
        AuditAction.CALENDAR_DAY_DELETED,
        actor=actor,
        obj=entry,
        changes={"day": entry.day, "kind": entry.kind, "note": entry.note},
    )
    db.session.delete(entry)
    db.session.flush()


# -- facilities and authorities -------------------------------------------------------------

# The history note of a CCTV change made on the facility form.
ADMIN_CCTV_NOTE = "edited by admin"
MAX_NAME = 300
MAX_CONTACT = 300
MAX_ADDRESS = 2000
MAX_CAPACITY = 100_000
RESPONSE_PERIOD_RANGE = (1, 90)  # working days



def clean_name(name: str) -> str:
    """A name as stored and matched: no outer spaces, single spaces inside."""
    return " ".join(name.split())


@dataclass
class FacilityData:
    """What the facility form and the import set on a facility."""

    name: str
    type: FacilityType
    region: Region
    authority: Authority | None = None
    capacity: int | None = None
    cctv_coverage: CctvCoverage = CctvCoverage.UNKNOWN
    address: str = ""

    def values(self) -> dict[str, Any]:
        """The data keyed like Facility's snapshot, for "your value" in a conflict."""
        return {
            "name": clean_name(self.name), "type": self.type, "region": self.region,
            "authority_id": self.authority.id if self.authority else None,
            "capacity": self.capacity, "cctv_coverage": self.cctv_coverage,
            "address": self.address.strip(),
        }


@dataclass
class AuthorityData:
    """What the authority form and the import set on an authority."""

    name: str
    type: AuthorityType
    parent: Authority | None = None
    region: Region | None = None
    address: str = ""
    contact: str = ""
    response_period_days: int = 15
    letter_language: Language = Language.RU

    def values(self) -> dict[str, Any]:
        return {
            "name": clean_name(self.name), "type": self.type,
            "parent_id": self.parent.id if self.parent else None, "region": self.region,
            "address": self.address.strip(), "contact": self.contact.strip(),
            "response_period_days": self.response_period_days,
            "letter_language": self.letter_language,
        }


def _check_text(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise Refusal(_("At most %(num)d characters.", num=limit), field)


def check_facility(data: FacilityData, facility: Facility | None = None) -> None:
    """Refuse what the database or the import's matching could not live with."""
    name = clean_name(data.name)
    if not name:
        raise Refusal(_("Enter the facility's name."), "name")
    _check_text(name, MAX_NAME, "name")
    _check_text(data.address.strip(), MAX_ADDRESS, "address")
    if data.capacity is not None and not 0 <= data.capacity <= MAX_CAPACITY:
        raise Refusal(
            _("Enter a number from 0 to %(max)d.", max=MAX_CAPACITY), "capacity"
        )
    query = sa.select(Facility.id).where(Facility.name == name, Facility.region == data.region)
    if facility is not None:
        query = query.where(Facility.id != facility.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Refusal(_("A facility of this name already exists in this region."), "name")


def _stamp(obj: Any, opened_at: datetime | None, now: datetime) -> None:
    """Claim an existing record for this save (stale-edit check) and stamp it with `now`."""
    if obj.id is not None and opened_at is not None and not claim_for_edit(obj, opened_at, now):
        raise StaleRecord()
    obj.updated_at = now


def save_facility(
    facility: Facility | None,
    data: FacilityData,
    *,
    actor: User,
    opened_at: datetime | None = None,
) -> Facility:
    """Create a facility or change one; a new CCTV coverage goes through the history. With
    `opened_at`, a save made by someone else since then refuses with StaleRecord."""
    check_facility(data, facility)
    now = utcnow()
    before = facility_snapshot(facility) if facility is not None else {}
    if facility is None:
        facility = Facility(cctv_coverage=CctvCoverage.UNKNOWN, is_active=True)
        db.session.add(facility)
    _stamp(facility, opened_at, now)
    apply_facility_data(facility, data, actor=actor, now=now, cctv_note=ADMIN_CCTV_NOTE)
    _audit(AuditAction.FACILITY_SAVED, facility, before, facility_snapshot, actor, now)
    return facility


def apply_facility_data(
    facility: Facility, data: FacilityData, *, actor: User, now: datetime, cctv_note: str
) -> None:
    """Set the data on the facility (checked already); CCTV through its history."""
    facility.name = clean_name(data.name)
    facility.type = data.type
    facility.region = data.region
    facility.authority = data.authority
    facility.capacity = data.capacity
    facility.address = data.address.strip()
    facility.updated_at = now
    if data.cctv_coverage is not facility.cctv_coverage:
        change = record_cctv_coverage(facility, data.cctv_coverage, actor=actor, note=cctv_note)
        if change is not None:
            change.recorded_at = now


def set_facility_active(facility: Facility, is_active: bool, *, actor: User) -> None:
    """Deactivate or reactivate: a facility is never deleted, cases and visits point at it."""
    if facility.is_active is is_active:
        return
    now = utcnow()
    before = facility_snapshot(facility)
    facility.is_active = is_active
    facility.updated_at = now
    _audit(AuditAction.FACILITY_SAVED, facility, before, facility_snapshot, actor, now)


def _audit(
    action: AuditAction, obj: Any, before: dict[str, Any],
    snapshot: Callable[[Any], dict[str, Any]], actor: User, now: datetime,
) -> None:
    """Audit what changed; flushed first, so that ids set through relationships are known."""
    db.session.flush()
    changes = diff(before, snapshot(obj))
    if not changes:
        return
    entry = record(action, actor=actor, obj=obj, changes=changes)
    entry.at = now  # the same instant as the record's updated_at: see editing.py


def ancestors(authority: Authority) -> list[Authority]:
    """The chain of parents above `authority`, nearest first; stops at a loop."""
    chain: list[Authority] = []
    node = authority.parent
    while node is not None and node is not authority and node not in chain:
        chain.append(node)
        node = node.parent
    return chain


def descendant_ids(authority_id: int) -> set[int]:
    """Every authority below `authority_id`, read in one query."""
    children: dict[int, list[int]] = {}
    for child_id, parent_id in db.session.execute(
        sa.select(Authority.id, Authority.parent_id).where(Authority.parent_id.is_not(None))
    ):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(child_id)
    found: set[int] = set()
    todo = [authority_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def check_authority(data: AuthorityData, authority: Authority | None = None) -> None:
    name = clean_name(data.name)
    if not name:
        raise Refusal(_("Enter the authority's name."), "name")
    _check_text(name, MAX_NAME, "name")
    _check_text(data.address.strip(), MAX_ADDRESS, "address")
    _check_text(data.contact.strip(), MAX_CONTACT, "contact")
    low, high = RESPONSE_PERIOD_RANGE
    if not low <= data.response_period_days <= high:
        raise Refusal(
            _("Enter a number of working days from %(low)d to %(high)d.", low=low, high=high),
            "response_period_days",
        )
    query = sa.select(Authority.id).where(Authority.name == name)
    if authority is not None:
        query = query.where(Authority.id != authority.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Refusal(_("An authority of this name already exists."), "name")
    if data.parent is not None and authority is not None and (
        data.parent is authority or authority in ancestors(data.parent)
    ):
        raise Refusal(
            _("%(parent)s is below this authority: an authority cannot be its own ancestor.",
              parent=data.parent.name),
            "parent",
        )


def save_authority(
    authority: Authority | None,
    data: AuthorityData,
    *,
    actor: User,
    opened_at: datetime | None = None,
) -> Authority:
    """Create an authority or change one; refuses a parent that would make a loop."""
    check_authority(data, authority)
    now = utcnow()
    before = authority_snapshot(authority) if authority is not None else {}
    if authority is None:
        authority = Authority()
        db.session.add(authority)
    _stamp(authority, opened_at, now)
    apply_authority_data(authority, data, now=now)
    _audit(AuditAction.AUTHORITY_SAVED, authority, before, authority_snapshot, actor, now)
    return authority


def apply_authority_data(authority: Authority, data: AuthorityData, *, now: datetime) -> None:
    authority.name = clean_name(data.name)
    authority.type = data.type
    authority.parent = data.parent
    authority.region = data.region
    authority.address = data.address.strip()
    authority.contact = data.contact.strip()
    authority.response_period_days = data.response_period_days
    authority.letter_language = data.letter_language
    authority.updated_at = now
