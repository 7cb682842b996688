"""How violation events read on the case timeline, and the names of a violation's fields,
in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.cases.models import Event
from casework.violations.models import ViolationStatus

FIELD_LABELS = {
    "facility_id": _l("Facility"),
    "category_id": _l("Category"),
    "legal_basis": _l("Legal basis"),
    "description": _l("Description"),
    "found_on": _l("Found on"),
    "people_affected": _l("People affected"),
    "status": _l("Status"),
}

STEP_LABELS = {
    "recorded": _l("Violation recorded"),
    "edited": _l("Violation edited"),
    "status": _l("Violation status changed"),
}


def event_lines(event: Event) -> list[str]:
    """"Conditions of detention: violation recorded (Alleged)", then what changed."""
    data = event.data
    found = [v for v in event.case.violations if v.id == data.get("violation_id")]
    what = found[0].category.name if found else _("Violation")
    step = str(STEP_LABELS.get(data.get("step", ""), data.get("step", "")))
    lines = [f"{what}: {step}"]
    if data.get("status") and data.get("step") == "recorded":
        lines.append(ViolationStatus(data["status"]).label)
    if data.get("from") and data.get("to"):
        lines.append(_("%(old)s → %(new)s", old=ViolationStatus(data["from"]).label,
                       new=ViolationStatus(data["to"]).label))
    if data.get("fields"):
        lines.append(", ".join(str(FIELD_LABELS.get(f, f)) for f in data["fields"]))
    if data.get("reason"):
        lines.append(data["reason"])
    return lines
