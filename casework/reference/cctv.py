"""A facility's CCTV coverage and its history: one function for every way it changes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from casework.database import office_today
from casework.extensions import db
from casework.reference.models import CctvChange, CctvCoverage, Facility

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.visits.models import Visit


def record_cctv_coverage(
    facility: Facility,
    coverage: CctvCoverage,
    *,
    actor: User | None,
    changed_on: date | None = None,
    visit: Visit | None = None,
    note: str = "",
) -> CctvChange | None:
    """Set the facility's coverage and keep the change in its history; None when it did not
    change. A visit's observation dated before a later recorded change is kept in the history
    but does not overwrite the newer current value. The caller audits and commits."""
    changed_on = changed_on or office_today()
    # By date, not list position: a change added in this session sits at the list's end.
    latest = max(facility.cctv_changes, key=lambda c: (c.changed_on, c.id or 0), default=None)
    if coverage is facility.cctv_coverage and latest is not None:
        return None
    change = CctvChange(
        facility=facility, coverage=coverage, changed_on=changed_on, visit=visit,
        note=note, recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(change)
    if latest is None or changed_on >= latest.changed_on:
        facility.cctv_coverage = coverage
    return change
