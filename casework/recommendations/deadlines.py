"""A recommendation's two deadlines: their defaults, and "overdue", "due soon" and the ageing
buckets as SQL conditions (DESIGN.md §4). The register, the dashboard and the reminders all ask
here, so they always count the same items.

Overdue: the reply deadline passed with no reply (while the outcome is not yet verified as
final), or the implementation deadline passed without a final verified status. Only issued
records run deadlines: a draft has none yet, and closed or withdrawn ones bind nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from casework.cases.deadlines import add_months
from casework.labels import LabelledEnum
from casework.recommendations.lifecycle import FINAL_IMPLEMENTATION, RecordStatus, Response
from casework.recommendations.models import DeadlineKind, Recommendation
from casework.reference.models import Authority
from casework.templating import format_day
from casework.workdays import WorkingCalendar

# The implementation periods offered at issue, in months.
IMPLEMENTATION_PERIODS = (1, 3, 6, 12)


def reply_due(issued_on: date, authority: Authority, calendar: WorkingCalendar) -> date:
    """The addressee's legal period to consider and answer, in working days (per authority)."""
    return calendar.add_working_days(issued_on, authority.response_period_days)


def implementation_due(issued_on: date, months: int) -> date:
    return add_months(issued_on, months)


def furthest_date(start: date) -> date:
    """The latest date a deadline or follow-up may be set to: a typo like 2062 is refused."""
    return add_months(start, 60)


def due_soon_days() -> int:
    return int(current_app.config["RECOMMENDATION_DUE_SOON_DAYS"])


class Ageing(LabelledEnum):
    """How long an item has been overdue, in calendar days."""

    UP_TO_30 = "1-30"
    UP_TO_90 = "31-90"
    OVER_90 = "90+"

    @classmethod
    def _labels(cls):
        return {
            "1-30": _l("1–30 days overdue"),
            "31-90": _l("31–90 days overdue"),
            "90+": _l("Over 90 days overdue"),
        }

    @property
    def days(self) -> tuple[int, int | None]:
        """The bucket's first and last day overdue (None: no upper bound)."""
        return {"1-30": (1, 30), "31-90": (31, 90), "90+": (91, None)}[self.value]

    @classmethod
    def of(cls, days_overdue: int) -> Ageing | None:
        return next(
            (bucket for bucket in cls
             if bucket.days[0] <= days_overdue <= (bucket.days[1] or days_overdue)),
            None,
        )


@dataclass(frozen=True)
class TrackedDeadline:
    """One of the two deadlines, with the condition under which it still runs."""

    kind: DeadlineKind
    column: sa.orm.InstrumentedAttribute[date | None]

    @property
    def running(self) -> sa.ColumnElement[bool]:
        live = Recommendation.record_status == RecordStatus.ISSUED
        awaited = Recommendation.implementation.not_in(FINAL_IMPLEMENTATION)
        if self.kind is DeadlineKind.REPLY:
            # Once the office has verified the outcome, a missing reply no longer matters.
            return sa.and_(live, awaited, Recommendation.response == Response.AWAITING)
        return sa.and_(live, awaited)

    def overdue(self, today: date) -> sa.ColumnElement[bool]:
        return sa.and_(self.running, self.column < today)

    def due_soon(self, today: date) -> sa.ColumnElement[bool]:
        """Not yet overdue, and due within RECOMMENDATION_DUE_SOON_DAYS."""
        return sa.and_(
            self.running, self.column.between(today, today + timedelta(days=due_soon_days()))
        )

    def overdue_by(self, today: date, days: int) -> sa.ColumnElement[bool]:
        """Overdue by at least `days` days: due on or before today - days."""
        return sa.and_(self.running, self.column <= today - timedelta(days=days))

    def ageing(self, today: date, bucket: Ageing) -> sa.ColumnElement[bool]:
        first, last = bucket.days
        clauses = [self.overdue_by(today, first)]
        if last is not None:
            clauses.append(self.column >= today - timedelta(days=last))
        return sa.and_(*clauses)


REPLY = TrackedDeadline(DeadlineKind.REPLY, Recommendation.reply_due)
IMPLEMENTATION = TrackedDeadline(DeadlineKind.IMPLEMENTATION, Recommendation.implementation_due)
DEADLINES = (REPLY, IMPLEMENTATION)


def overdue(today: date) -> sa.ColumnElement[bool]:
    """Either deadline passed."""
    return sa.or_(*(deadline.overdue(today) for deadline in DEADLINES))


def due_soon(today: date) -> sa.ColumnElement[bool]:
    return sa.or_(*(deadline.due_soon(today) for deadline in DEADLINES))


def ageing(today: date, bucket: Ageing) -> sa.ColumnElement[bool]:
    """The longer of the two overdue periods falls in the bucket, as days_overdue() counts:
    each item sits in one bucket, the one its row shows."""
    first, last = bucket.days
    clauses = [sa.or_(*(deadline.overdue_by(today, first) for deadline in DEADLINES))]
    if last is not None:
        clauses.append(
            sa.not_(sa.or_(*(deadline.overdue_by(today, last + 1) for deadline in DEADLINES)))
        )
    return sa.and_(*clauses)


def days_overdue(recommendation: Recommendation, today: date) -> int:
    """The longer of the two overdue periods; 0 when nothing is overdue."""
    return max(recommendation.reply_overdue_days(today),
               recommendation.implementation_overdue_days(today))


@dataclass(frozen=True)
class DeadlineOnDay:
    """One deadline as of a day, for pages and mails: overdue or due soon only while it runs
    (TrackedDeadline.running); otherwise it is shown as settled."""

    kind: DeadlineKind
    due: date
    days_left: int  # calendar days; negative when past
    is_running: bool = True

    @property
    def is_overdue(self) -> bool:
        return self.is_running and self.days_left < 0

    @property
    def is_due_soon(self) -> bool:
        return self.is_running and 0 <= self.days_left <= due_soon_days()

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0) if self.is_running else 0

    def describe(self) -> str:
        """E.g. "Reply deadline: 22 Oct 2026, 5 days overdue", in the current language."""
        if self.is_overdue:
            when = ngettext("%(num)d day overdue", "%(num)d days overdue", self.days_overdue)
        elif self.days_left == 0:
            when = _("due today")
        else:
            when = ngettext("in %(num)d day", "in %(num)d days", self.days_left)
        return _("%(deadline)s: %(day)s, %(when)s",
                 deadline=self.kind.label, day=format_day(self.due), when=when)
