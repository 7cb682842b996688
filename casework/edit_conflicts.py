"""What someone else changed after a user opened an edit form, read back from the audit log:
one row per field for the 409 page of every protected edit (cases, visits, reference data)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from casework.audit import AuditAction, AuditEntry
from casework.extensions import db

Display = Callable[[str, Any], str]
# One field's change: its name, its value before, who changed it, when.
FieldChange = tuple[str, Any, str, datetime]


@dataclass(frozen=True)
class ChangeRow:
    """A field someone else changed after the user opened the edit form."""

    name: str  # the key in the object's snapshot()
    field: str
    opened_value: str  # when the user opened the form
    current_value: str
    who: str  # everyone who changed it since, in order
    at: datetime  # the latest change


def field_changes(entries: Iterable[AuditEntry], labels: Mapping[str, Any]) -> list[FieldChange]:
    """The labelled fields' changes the entries record (a change is stored as [old, new])."""
    return [
        (name, value[0], entry.actor.full_name if entry.actor else "", entry.at)
        for entry in entries
        for name, value in entry.changes.items()
        if name in labels and isinstance(value, list)
    ]


def change_rows(
    changes: Iterable[FieldChange],
    labels: Mapping[str, Any],
    current: Mapping[str, Any],
    display: Display,
) -> list[ChangeRow]:
    """One row per field, in the order first changed: its value when the form opened (before
    the first change), its value now, everyone who changed it and the latest change."""
    opened: dict[str, Any] = {}
    actors: dict[str, list[str]] = {}
    latest: dict[str, datetime] = {}
    for name, old, who, at in changes:
        opened.setdefault(name, old)
        names = actors.setdefault(name, [])
        names.extend([who] if who and who not in names else [])
        latest[name] = at
    return [
        ChangeRow(name=name, field=str(labels[name]), opened_value=display(name, before),
                  current_value=display(name, current.get(name)),
                  who=", ".join(actors[name]), at=latest[name])
        for name, before in opened.items()
    ]


def changes_since_version(
    obj: Any,
    version: int,
    actions: Sequence[AuditAction],
    labels: Mapping[str, Any],
    display: Display,
) -> list[ChangeRow]:
    """For a model with a version column whose versioned audit entries store "version":
    every labelled field changed from `version` on."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__tablename__,
               AuditEntry.object_id == obj.id, AuditEntry.action.in_(actions))
        .order_by(AuditEntry.id).options(joinedload(AuditEntry.actor))
    ).all()
    since = [entry for entry in entries if int(entry.changes.get("version", 0)) >= version]
    return change_rows(field_changes(since, labels), labels, obj.snapshot(), display)
