"""How parties read on the case page and on the timeline. Timeline events show the pseudonym
in the reader's language and the names of the changed fields, never a name or a value
(everyone who reads the case reads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.parties.addressees import addressee_labels
from casework.parties.pseudonyms import pseudonym
from casework.reference.models import AuthorityType

if TYPE_CHECKING:
    from casework.cases.models import CaseParty, Event

FIELD_LABELS = {
    "consents_to_disclosure": _l("Consent to disclosure"),
    "consent_scope": _l("Consent covers (to whom)"),
    "consent_recorded_on": _l("Date of the written consent"),
    "consent_addressees": _l("Letters may name them to"),
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


def letters_may_name(party: CaseParty) -> str:
    """To whom letters may name a consenting party: "may be named to: Prosecutor's office,
    Court", "may be named to any addressee", or "not in letters" when the consent covers no
    addressee."""
    labels = addressee_labels(party.consent_addressees or [])
    if not party.consents_to_disclosure or not labels:
        return _("not in letters")
    if len(labels) == len(AuthorityType):
        return _("may be named to any addressee")
    return _("may be named to: %(addressees)s", addressees=", ".join(labels))
