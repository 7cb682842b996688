"""Audit entries for the demo's generated records, inserted in bulk in time order.

The demo year makes thousands of visits' records; the ORM would add them one statement at a
time. These rows are what the services' `audit.record` would have written at that moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from casework.accounts.models import User
from casework.audit import AuditAction, AuditEntry, _jsonable
from casework.extensions import db


class AuditRows:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, at: datetime, actor: User | None, action: AuditAction, obj: Any,
            changes: dict[str, Any]) -> None:
        """The entry for `obj` (flushed: it has its id)."""
        self.rows.append({
            "at": at, "actor_id": actor.id if actor is not None else None, "action": action,
            "object_type": type(obj).__tablename__, "object_id": obj.id,
            "changes": _jsonable(changes), "ip_address": None,
        })

    def write(self) -> int:
        """Insert the entries collected so far, oldest first; how many."""
        rows, self.rows = sorted(self.rows, key=lambda row: row["at"]), []
        if rows:
            db.session.execute(sa.insert(cast(sa.Table, AuditEntry.__table__)), rows)
        return len(rows)
