"""What a new draft says: the kind's wording filled from the case, its facility, its people and
its recommendations, in the letter's language.

The template sees only plain data built here. People appear under their names only where
their consent covers the addressee (letters.consent), so the pseudonym is in the draft from
the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.cases.models import Case, PartyRole
from casework.database import office_today
from casework.letters.consent import Addressee, name_in_letter
from casework.letters.models import LetterKind
from casework.letters.wording import Wording, render, wording_for
from casework.parties.pseudonyms import pseudonym
from casework.people.models import Person
from casework.recommendations.deadlines import reply_due
from casework.recommendations.lifecycle import ISSUED_RECORDS, Implementation, Response
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Language
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar


@dataclass(frozen=True)
class Draft:
    """The filled-in parts of a new letter, for the caseworker to edit."""

    addressee_block: str
    subject: str
    body: str


def addressee_block(authority: Authority | None, person: Person | None) -> str:
    if authority is not None:
        return "\n".join(line for line in (authority.name, authority.address) if line.strip())
    if person is None:
        raise ValueError("a letter goes to an authority or a person")
    return "\n".join(line for line in (person.full_name, person.contact) if line.strip())


def _recommendation(recommendation: Recommendation, today: date) -> dict[str, Any]:
    return {
        "number": recommendation.label,
        "text": recommendation.text,
        "issued_on": recommendation.issued_on,
        "reply_due": recommendation.reply_due,
        "implementation_due": recommendation.implementation_due,
        "response": str(recommendation.response.label),
        "implementation": str(recommendation.implementation.label),
        "days_overdue": max(recommendation.reply_overdue_days(today),
                            recommendation.implementation_overdue_days(today)),
        "facility": recommendation.facility.name if recommendation.facility else "",
        "authority": recommendation.authority.name,
    }


def _case(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "received_on": case.received_on,
        "summary": case.summary,
        "categories": [category.name for category in case.categories],
        "facility": case.facility.name if case.facility else "",
        "facility_address": case.facility.address if case.facility else "",
        "region": str(case.region.label),
    }


def _recommendations(
    kind: LetterKind, case: Case | None, recommendation: Recommendation | None,
    authority: Authority | None,
) -> list[Recommendation]:
    """The one the letter is about, or else the case's issued ones to this addressee."""
    if recommendation is not None:
        return [recommendation]
    if case is None:
        return []
    return [
        r for r in case.recommendations
        if r.record_status in ISSUED_RECORDS
        and (authority is None or kind is not LetterKind.RECOMMENDATION
             or r.authority_id == authority.id)
    ]


def template_context(
    kind: LetterKind,
    language: Language,
    *,
    case: Case | None,
    recommendation: Recommendation | None,
    authority: Authority | None,
    person: Person | None,
) -> dict[str, Any]:
    """Everything a letter template may use, drawn in the letter's language."""
    today = office_today()
    addressee = Addressee.of(authority, person.id if person else None)
    with force_locale(language.value):
        parties = list(case.parties) if case is not None else []
        people = [{"role": str(p.role.label), "name": name_in_letter(p, addressee, language)}
                  for p in parties]
        complainants = [p["name"] for p, party in zip(people, parties, strict=True)
                        if party.role.value == "complainant"]
        recommendations = [_recommendation(r, today)
                           for r in _recommendations(kind, case, recommendation, authority)]
        parent = authority.parent if authority is not None else None
        return {
            "today": today,
            "office": current_app.config["OFFICE_NAME"][language.value],
            "addressee": (authority.name if authority is not None
                          else person.full_name if person is not None else ""),
            "parent_authority": parent.name if parent is not None else "",
            "case": _case(case) if case is not None else None,
            "people": people,
            "complainant": complainants[0] if complainants else "",
            "recommendations": recommendations,
            "recommendation": recommendations[0] if recommendation is not None else None,
            # The date a reply is asked for if the letter were signed today.
            "response_due": (reply_due(today, authority, WorkingCalendar.load())
                             if authority is not None and kind.expects_response else None),
        }


def sample_context(language: Language) -> dict[str, Any]:
    """Made-up data of the same shape as template_context, in the given language, for
    previewing and checking a template without a real case."""
    today = office_today()
    with force_locale(language.value):
        colony = _("Penal colony No. 1")
        recommendation = {
            "number": "R-2026-00012",
            "text": _("Install video recording in all interview rooms."),
            "issued_on": today - timedelta(days=60), "reply_due": today - timedelta(days=12),
            "implementation_due": today + timedelta(days=120),
            "response": str(Response.AWAITING.label),
            "implementation": str(Implementation.NOT_STARTED.label),
            "days_overdue": 12, "facility": colony, "authority": colony,
        }
        complainant = pseudonym("complainant", 1)
        return {
            "today": today,
            "office": current_app.config["OFFICE_NAME"][language.value],
            "addressee": _("Department of the Criminal Executive System of the Karaganda "
                           "Region"),
            "parent_authority": _("Committee of the Criminal Executive System"),
            "case": {
                "reference": "2026-00123", "received_on": today - timedelta(days=20),
                "summary": _("beating of a prisoner on arrival at the colony"),
                "categories": [_("Torture"), _("Medical care")],
                "facility": colony, "facility_address": _("Karaganda"),
                "region": str(Region.KARAGANDA.label),
            },
            "people": [{"role": str(PartyRole.COMPLAINANT.label), "name": complainant}],
            "complainant": complainant,
            "recommendations": [recommendation],
            "recommendation": recommendation,
            "response_due": today + timedelta(days=21),
        }


# One line for each name a template may use, shown beside the template editor. A test checks
# that these match the names of sample_context (and so of template_context) one for one.
VARIABLE_HELP: dict[str, LazyString] = {
    "today": _l("Today's date; write it as {{ today|day }}."),
    "office": _l("The office's name in the letter's language."),
    "addressee": _l("The authority or person the letter goes to."),
    "parent_authority": _l("The parent authority of the addressee (empty when none)."),
    "case": _l("The case the letter is about; none for a reminder or escalation about a "
               "recommendation without a case, so test it with \"if case\" first."),
    "case.reference": _l("The case's reference number, e.g. 2026-00123."),
    "case.received_on": _l("The date the complaint was received (use |day)."),
    "case.summary": _l("The case's summary, as the caseworker wrote it."),
    "case.categories": _l("The case's categories, a list: {{ case.categories|join(', ') }}."),
    "case.facility": _l("The facility concerned (empty when none)."),
    "case.facility_address": _l("The facility's address (empty when none)."),
    "case.region": _l("The case's region."),
    "people": _l("The people of the case, a list; each has a role and a name (the pseudonym "
                 "when consent does not cover the addressee): {{ person.name }} inside a loop "
                 "over people."),
    "complainant": _l("The first complainant's name or pseudonym (empty when none)."),
    "recommendations": _l("The recommendations the letter is about, a list; each has the "
                          "fields of recommendation below: {{ item.number }} inside a loop over "
                          "recommendations."),
    "recommendation": _l("The one recommendation a reminder or escalation is about; none "
                         "for other letters, so test it with \"if recommendation\" first."),
    "recommendation.number": _l("Its number, e.g. R-2026-00012."),
    "recommendation.text": _l("Its text."),
    "recommendation.issued_on": _l("The date it was issued (use |day)."),
    "recommendation.reply_due": _l("The date a reply was due (use |day)."),
    "recommendation.implementation_due": _l("The date it should be implemented by (use |day)."),
    "recommendation.response": _l("The addressee's response so far, e.g. Awaiting reply."),
    "recommendation.implementation": _l("Its verified implementation, e.g. Not started."),
    "recommendation.days_overdue": _l("Days past its reply or implementation deadline (0 "
                                      "when none has passed)."),
    "recommendation.facility": _l("The facility it concerns (empty when none)."),
    "recommendation.authority": _l("The authority it was sent to."),
    "response_due": _l("The date a reply is asked for, if the letter is signed today (none "
                       "for letters that expect no reply)."),
}


def build_draft(
    kind: LetterKind,
    language: Language,
    *,
    case: Case | None,
    recommendation: Recommendation | None = None,
    authority: Authority | None = None,
    person: Person | None = None,
    wording: Wording | None = None,
) -> Draft:
    """The draft's addressee block, subject and body; WordingError if the template is broken."""
    context = template_context(kind, language, case=case, recommendation=recommendation,
                               authority=authority, person=person)
    subject, body = render(wording or wording_for(kind, language), context, language)
    return Draft(addressee_block(authority, person), subject, body)
