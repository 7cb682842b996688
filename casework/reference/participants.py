"""The registry of external NPM participants and their eligibility declarations: who may
join a visit, and since when and until when their signed declaration covers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.database import office_today, utcnow
from casework.extensions import db
from casework.labels import LabelledEnum
from casework.paging import Page, paginate
from casework.reference.editing import ChangeRow, StaleRecord, changes_since, claim_for_edit
from casework.reference.queries import ActiveFilter, text_matches
from casework.reference.regions import Region
from casework.refusals import Refusal
from casework.templating import format_day
from casework.visits.models import NpmParticipant

PARTICIPANT_LABELS: dict[str, LazyString] = {
    "full_name": _l("Full name"), "organisation": _l("Organisation"),
    "expertise": _l("Expertise"), "region": _l("Region"), "contact": _l("Contact"),
    "declaration_signed_on": _l("Declaration signed on"),
    "declaration_valid_until": _l("Declaration valid until"),
    "declaration_number": _l("Declaration number"), "is_active": _l("Active"),
}


class DeclarationState(LabelledEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    MISSING = "missing"
    NOT_YET = "not_yet"  # signed with a later date: only data from outside these screens

    @classmethod
    def _labels(cls):
        return {
            "in_force": _l("In force"),
            "expired": _l("Expired"),
            "missing": _l("Missing"),
            "not_yet": _l("Not yet in force"),
        }

    @classmethod
    def of(cls, participant: NpmParticipant, today: date) -> DeclarationState:
        """The Python twin of `clause`."""
        if participant.declaration_covers(today):
            return cls.IN_FORCE
        if participant.declaration_signed_on is None:
            return cls.MISSING
        if participant.declaration_signed_on > today:
            return cls.NOT_YET
        return cls.EXPIRED

    def clause(self, today: date) -> sa.ColumnElement[bool]:
        signed = NpmParticipant.declaration_signed_on
        until = NpmParticipant.declaration_valid_until
        if self is DeclarationState.MISSING:
            return signed.is_(None)
        if self is DeclarationState.NOT_YET:
            return signed > today
        if self is DeclarationState.EXPIRED:
            return sa.and_(signed <= today, until < today)
        return sa.and_(signed <= today, sa.or_(until.is_(None), until >= today))

    @classmethod
    def filter_choices(cls) -> list[tuple[str, str]]:
        """The list's filter offers the states a declaration entered here can be in."""
        return [("", _("Any"))] + [
            (m.value, m.label) for m in (cls.IN_FORCE, cls.EXPIRED, cls.MISSING)
        ]


@dataclass
class ParticipantData:
    full_name: str
    organisation: str = ""
    expertise: str = ""
    region: Region | None = None
    contact: str = ""
    declaration_signed_on: date | None = None
    declaration_valid_until: date | None = None
    declaration_number: str = ""

    def values(self) -> dict[str, Any]:
        return {
            "full_name": " ".join(self.full_name.split()),
            "organisation": self.organisation.strip(), "expertise": self.expertise.strip(),
            "region": self.region, "contact": self.contact.strip(),
            "declaration_signed_on": self.declaration_signed_on,
            "declaration_valid_until": self.declaration_valid_until,
            "declaration_number": self.declaration_number.strip(),
        }


def participant_snapshot(participant: NpmParticipant) -> dict[str, Any]:
    return {
        "full_name": participant.full_name, "organisation": participant.organisation,
        "expertise": participant.expertise, "region": participant.region,
        "contact": participant.contact,
        "declaration_signed_on": participant.declaration_signed_on,
        "declaration_valid_until": participant.declaration_valid_until,
        "declaration_number": participant.declaration_number,
        "is_active": participant.is_active,
    }


def participant_display(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "region":
        return Region(value).label
    if name in ("declaration_signed_on", "declaration_valid_until"):
        return format_day(value if isinstance(value, date) else date.fromisoformat(value))
    return str(value)


def check_participant(values: dict[str, Any], today: date) -> None:
    """The declaration's dates must make sense: signed, not in the future, ending after."""
    if not values["full_name"]:
        raise Refusal(_("Enter the participant's full name."), "full_name")
    signed, until = values["declaration_signed_on"], values["declaration_valid_until"]
    if signed is None and (until is not None or values["declaration_number"]):
        raise Refusal(_("Enter the date the declaration was signed."), "declaration_signed_on")
    if signed is not None and signed > today:
        raise Refusal(
            _("The declaration cannot be signed in the future: enter the date it was signed."),
            "declaration_signed_on",
        )
    if signed is not None and until is not None and until < signed:
        raise Refusal(
            _("The declaration cannot end before the day it was signed."),
            "declaration_valid_until",
        )


def save_participant(
    participant: NpmParticipant | None,
    data: ParticipantData,
    *,
    actor: User,
    opened_at: datetime | None = None,
    today: date | None = None,
) -> NpmParticipant:
    """Register a participant or change one; with `opened_at`, a save made by someone else
    since then refuses with StaleRecord."""
    values = data.values()
    check_participant(values, today or office_today())
    now = utcnow()
    before = participant_snapshot(participant) if participant is not None else {}
    if participant is None:
        participant = NpmParticipant(is_active=True)
        db.session.add(participant)
    elif opened_at is not None and not claim_for_edit(participant, opened_at, now):
        raise StaleRecord()
    for name, value in values.items():
        setattr(participant, name, value)
    participant.updated_at = now
    _audit(participant, before, actor, now)
    return participant


def set_participant_active(participant: NpmParticipant, is_active: bool, *, actor: User) -> None:
    """Deactivate or reactivate; a participant is never deleted, past visits name them."""
    if participant.is_active is is_active:
        return
    now = utcnow()
    before = participant_snapshot(participant)
    participant.is_active = is_active
    participant.updated_at = now
    _audit(participant, before, actor, now)


def _audit(participant: NpmParticipant, before: dict[str, Any], actor: User, now: datetime):
    changes = diff(before, participant_snapshot(participant))
    if changes:
        entry = record(AuditAction.PARTICIPANT_SAVED, actor=actor, obj=participant,
                       changes=changes)
        entry.at = now  # the same instant as updated_at: see casework/reference/editing.py


def participant_changes_since(participant: NpmParticipant, opened_at: datetime) -> list[ChangeRow]:
    return changes_since(participant, AuditAction.PARTICIPANT_SAVED, opened_at,
                         PARTICIPANT_LABELS, participant_snapshot(participant),
                         participant_display)


@dataclass(frozen=True)
class ParticipantFilters:
    text: str = ""
    region: Region | None = None
    declaration: DeclarationState | None = None
    active: ActiveFilter = ActiveFilter.ACTIVE

    def clauses(self, today: date) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.text.strip():
            clauses.append(text_matches(
                self.text, NpmParticipant.full_name, NpmParticipant.organisation,
                NpmParticipant.expertise,
            ))
        if self.region is not None:
            clauses.append(NpmParticipant.region == self.region)
        if self.declaration is not None:
            clauses.append(self.declaration.clause(today))
        if self.active is not ActiveFilter.ALL:
            clauses.append(NpmParticipant.is_active.is_(self.active is ActiveFilter.ACTIVE))
        return clauses


def list_participants(filters: ParticipantFilters, page: int, today: date) -> Page[NpmParticipant]:
    where = filters.clauses(today)
    total = db.session.scalar(sa.select(sa.func.count(NpmParticipant.id)).where(*where)) or 0

    def fetch(limit: int, offset: int) -> list[NpmParticipant]:
        return list(db.session.scalars(
            sa.select(NpmParticipant).where(*where)
            .order_by(NpmParticipant.full_name, NpmParticipant.id).limit(limit).offset(offset)
        ))

    return paginate(total, page, fetch)
