"""Links into the visits feature, which serves the visit's own page."""

from __future__ import annotations

from flask import current_app, url_for

from casework.visits.models import Visit


def visit_url(visit: Visit) -> str | None:
    """The visit's page, once the visits feature serves it (None until then)."""
    if "visits.show" not in current_app.view_functions:
        return None
    return url_for("visits.show", visit_id=visit.id)


def visit_or_facility_url(visit: Visit) -> str:
    """The visit's page, or its facility's page while there is none."""
    return visit_url(visit) or url_for("violations.facility", facility_id=visit.facility_id)
