"""Outgoing letters, incoming documents and the letter templates admins edit (DESIGN.md §6).

A letter is a draft until a supervisor signs it; signing gives it its outgoing register number,
renders its PDF once and freezes it. A correction is a new letter that supersedes the old one,
whose PDF stays. Incoming documents (replies, court decisions) get their own register number and
point at the letter or recommendation they answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.extensions import Model
from casework.labels import LabelledEnum
from casework.reference.models import Authority, Language
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.people.models import Person
    from casework.recommendations.models import Recommendation


class LetterKind(LabelledEnum):
    REFERRAL = "referral"
    INFORMATION_REQUEST = "information_request"
    RECOMMENDATION = "recommendation"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    COURT_SUBMISSION = "court_submission"
    REPLY_TO_COMPLAINANT = "reply_to_complainant"

    @classmethod
    def _labels(cls):
        return {
            "referral": _l("Referral to the prosecutor"),
            "information_request": _l("Request for information"),
            "recommendation": _l("Recommendation letter"),
            "reminder": _l("Reminder"),
            "escalation": _l("Escalation to the parent authority"),
            "court_submission": _l("Submission to a court"),
            "reply_to_complainant": _l("Reply to the complainant"),
        }

    @property
    def to_person(self) -> bool:
        """Written to a person of the case rather than to an authority."""
        return self is LetterKind.REPLY_TO_COMPLAINANT

    @property
    def expects_response(self) -> bool:
        return self not in (LetterKind.REPLY_TO_COMPLAINANT, LetterKind.COURT_SUBMISSION)


class LetterStatus(LabelledEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    SENT = "sent"
    DISCARDED = "discarded"

    @classmethod
    def _labels(cls):
        return {
            "draft": _l("Draft"),
            "signed": _l("Signed"),
            "sent": _l("Sent"),
            "discarded": _l("Discarded"),
        }


FROZEN_STATUSES = frozenset({LetterStatus.SIGNED, LetterStatus.SENT})


class Letter(TimestampMixin, Model):
    __tablename__ = "letters"
    __table_args__ = (
        # A signed letter always has its number, its date, its signer and its stored PDF.
        sa.CheckConstraint(
            "status NOT IN ('signed', 'sent') OR (number IS NOT NULL AND dated IS NOT NULL "
            "AND signed_by_id IS NOT NULL AND pdf_storage_name IS NOT NULL "
            "AND pdf_sha256 IS NOT NULL)",
            name="signed_has_number_and_pdf",
        ),
        sa.CheckConstraint(
            "authority_id IS NOT NULL OR person_id IS NOT NULL", name="has_addressee"
        ),
        sa.Index("ix_letters_dated", "dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind))
    status: Mapped[LetterStatus] = mapped_column(
        enum_column(LetterStatus), default=LetterStatus.DRAFT, index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendations.id"), index=True
    )
    # The region decides which supervisor signs; it follows the case or the recommendation.
    region: Mapped[Region] = mapped_column(enum_column(Region), index=True)
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    language: Mapped[Language] = mapped_column(enum_column(Language))

    # What the letter says; free to edit while a draft, frozen once signed.
    addressee_block: Mapped[str] = mapped_column(sa.Text)  # the name first, then the address
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    enclosures: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    confidential: Mapped[bool] = mapped_column(default=True)
    response_due: Mapped[date | None]

    # The outgoing register, filled on signing.
    number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    dated: Mapped[date | None]
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The signer confirmed names that recorded consent does not cover (see letters.consent).
    names_confirmed: Mapped[bool] = mapped_column(default=False)
    pdf_storage_name: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None]
    sent_on: Mapped[date | None]
    response_received_on: Mapped[date | None]

    # A correction names the letter it replaces; the old one learns it once the new is signed.
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"))

    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    authority: Mapped[Authority | None] = relationship()
    person: Mapped[Person | None] = relationship()
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    supersedes: Mapped[Letter | None] = relationship(
        foreign_keys=[supersedes_id], remote_side=[id]
    )
    # post_update: a correction and the letter it replaces point at each other.
    superseded_by: Mapped[Letter | None] = relationship(
        foreign_keys=[superseded_by_id], remote_side=[id], post_update=True
    )
    incoming: Mapped[list[IncomingDocument]] = relationship(
        back_populates="letter", order_by="IncomingDocument.received_on"
    )

    @property
    def label(self) -> str:
        return self.number or gettext("Draft letter %(id)s", id=self.id)

    @property
    def is_draft(self) -> bool:
        return self.status is LetterStatus.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def addressee_name(self) -> str:
        return self.addressee_block.strip().split("\n", 1)[0].strip()

    @property
    def enclosure_list(self) -> list[str]:
        return [line.strip() for line in self.enclosures.splitlines() if line.strip()]

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "language": self.language,
            "authority_id": self.authority_id,
            "person_id": self.person_id,
            "addressee_block": self.addressee_block,
            "subject": self.subject,
            "body": self.body,
            "enclosures": self.enclosures,
            "confidential": self.confidential,
            "response_due": self.response_due,
            "number": self.number,
            "dated": self.dated,
            "sent_on": self.sent_on,
            "response_received_on": self.response_received_on,
        }

    def __str__(self) -> str:
        return self.label


class IncomingKind(LabelledEnum):
    AUTHORITY_REPLY = "authority_reply"
    COURT_DECISION = "court_decision"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "authority_reply": _l("Reply from an authority"),
            "court_decision": _l("Court decision"),
            "other": _l("Other document"),
        }


class IncomingDocument(Model):
    """A document the office received, entered in the incoming register (вх. №)."""

    __tablename__ = "incoming_documents"
    __table_args__ = (sa.Index("ix_incoming_documents_received_on", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    received_on: Mapped[date]
    kind: Mapped[IncomingKind] = mapped_column(enum_column(IncomingKind))
    region: Mapped[Region] = mapped_column(enum_column(Region), index=True)
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    sender: Mapped[str] = mapped_column(sa.String(300), default="")  # when not an authority
    their_number: Mapped[str] = mapped_column(sa.String(60), default="")
    their_date: Mapped[date | None]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendations.id"), index=True
    )
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    authority: Mapped[Authority | None] = relationship()
    case: Mapped[Case | None] = relationship()
    letter: Mapped[Letter | None] = relationship(back_populates="incoming")
    recommendation: Mapped[Recommendation | None] = relationship()
    registered_by: Mapped[User] = relationship()

    @property
    def sender_name(self) -> str:
        return self.authority.name if self.authority else self.sender

    def snapshot(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "received_on": self.received_on,
            "kind": self.kind,
            "authority_id": self.authority_id,
            "sender": self.sender,
            "their_number": self.their_number,
            "their_date": self.their_date,
            "case_id": self.case_id,
            "letter_id": self.letter_id,
            "recommendation_id": self.recommendation_id,
        }


class LetterTemplate(Model):
    """An admin's wording of one letter kind in one language; without a row, the wording that
    ships with the application (casework/letters/defaults) is used."""

    __tablename__ = "letter_templates"
    __table_args__ = (sa.UniqueConstraint("kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind))
    language: Mapped[Language] = mapped_column(enum_column(Language))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User] = relationship()
