"""A visit's lifecycle as data: every step, who may take it and what it needs.

planned → conducted → completed, planned → cancelled, completed → conducted (reopen).

The visit page draws its buttons from STEPS and services.apply_step checks requests against
the same table, so what is offered and what is accepted cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.permissions import Permission, can, supervises_visit
from casework.templating import format_day
from casework.visits.models import VisitStatus

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.visits.models import Visit

# What a step may ask the user for; the step form shows exactly these fields.
REASON, SUMMARY, INTERVIEWS = "reason", "summary", "interviews_in_private"

# The record of a visit is final once completed, and a cancelled visit is closed: entries
# (obstruction, interviewees, what the team saw, edits) are made while it is planned or
# conducted. Reprisal check-ins go on after completion.
EDITABLE = (VisitStatus.PLANNED, VisitStatus.CONDUCTED)


def may_record(user: User, visit: Visit) -> bool:
    return can(user, Permission.RECORD_VISIT, visit)


def supervises(user: User, visit: Visit) -> bool:
    """The region's supervisor alone reopens a completed record."""
    return can(user, Permission.RECORD_VISIT) and supervises_visit(user, visit)


def not_started(visit: Visit, today: date) -> LazyString | None:
    if visit.starts_on > today:
        return _l("The visit starts on %(day)s: mark it as conducted from that day.",
                  day=format_day(visit.starts_on))
    return None


def not_ended(visit: Visit, today: date) -> LazyString | None:
    if visit.ends_on > today:
        return _l("The visit ends on %(day)s: complete the record from that day.",
                  day=format_day(visit.ends_on))
    return None


@dataclass(frozen=True)
class VisitStep:
    action: str
    source: VisitStatus
    target: VisitStatus
    label: LazyString
    who: Callable[[User, Visit], bool]
    needs: tuple[str, ...] = ()  # REASON, SUMMARY, INTERVIEWS
    guard: Callable[[Visit, date], LazyString | None] | None = None
    is_danger: bool = False  # drawn as a warning button

    def blocker(self, visit: Visit, today: date) -> LazyString | None:
        """Why the visit cannot take this step today, or None."""
        return self.guard(visit, today) if self.guard else None


S = VisitStatus

STEPS: tuple[VisitStep, ...] = (
    VisitStep("conduct", S.PLANNED, S.CONDUCTED, _l("Mark as conducted"), may_record,
              guard=not_started),
    # Completing asks for the general findings and the number of people interviewed in
    # private (at least the named ones): the report is built from them.
    VisitStep("complete", S.CONDUCTED, S.COMPLETED, _l("Complete the record"), may_record,
              needs=(SUMMARY, INTERVIEWS), guard=not_ended),
    VisitStep("cancel", S.PLANNED, S.CANCELLED, _l("Cancel the visit"), may_record,
              needs=(REASON,), is_danger=True),
    VisitStep("reopen", S.COMPLETED, S.CONDUCTED, _l("Reopen the record"), supervises,
              needs=(REASON,)),
)
STEPS_BY_ACTION = {step.action: step for step in STEPS}


def steps_from(status: VisitStatus) -> list[VisitStep]:
    return [step for step in STEPS if step.source is status]
