"""Case deadlines in working days (DESIGN.md §3): decision, urgent first action, extension
notice and forwarding out of mandate. Periods come from the configuration."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask import current_app

from casework.cases.models import Case
from casework.database import office_today
from casework.workdays import WorkingCalendar


def _period(name: str) -> int:
    return int(current_app.config[name])


def decision_due(registered_on: date, cal: WorkingCalendar) -> date:
    return cal.add_working_days(registered_on, _period("DECISION_PERIOD_DAYS"))


def first_action_due(registered_on: date, cal: WorkingCalendar) -> date:
    return cal.add_working_days(registered_on, _period("URGENT_ACTION_DAYS"))


def extension_notice_due(extended_on: date, cal: WorkingCalendar) -> date:
    return cal.add_working_days(extended_on, _period("EXTENSION_NOTICE_DAYS"))


def forward_due(registered_on: date, cal: WorkingCalendar) -> date:
    return cal.add_working_days(registered_on, _period("FORWARD_PERIOD_DAYS"))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_extension(case: Case) -> date:
    """Extensions together may add at most the configured months to the first deadline."""
    original = case.extensions[0].previous_due if case.extensions else case.decision_due
    return add_months(original, _period("MAX_EXTENSION_MONTHS"))


@dataclass(frozen=True)
class DeadlineState:
    due: date
    days_left: int  # calendar days; negative when overdue

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def is_due_soon(self) -> bool:
        return 0 <= self.days_left <= _period("DUE_SOON_DAYS")


def deadline_state(due: date, today: date | None = None) -> DeadlineState:
    return DeadlineState(due=due, days_left=(due - (today or office_today())).days)
