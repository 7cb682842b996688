"""How party events read on the timeline: the pseudonym in the reader's language and the
names of the changed fields, never a name or a value (everyone who reads the case reads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from casework.parties.pseudonyms import pseudonym

if TYPE_CHECKING:
    from casework.cases.models import Event

FIELD_LABELS = {
    "consents_to_disclosure": _l("Consent to disclosure"),
    "consent_scope": _l("Consent covers (to whom)"),
    "consent_recorded_on": _l("Date of the written consent"),
    "is_reprisal_risk": _l("Reprisal risk"),
    "contact": _l("Contact"),
}


def event_lines(event: Event) -> list[str]:
    """The lines of a "party added" or "party details changed" event."""
    data = event.data
    if "party_role" not in data or "party_index" not in data:
        return []
    lines = [pseudonym(data["party_role"], data["party_index"])]
    if data.get("changed"):
        lines.append(", ".join(str(FIELD_LABELS.get(f, f)) for f in data["changed"]))
    return lines
