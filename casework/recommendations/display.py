"""How recommendation events read on the case timeline, in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.cases.models import Event
from casework.recommendations.lifecycle import Implementation, Response
from casework.recommendations.models import (
    DeadlineKind,
    VerificationMethod,
    recommendation_label,
)
from casework.templating import format_day

STEP_LABELS = {
    "drafted": _l("Drafted"),
    "edited": _l("Draft edited"),
    "reply": _l("Reply received"),
    "verified": _l("Implementation verified"),
    "deadline": _l("Deadline changed"),
    "reassigned": _l("Follow-up reassigned"),
    "follow_up": _l("Follow-up scheduled"),
    "issue": _l("Approved and issued"),
    "discard": _l("Draft discarded"),
    "withdraw": _l("Withdrawn"),
    "close": _l("Closed"),
}


def event_label(event: Event) -> str:
    """The number it had then or, for a step taken on the draft, the number it has now."""
    if number := event.data.get("number"):
        return number
    recommendation_id = event.data["recommendation_id"]
    now = next((r for r in event.case.recommendations if r.id == recommendation_id), None)
    return recommendation_label(now.number if now else None, recommendation_id)


def event_lines(event: Event) -> list[str]:
    data = event.data
    step = str(STEP_LABELS.get(data.get("step", ""), data.get("step", "")))
    lines = [f"{event_label(event)}: {step}"]
    if data.get("response"):
        lines.append(_("Position: %(response)s", response=Response(data["response"]).label))
    if data.get("claimed"):
        lines.append(_("The authority claims: %(status)s",
                       status=Implementation(data["claimed"]).label))
    if data.get("result"):
        lines.append(_("%(status)s (%(method)s, %(day)s)",
                       status=Implementation(data["result"]).label,
                       method=VerificationMethod(data["method"]).label,
                       day=_day(data["verified_on"])))
    if data.get("deadline"):
        lines.append(_("%(deadline)s: %(old)s → %(new)s",
                       deadline=DeadlineKind(data["deadline"]).label,
                       old=_day(data["from"]), new=_day(data["to"])))
    if data.get("user"):
        lines.append(data["user"])
    if data.get("due"):
        lines.append(_("On %(day)s", day=_day(data["due"])))
    if data.get("reason"):
        lines.append(data["reason"])
    return lines


def _day(value: str) -> str:
    return format_day(date.fromisoformat(value))
