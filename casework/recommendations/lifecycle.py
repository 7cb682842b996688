"""A recommendation's three axes as data (DESIGN.md §4), like the case lifecycle.

- the record itself: draft → issued → closed, or withdrawn;
- what the addressee says: awaiting reply → accepted | partially accepted | rejected;
- what the office has verified: not started → in progress → partially implemented |
  implemented | not implemented; superseded.

Each axis is a table of allowed steps; the services refuse anything the table does not list,
and the pages offer only what it lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum
from casework.permissions import Permission


class RecordStatus(LabelledEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            "draft": _l("Draft"),
            "issued": _l("Issued"),
            "closed": _l("Closed"),
            "withdrawn": _l("Withdrawn"),
        }


class Response(LabelledEnum):
    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return {
            "awaiting": _l("Awaiting reply"),
            "accepted": _l("Accepted"),
            "partially_accepted": _l("Partially accepted"),
            "rejected": _l("Rejected"),
        }


class Implementation(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    NOT_IMPLEMENTED = "not_implemented"
    SUPERSEDED = "superseded"

    @classmethod
    def _labels(cls):
        return {
            "not_started": _l("Not started"),
            "in_progress": _l("In progress"),
            "partially_implemented": _l("Partially implemented"),
            "implemented": _l("Implemented"),
            "not_implemented": _l("Not implemented"),
            "superseded": _l("Superseded / no longer applicable"),
        }


class Scope(LabelledEnum):
    INDIVIDUAL = "individual"
    STRUCTURAL = "structural"

    @classmethod
    def _labels(cls):
        return {
            "individual": _l("Individual (a remedy for one person)"),
            "structural": _l("Structural (practice, rule or building)"),
        }


class Priority(LabelledEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @classmethod
    def _labels(cls):
        return {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


# Verified outcomes after which implementation is no longer awaited: the record may close and
# the implementation deadline no longer runs. A partial result can still be verified again.
FINAL_IMPLEMENTATION = frozenset({
    Implementation.PARTIALLY_IMPLEMENTED, Implementation.IMPLEMENTED,
    Implementation.NOT_IMPLEMENTED, Implementation.SUPERSEDED,
})
# Records that still bind the addressee: their deadlines run and they count as open.
LIVE_RECORDS = (RecordStatus.ISSUED,)
# Records the authority has received: they count as "issued" for the case lifecycle.
ISSUED_RECORDS = (RecordStatus.ISSUED, RecordStatus.CLOSED)
OPEN_RECORDS = (RecordStatus.DRAFT, RecordStatus.ISSUED)


@dataclass(frozen=True)
class RecordStep:
    action: str
    source: RecordStatus
    target: RecordStatus
    permission: Permission
    label: LazyString
    needs_reason: bool = False


R, P = RecordStatus, Permission

RECORD_STEPS: tuple[RecordStep, ...] = (
    # Four-eyes: a supervisor other than the drafter issues (services.issue checks who).
    RecordStep("issue", R.DRAFT, R.ISSUED, P.ISSUE_RECOMMENDATION, _l("Approve and issue")),
    RecordStep("discard", R.DRAFT, R.WITHDRAWN, P.FOLLOW_UP_RECOMMENDATION,
               _l("Discard the draft"), needs_reason=True),
    RecordStep("withdraw", R.ISSUED, R.WITHDRAWN, P.ISSUE_RECOMMENDATION, _l("Withdraw"),
               needs_reason=True),
    RecordStep("close", R.ISSUED, R.CLOSED, P.ISSUE_RECOMMENDATION, _l("Close")),
)
RECORD_STEPS_BY_ACTION = {step.action: step for step in RECORD_STEPS}

Impl = Implementation
ANSWERS = (Response.ACCEPTED, Response.PARTIALLY_ACCEPTED, Response.REJECTED)
# A later reply may change the addressee's position (e.g. accepted after an escalation).
RESPONSE_STEPS: frozenset[tuple[Response, Response]] = frozenset(
    (source, target) for source in Response for target in ANSWERS if source is not target
)
IMPLEMENTATION_STEPS: frozenset[tuple[Implementation, Implementation]] = frozenset({
    *((Impl.NOT_STARTED, target) for target in Implementation if target is not Impl.NOT_STARTED),
    *((Impl.IN_PROGRESS, target) for target in FINAL_IMPLEMENTATION),
    (Impl.PARTIALLY_IMPLEMENTED, Impl.IN_PROGRESS),
    (Impl.PARTIALLY_IMPLEMENTED, Impl.IMPLEMENTED),
    (Impl.PARTIALLY_IMPLEMENTED, Impl.NOT_IMPLEMENTED),
    (Impl.PARTIALLY_IMPLEMENTED, Impl.SUPERSEDED),
    # The authority may act after all, or the issue may lapse.
    (Impl.NOT_IMPLEMENTED, Impl.IN_PROGRESS),
    (Impl.NOT_IMPLEMENTED, Impl.SUPERSEDED),
})


def record_steps_from(status: RecordStatus) -> list[RecordStep]:
    return [step for step in RECORD_STEPS if step.source is status]


def responses_from(current: Response) -> list[Response]:
    return [target for target in Response if (current, target) in RESPONSE_STEPS]


def implementations_from(current: Implementation) -> list[Implementation]:
    return [target for target in Implementation if (current, target) in IMPLEMENTATION_STEPS]
