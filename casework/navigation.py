"""The main navigation: one table of entries, each shown to those with its permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.permissions import Permission, can

if TYPE_CHECKING:
    from casework.accounts.models import User

P = Permission


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: LazyString
    permission: Permission
    # Endpoints (or blueprint prefixes ending in ".") under which the entry is the current page.
    current_on: tuple[str, ...]


MAIN_NAV = (
    NavEntry("cases.my_work", _l("My work"), P.READ_CASE, ("cases.my_work",)),
    NavEntry("cases.index", _l("Cases"), P.READ_CASE, ("cases.index",)),
    NavEntry("recommendations.dashboard", _l("Dashboard"), P.FOLLOW_UP_RECOMMENDATION,
             ("recommendations.dashboard",)),
    NavEntry("recommendations.register", _l("Recommendations"), P.READ_RECOMMENDATION,
             ("recommendations.register", "recommendations.show")),
    NavEntry("visits.index", _l("Visits"), P.READ_VISIT, ("visits.",)),
    NavEntry("violations.index", _l("Violations"), P.READ_VISIT,
             ("violations.index", "violations.show", "violations.facility")),
    NavEntry("courts.my_hearings", _l("My hearings"), P.FOLLOW_COURT, ("courts.",)),
    NavEntry("letters.register", _l("Correspondence"), P.KEEP_CORRESPONDENCE,
             ("letters.register", "letters.incoming")),
    NavEntry("reports.statistics", _l("Statistics"), P.VIEW_STATISTICS, ("reports.",)),
    NavEntry("admin.users", _l("Users"), P.MANAGE_USERS, ("admin.",)),
    NavEntry("reference.index", _l("Reference data"), P.MANAGE_REFERENCE, ("reference.",)),
    NavEntry("letters.templates", _l("Letter templates"), P.MANAGE_REFERENCE,
             ("letters.template",)),
    NavEntry("reference.participants.index", _l("NPM participants"), P.MANAGE_PARTICIPANTS,
             ("reference.participants.",)),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    is_current: bool


def _match(entry: NavEntry, endpoint: str | None) -> int:
    """How closely `endpoint` belongs to the entry: the length of its longest mark, or 0."""
    return max(
        (len(mark) for mark in entry.current_on
         if endpoint and (endpoint.startswith(mark) if mark.endswith(".") else endpoint == mark)),
        default=0,
    )


def main_navigation(user: User, endpoint: str | None) -> list[NavLink]:
    """The entries `user` may open, in order; the one `endpoint` belongs to most closely is
    marked current ("reference.participants.edit" is the participants', not the reference
    data's)."""
    entries = [
        entry for entry in MAIN_NAV
        if entry.endpoint in current_app.view_functions and can(user, entry.permission)
    ]
    best = max((_match(entry, endpoint) for entry in entries), default=0)
    return [
        NavLink(url_for(entry.endpoint), str(entry.label),
                best > 0 and _match(entry, endpoint) == best)
        for entry in entries
    ]
