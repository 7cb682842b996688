"""How court proceedings read to people: short labels for lists and calendars, a hearing's
place and time, and court events on the case timeline, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.courts.models import AppealResult, Decision, ProceedingKind
from casework.database import utcnow
from casework.templating import format_day, format_moment

if TYPE_CHECKING:
    from casework.cases.models import Event
    from casework.courts.models import CourtProceeding, Hearing

# The kind as a short noun for a calendar line ("Hearing: parole — 2026-00123").
SHORT_KINDS = {
    ProceedingKind.PAROLE: _l("parole"),
    ProceedingKind.TRANSFER: _l("transfer"),
    ProceedingKind.COMPLAINT_AGAINST_ADMINISTRATION: _l("complaint against the administration"),
}

STEP_LABELS = {
    "recorded": _l("Proceeding recorded"),
    "edited": _l("Proceeding details changed"),
    "decision": _l("Decision recorded"),
    "appeal": _l("Appeal recorded"),
    "hearing": _l("Hearing scheduled"),
    "hearing_result": _l("Hearing result recorded"),
}

# The fields of CourtProceeding.snapshot() as the timeline names a change to them.
FIELD_LABELS = {
    "court_id": _l("Court"),
    "kind": _l("Kind"),
    "court_case_number": _l("Court case number"),
    "petition_on": _l("Petition date"),
    "lawyer_id": _l("Lawyer"),
    "decision": _l("Decision"),
    "decided_on": _l("Decision date"),
    "decision_summary": _l("Summary of the decision"),
    "appealed_on": _l("Appeal date"),
    "appeal_result": _l("Appeal result"),
}


def awaits_result(hearing: Hearing) -> bool:
    """Held (or started), and nobody has recorded what happened yet."""
    return hearing.starts_at <= utcnow() and not hearing.result


def short_kind(kind: ProceedingKind) -> str:
    return str(SHORT_KINDS[kind])


def hearing_title(hearing: Hearing) -> str:
    """The line a calendar shows: the kind and the case's reference, nobody's name."""
    proceeding = hearing.proceeding
    return _("Hearing: %(kind)s — %(reference)s", kind=short_kind(proceeding.kind),
             reference=proceeding.case.reference)


def hearing_place(hearing: Hearing) -> str:
    court = hearing.proceeding.court.name
    if hearing.courtroom:
        return _("%(court)s, courtroom %(room)s", court=court, room=hearing.courtroom)
    return court


def proceeding_label(proceeding: CourtProceeding) -> str:
    """The kind, with the court's case number when known."""
    if proceeding.court_case_number:
        return _("%(kind)s, court case No. %(number)s", kind=proceeding.kind.label,
                 number=proceeding.court_case_number)
    return proceeding.kind.label


def event_lines(event: Event) -> list[str]:
    """A court event on the case timeline: the step, then the proceeding as it is now (the
    court named when it was recorded). Its data holds ids, codes and dates only; free texts
    (the decision's summary, a hearing's result) stay on the proceeding's page."""
    data = event.data
    step = str(STEP_LABELS.get(data.get("step", ""), data.get("step", "")))
    proceeding = next(
        (p for p in event.case.court_proceedings if p.id == data.get("proceeding_id")), None
    )
    subject = (proceeding_label(proceeding) if proceeding
               else ProceedingKind(data["proceeding_kind"]).label)
    lines = [f"{step}: {subject}"]
    if proceeding and data.get("step") == "recorded":
        lines.append(proceeding.court.name)
    if data.get("petition_on"):
        lines.append(_("Petition of %(day)s", day=_day(data["petition_on"])))
    if data.get("fields"):
        ordered = sorted(data["fields"], key=lambda f: list(FIELD_LABELS).index(f)
                         if f in FIELD_LABELS else len(FIELD_LABELS))
        lines.append(", ".join(str(FIELD_LABELS.get(f, f)) for f in ordered))
    if data.get("decision"):
        lines.append(_("%(decision)s on %(day)s", decision=Decision(data["decision"]).label,
                       day=_day(data["decided_on"])))
    if data.get("appeal_result"):
        lines.append(_("Appealed on %(day)s: %(result)s", day=_day(data["appealed_on"]),
                       result=AppealResult(data["appeal_result"]).label))
    if data.get("starts_at"):
        lines.append(_("Hearing of %(when)s", when=format_moment(
            datetime.fromisoformat(data["starts_at"]))))
    return lines


def _day(value: str) -> str:
    return format_day(date.fromisoformat(value))
