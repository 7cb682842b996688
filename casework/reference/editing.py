"""Stale-edit protection for the reference records, which have no version column.

A form carries the record's `updated_at` as it was when the form opened. Saving claims the
row with one conditional UPDATE (`... WHERE updated_at = <opened>`): if another save came
first, no row matches and the user sees what changed since, instead of silently overwriting
it. Every save through these services stamps the record and its audit entry with the same
instant, so "what changed since" is read back from the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from casework.audit import AuditAction, AuditEntry
from casework.edit_conflicts import ChangeRow, Display, change_rows, field_changes
from casework.extensions import db
from casework.refusals import Refusal


class StaleRecord(Refusal):
    """Someone saved the record after the user opened the form. The view rolls back and
    reads what changed with `changes_since`, from the committed state."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this record after you opened the form."))


def parse_opened_at(value: str | None) -> datetime | None:
    """The form's hidden timestamp, or None when it is missing or not a timestamp."""
    if not value:
        return None
    try:
        opened = datetime.fromisoformat(value)
    except ValueError:
        return None
    return opened if opened.tzinfo is not None else None


def claim_for_edit(obj: Any, opened_at: datetime, now: datetime) -> bool:
    """Move the row's updated_at from `opened_at` to `now` in one statement; False when the
    row no longer carries `opened_at` (someone saved in between). Under PostgreSQL's row lock
    a concurrent claim waits for this transaction and then finds no match."""
    model = type(obj)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == obj.id, model.updated_at == opened_at)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def changes_since(
    obj: Any,
    action: AuditAction,
    opened_at: datetime,
    labels: Mapping[str, LazyString],
    current: Mapping[str, Any],
    display: Display,
    extra: Sequence[tuple[str, Any, Any, str, datetime]] = (),
) -> list[ChangeRow]:
    """Every labelled field saved (with `action`) after `opened_at`, one row each, in the order
    first changed. `extra` adds changes the audit log does not hold, as
    (field, old value, new value, who, when)."""
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == type(obj).__tablename__,
               AuditEntry.object_id == obj.id, AuditEntry.action == action,
               AuditEntry.at > opened_at)
        .order_by(AuditEntry.at, AuditEntry.id)
        .options(joinedload(AuditEntry.actor))
    ).all()
    found = field_changes(entries, labels)
    found += [(name, old, who, at) for name, old, _new, who, at in extra]
    return change_rows(sorted(found, key=lambda item: item[3]), labels, current, display)
