"""How facilities and authorities are audited and read back: the audited fields, their
labels, their values as a person reads them, and what others changed since a form opened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.audit import AuditAction
from casework.extensions import db
from casework.labels import LabelledEnum
from casework.reference.editing import ChangeRow, Display, changes_since
from casework.reference.models import (
    Authority,
    AuthorityType,
    CctvCoverage,
    Facility,
    FacilityType,
    Language,
)
from casework.reference.regions import Region

FACILITY_LABELS: dict[str, LazyString] = {
    "name": _l("Facility name"), "type": _l("Type"), "region": _l("Region"),
    "authority_id": _l("Operating authority"), "capacity": _l("Capacity"),
    "cctv_coverage": _l("CCTV coverage"), "address": _l("Address"), "is_active": _l("Active"),
}
AUTHORITY_LABELS: dict[str, LazyString] = {
    "name": _l("Authority name"), "type": _l("Type"), "parent_id": _l("Parent authority"),
    "region": _l("Region"), "address": _l("Address"), "contact": _l("Contact"),
    "response_period_days": _l("Response period (working days)"),
    "letter_language": _l("Letter language"),
}
_FACILITY_ENUMS: dict[str, type[LabelledEnum]] = {
    "type": FacilityType, "region": Region, "cctv_coverage": CctvCoverage,
}
_AUTHORITY_ENUMS: dict[str, type[LabelledEnum]] = {
    "type": AuthorityType, "region": Region, "letter_language": Language,
}


def facility_snapshot(facility: Facility) -> dict[str, Any]:
    return {
        "name": facility.name, "type": facility.type, "region": facility.region,
        "authority_id": facility.authority_id, "capacity": facility.capacity,
        "cctv_coverage": facility.cctv_coverage, "address": facility.address,
        "is_active": facility.is_active,
    }


def authority_snapshot(authority: Authority) -> dict[str, Any]:
    return {
        "name": authority.name, "type": authority.type, "parent_id": authority.parent_id,
        "region": authority.region, "address": authority.address, "contact": authority.contact,
        "response_period_days": authority.response_period_days,
        "letter_language": authority.letter_language,
    }


def _display(enums: dict[str, type[LabelledEnum]]) -> Display:
    def display(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if name in enums:
            return enums[name](value).label
        if name in ("authority_id", "parent_id"):
            authority = db.session.get(Authority, value)
            return authority.name if authority is not None else f"#{value}"
        return str(value)

    return display


facility_display = _display(_FACILITY_ENUMS)
authority_display = _display(_AUTHORITY_ENUMS)


def facility_changes_since(facility: Facility, opened_at: datetime) -> list[ChangeRow]:
    """What others saved on the facility after the user opened the form, CCTV changes that
    visits recorded included."""
    cctv = [
        ("cctv_coverage", None, change.coverage, "", change.recorded_at)
        for change in facility.cctv_changes
        if change.recorded_at > opened_at and change.visit_id is not None
    ]
    return changes_since(facility, AuditAction.FACILITY_SAVED, opened_at, FACILITY_LABELS,
                         facility_snapshot(facility), facility_display, cctv)


def authority_changes_since(authority: Authority, opened_at: datetime) -> list[ChangeRow]:
    return changes_since(authority, AuditAction.AUTHORITY_SAVED, opened_at, AUTHORITY_LABELS,
                         authority_snapshot(authority), authority_display)
