"""The working-day calendar kept by admins: transferred days off and working Saturdays.

Public holidays come from the `holidays` package; this table records only the government's
yearly decisions that move days, which no package can know in advance.
"""

from __future__ import annotations

from datetime import date

import holidays
import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.audit import AuditAction, record
from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind

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
