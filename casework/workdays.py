"""Working days on the Kazakhstan calendar: weekends, public holidays and the government's
transferred days off and working Saturdays (kept by admins in `calendar_days`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
import sqlalchemy as sa

from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind


@dataclass
class WorkingCalendar:
    """A calendar for date arithmetic; build it with `load()` to include the admin's table."""

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    _public: holidays.HolidayBase = field(default_factory=lambda: holidays.country_holidays("KZ"))

    @classmethod
    def load(cls) -> WorkingCalendar:
        rows = db.session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all()
        return cls(
            days_off=frozenset(d for d, k in rows if k is CalendarDayKind.DAY_OFF),
            working_days=frozenset(d for d, k in rows if k is CalendarDayKind.WORKING_DAY),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day in self._public:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (the start day itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for n in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=n))
        )
