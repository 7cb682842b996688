"""The case lifecycle as data (DESIGN.md §3): statuses, outcomes and every allowed transition.

The case page draws its buttons from TRANSITIONS and the service checks requests against the
same table, so what is offered and what is accepted cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum
from casework.permissions import Permission
from casework.recommendations.lifecycle import ISSUED_RECORDS, OPEN_RECORDS

if TYPE_CHECKING:
    from casework.cases.models import Case


class CaseStatus(LabelledEnum):
    REGISTERED = "registered"
    TRIAGE = "triage"
    INVESTIGATION = "investigation"
    RECOMMENDATION = "recommendation"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"

    @classmethod
    def _labels(cls):
        return {
            "registered": _l("Registered"),
            "triage": _l("Triage"),
            "investigation": _l("Investigation"),
            "recommendation": _l("Recommendations"),
            "follow_up": _l("Follow-up"),
            "closed": _l("Closed"),
        }


OPEN_STATUSES = tuple(s for s in CaseStatus if s is not CaseStatus.CLOSED)
# The decision period runs until the office decides: a finding of violation, or closure.
AWAITING_DECISION = (CaseStatus.REGISTERED, CaseStatus.TRIAGE, CaseStatus.INVESTIGATION)


class Outcome(LabelledEnum):
    RESOLVED = "resolved"
    PARTIALLY_RESOLVED = "partially_resolved"
    NOT_RESOLVED = "not_resolved"
    NO_VIOLATION = "no_violation"
    NOT_ADMISSIBLE = "not_admissible"
    REFERRED_OUT = "referred_out"

    @classmethod
    def _labels(cls):
        return {
            "resolved": _l("Violation remedied"),
            "partially_resolved": _l("Partially remedied"),
            "not_resolved": _l("Not remedied"),
            "no_violation": _l("No violation found"),
            "not_admissible": _l("Not admissible"),
            "referred_out": _l("Referred to the competent body"),
        }


def open_tasks_remain(case: Case) -> LazyString | None:
    """A case is not closed while a notice the law requires is still to be sent."""
    if open_tasks := [str(task.kind.label) for task in case.tasks if not task.is_done]:
        return _l("Finish the open tasks first: %(tasks)s.", tasks="; ".join(open_tasks))
    return None


def no_issued_recommendation(case: Case) -> LazyString | None:
    if not any(r.record_status in ISSUED_RECORDS for r in case.recommendations):
        return _l("A supervisor must first issue at least one recommendation.")
    return None


def open_recommendations(case: Case) -> int:
    """Drafts and issued recommendations not yet closed: closing the case with them open
    needs the supervisor's recorded reason (services.apply_transition)."""
    return sum(r.record_status in OPEN_RECORDS for r in case.recommendations)


@dataclass(frozen=True)
class Transition:
    action: str
    source: CaseStatus
    target: CaseStatus
    permission: Permission
    label: LazyString
    needs_reason: bool = False
    reason_label: LazyString | None = None
    outcomes: tuple[Outcome, ...] = ()
    needs_authority: bool = False
    guard: Callable[[Case], LazyString | None] | None = None

    def blocker(self, case: Case) -> LazyString | None:
        """Why the case cannot take this transition now, or None."""
        return self.guard(case) if self.guard else None


S, P = CaseStatus, Permission

TRANSITIONS: tuple[Transition, ...] = (
    Transition("start_triage", S.REGISTERED, S.TRIAGE, P.CHANGE_STATUS, _l("Start triage")),
    Transition(
        "open_investigation", S.TRIAGE, S.INVESTIGATION, P.CHANGE_STATUS,
        _l("Open investigation"),
    ),
    Transition(
        "declare_not_admissible", S.TRIAGE, S.CLOSED, P.CLOSE_CASE, _l("Declare not admissible"),
        needs_reason=True, outcomes=(Outcome.NOT_ADMISSIBLE,), guard=open_tasks_remain,
    ),
    Transition(
        "refer_out", S.TRIAGE, S.CLOSED, P.CLOSE_CASE, _l("Refer to the competent body"),
        needs_reason=True, outcomes=(Outcome.REFERRED_OUT,), needs_authority=True,
        reason_label=_l("Reason and outgoing letter"),
    ),
    Transition(
        "propose_recommendations", S.INVESTIGATION, S.RECOMMENDATION, P.CHANGE_STATUS,
        _l("Violation found: prepare recommendations"), needs_reason=True,
        reason_label=_l("Findings"),
    ),
    Transition(
        "close_no_violation", S.INVESTIGATION, S.CLOSED, P.CLOSE_CASE,
        _l("Close: no violation found"), needs_reason=True, outcomes=(Outcome.NO_VIOLATION,),
        guard=open_tasks_remain,
    ),
    Transition(
        "start_follow_up", S.RECOMMENDATION, S.FOLLOW_UP, P.CHANGE_STATUS,
        _l("Recommendations issued: start follow-up"), guard=no_issued_recommendation,
    ),
    Transition(
        "close", S.FOLLOW_UP, S.CLOSED, P.CLOSE_CASE, _l("Close the case"), needs_reason=True,
        outcomes=(Outcome.RESOLVED, Outcome.PARTIALLY_RESOLVED, Outcome.NOT_RESOLVED),
        guard=open_tasks_remain,
    ),
    Transition(
        "reopen", S.CLOSED, S.INVESTIGATION, P.REOPEN_CASE, _l("Reopen"), needs_reason=True,
    ),
)

TRANSITIONS_BY_ACTION = {t.action: t for t in TRANSITIONS}


def transitions_from(status: CaseStatus) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source is status]
