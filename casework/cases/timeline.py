"""Writing to a case's timeline, the history people read on the case page."""

from __future__ import annotations

from typing import Any

from casework.accounts.models import User
from casework.audit import _jsonable
from casework.cases.models import Case, Event, EventKind
from casework.extensions import db


def add_event(case: Case, kind: EventKind, *, actor: User | None, **data: Any) -> Event:
    event = Event(case=case, kind=kind, actor=actor, data=_jsonable(data))
    db.session.add(event)
    return event
