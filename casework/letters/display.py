"""How letters read to people: the addressee as a reader may see it, and letter events on the
case timeline, in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.database import office_today
from casework.letters.consent import addressee_party
from casework.letters.models import IncomingKind, LetterKind
from casework.recommendations.deadlines import DeadlineOnDay
from casework.recommendations.models import DeadlineKind

if TYPE_CHECKING:
    from casework.cases.models import CaseParty, Event
    from casework.letters.models import Letter

STEP_LABELS = {
    "drafted": _l("Drafted"),
    "edited": _l("Draft edited"),
    "correction_drafted": _l("Correction drafted"),
    "signed": _l("Signed and numbered"),
    "sent": _l("Sent"),
    "discarded": _l("Draft discarded"),
    "incoming": _l("Incoming document registered"),
}


def party_label(party: CaseParty) -> str:
    """A person of the case as lists show them: the name only with their consent, as on the
    case page; otherwise the pseudonym (names without consent are shown only under audit)."""
    if party.consents_to_disclosure:
        return _("%(name)s (%(pseudonym)s)", name=party.person.full_name,
                 pseudonym=party.pseudonym)
    return party.pseudonym


def addressee_label(letter: Letter) -> str:
    """The first line of the addressee block; for a letter to a person of the case, the
    person as party_label shows them."""
    if letter.person_id is None:
        return letter.addressee_name
    party = addressee_party(letter)
    return party_label(party) if party is not None else _("A person of the case")


def response_deadline(letter: Letter, today: date | None = None) -> DeadlineOnDay | None:
    """The reply the addressee owes, as the deadline pieces of the pages draw it: it runs from
    signing until a response is registered."""
    if letter.response_due is None:
        return None
    runs = letter.is_frozen and letter.response_received_on is None
    days_left = (letter.response_due - (today or office_today())).days
    return DeadlineOnDay(DeadlineKind.REPLY, letter.response_due, days_left, runs)


def event_lines(event: Event) -> list[str]:
    """A letter event: which letter (its number, or the draft's label), the step in words and
    the kind of letter or of incoming document."""
    data = event.data
    step = data.get("step", "")
    words = str(STEP_LABELS.get(step, step))
    if step == "incoming":
        lines = [_("Incoming %(number)s: %(step)s", number=data.get("number") or "—",
                   step=words)]
        if data.get("incoming_kind"):
            lines.append(str(IncomingKind(data["incoming_kind"]).label))
        if data.get("letter_id"):
            lines.append(_("In reply to a letter"))
        return lines
    draft_label = _("Draft letter %(id)s", id=data.get("letter_id"))
    lines = [f"{data.get('number') or draft_label}: {words}"]
    if data.get("letter_kind"):
        lines.append(str(LetterKind(data["letter_kind"]).label))
    if step == "signed" and data.get("number"):
        # Earlier events name the draft; this line ties them to the number.
        lines.append(_("Until signed: %(draft)s", draft=draft_label))
    return lines
