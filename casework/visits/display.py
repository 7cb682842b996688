"""How visits read on the pages: who an interviewee is to the reader, and links to pages
other features may or may not provide yet."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from casework.visits.models import Interviewee, Obstruction, ObstructionKind


def interviewee_label(interviewee: Interviewee, names_visible: bool) -> str:
    """The person's name for those who may know it (the team and the region's supervisor),
    "Interviewee 3" for everyone else: a leak could bring the reprisal the follow-up is for."""
    if names_visible:
        return interviewee.person.full_name
    return pseudonym(interviewee)


def pseudonym(interviewee: Interviewee) -> str:
    return _("Interviewee %(number)d", number=interviewee.number)


def obstruction_detail(obstruction: Obstruction) -> str:
    """The kind, with the delay for access delayed."""
    if obstruction.kind is ObstructionKind.ACCESS_DELAYED and obstruction.delay_minutes:
        return _("%(kind)s: %(minutes)d min", kind=obstruction.kind.label,
                 minutes=obstruction.delay_minutes)
    return obstruction.kind.label


def optional_url(endpoint: str, **values: Any) -> str | None:
    """The URL of another feature's page when the application has it, else None: the visit
    page links the facility page and the visit report once they exist."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the page exists but takes other arguments than expected
        return None
