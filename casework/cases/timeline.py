"""Writing to a case's timeline, the history people read on the case page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.attachments.display import event_lines as attachment_event_lines
from casework.audit import _jsonable
from casework.cases.lifecycle import TRANSITIONS, CaseStatus, Outcome
from casework.cases.models import AssignmentRole, Case, Event, EventKind, TaskKind
from casework.cases.queries import FIELD_LABELS
from casework.courts.display import event_lines as court_event_lines
from casework.extensions import db
from casework.letters.display import event_lines as letter_event_lines
from casework.parties.display import event_lines as party_event_lines
from casework.recommendations.display import event_lines as recommendation_event_lines
from casework.templating import format_day
from casework.violations.display import event_lines as violation_event_lines


def add_event(case: Case, kind: EventKind, *, actor: User | None, **data: Any) -> Event:
    event = Event(case=case, kind=kind, actor=actor, data=_jsonable(data))
    db.session.add(event)
    return event


def describe(event: Event) -> list[str]:
    """The details of an event as lines for people, in the reader's language."""
    data = event.data
    if event.kind is EventKind.RECOMMENDATION:
        return recommendation_event_lines(event)
    if event.kind is EventKind.LETTER:
        return letter_event_lines(event)
    if event.kind is EventKind.VIOLATION:
        return violation_event_lines(event)
    if event.kind is EventKind.COURT:
        return court_event_lines(event)
    lines: list[str] = []
    if "from" in data and "to" in data and event.kind is EventKind.TRANSITION:
        lines.append(_("%(old)s → %(new)s", old=CaseStatus(data["from"]).label,
                       new=CaseStatus(data["to"]).label))
    elif "from" in data and "to" in data:
        lines.append(_("%(old)s → %(new)s", old=_day(data["from"]), new=_day(data["to"])))
    if data.get("outcome"):
        lines.append(_("Outcome: %(outcome)s", outcome=Outcome(data["outcome"]).label))
    if data.get("user"):
        lines.append(_("%(name)s, as %(role)s", name=data["user"],
                       role=AssignmentRole(data["role"]).label))
    if data.get("task"):
        lines.append(TaskKind(data["task"]).label)
    if data.get("due"):
        lines.append(_("Due %(day)s", day=_day(data["due"])))
    if data.get("fields"):
        lines.append(", ".join(str(FIELD_LABELS.get(f, f)) for f in data["fields"]))
    lines.extend(data[key] for key in ("reason", "ground") if data.get(key))
    if data.get("why_open"):
        lines.append(_("Closed with recommendations open: %(why)s", why=data["why_open"]))
    if event.kind is EventKind.ATTACHMENT_ADDED:
        lines.extend(attachment_event_lines(event))  # file name only for who may download
    if event.kind in (EventKind.PARTY_ADDED, EventKind.PARTY_EDITED):
        lines.extend(party_event_lines(event))  # a pseudonym in the reader's language
    return lines


def _day(value: str) -> str:
    return format_day(date.fromisoformat(value))


# What the Details card shows from the timeline: the reason given with these steps.
_CLOSING = frozenset(t.action for t in TRANSITIONS if t.target is CaseStatus.CLOSED)
_RECORDED = (
    (_l("Findings"), frozenset({"propose_recommendations"})),
    (_l("Reason for closing"), _CLOSING),
)


def recorded_decisions(case: Case) -> list[tuple[str, str]]:
    """(label, text) for the findings and, while the case is closed, the reason it was closed,
    each from the latest step that recorded it. Recommendations have their own section."""
    latest: dict[frozenset[str], str] = {}
    for event in case.events:  # newest first
        action = event.data.get("action") if event.kind is EventKind.TRANSITION else None
        for _label, actions in _RECORDED:
            if action in actions and event.data.get("reason"):
                latest.setdefault(actions, event.data["reason"])
    if case.is_open:
        latest.pop(_CLOSING, None)
    return [(str(label), latest[actions]) for label, actions in _RECORDED if actions in latest]
