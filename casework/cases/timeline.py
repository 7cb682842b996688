"""Writing to a case's timeline, the history people read on the case page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from casework.accounts.models import User
from casework.attachments.display import event_lines as attachment_event_lines
from casework.audit import _jsonable
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import AssignmentRole, Case, Event, EventKind, TaskKind
from casework.cases.queries import FIELD_LABELS
from casework.extensions import db
from casework.templating import format_day


def add_event(case: Case, kind: EventKind, *, actor: User | None, **data: Any) -> Event:
    event = Event(case=case, kind=kind, actor=actor, data=_jsonable(data))
    db.session.add(event)
    return event


def describe(event: Event) -> list[str]:
    """The details of an event as lines for people, in the reader's language."""
    data = event.data
    lines: list[str] = []
    if "from" in data and "to" in data and event.kind is EventKind.TRANSITION:
        lines.append(_("%(old)s → %(new)s", old=CaseStatus(data["from"]).label,
                       new=CaseStatus(data["to"]).label))
    elif "from" in data and "to" in data:
        lines.append(_("%(old)s → %(new)s", old=_day(data["from"]), new=_day(data["to"])))
    if data.get("outcome"):
        lines.append(_("Outcome: %(outcome)s", outcome=Outcome(data["outcome"]).label))
    if data.get("user"):
        lines.append(f"{data['user']} ({AssignmentRole(data['role']).label})")
    if data.get("task"):
        lines.append(TaskKind(data["task"]).label)
    if data.get("due"):
        lines.append(_("Due %(day)s", day=_day(data["due"])))
    if data.get("fields"):
        lines.append(", ".join(str(FIELD_LABELS.get(f, f)) for f in data["fields"]))
    lines.extend(data[key] for key in ("reason", "ground") if data.get(key))
    if event.kind is EventKind.ATTACHMENT_ADDED:
        lines.extend(attachment_event_lines(event))  # file name only for who may download
    return lines


def _day(value: str) -> str:
    return format_day(date.fromisoformat(value))
