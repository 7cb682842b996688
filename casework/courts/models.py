"""Court proceedings the office's lawyers follow: parole petitions, transfers, complaints
against a facility's administration; their hearings and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.extensions import Model
from casework.labels import LabelledEnum
from casework.reference.models import Authority
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.cases.models import Case


class ProceedingKind(LabelledEnum):
    PAROLE = "parole"
    TRANSFER = "transfer"
    COMPLAINT_AGAINST_ADMINISTRATION = "complaint_against_administration"

    @classmethod
    def _labels(cls):
        return {
            "parole": _l("Parole (conditional early release)"),
            "transfer": _l("Transfer"),
            "complaint_against_administration": _l("Complaint against the administration"),
        }


class Decision(LabelledEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    POSTPONED = "postponed"

    @classmethod
    def _labels(cls):
        return {"granted": _l("Granted"), "refused": _l("Refused"), "postponed": _l("Postponed")}


class AppealResult(LabelledEnum):
    PENDING = "pending"
    UPHELD = "upheld"  # the first decision stands
    OVERTURNED = "overturned"

    @classmethod
    def _labels(cls):
        return {
            "pending": _l("Appeal pending"),
            "upheld": _l("Decision upheld"),
            "overturned": _l("Decision overturned"),
        }


class CourtProceeding(TimestampMixin, Model):
    __tablename__ = "court_proceedings"
    __table_args__ = (
        sa.CheckConstraint(
            "(decision IS NULL) = (decided_on IS NULL)", name="decision_has_date"
        ),
        sa.CheckConstraint(
            "(appealed_on IS NULL) = (appeal_result IS NULL)", name="appeal_has_result"
        ),
        sa.Index("ix_court_proceedings_kind_decided", "kind", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    region: Mapped[Region] = mapped_column(enum_column(Region))  # the case's
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    kind: Mapped[ProceedingKind] = mapped_column(enum_column(ProceedingKind))
    court_case_number: Mapped[str] = mapped_column(sa.String(50), default="")
    petition_on: Mapped[date] = mapped_column(index=True)
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision))
    decided_on: Mapped[date | None]
    decision_summary: Mapped[str] = mapped_column(sa.Text, default="")
    appealed_on: Mapped[date | None]
    appeal_result: Mapped[AppealResult | None] = mapped_column(enum_column(AppealResult))
    lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="court_proceedings")
    court: Mapped[Authority] = relationship()
    lawyer: Mapped[User | None] = relationship(foreign_keys=[lawyer_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    hearings: Mapped[list[Hearing]] = relationship(
        back_populates="proceeding", order_by="Hearing.starts_at", cascade="all, delete-orphan"
    )

    def snapshot(self) -> dict[str, Any]:
        """The fields whose changes are audited."""
        return {
            "court_id": self.court_id, "kind": self.kind,
            "court_case_number": self.court_case_number, "petition_on": self.petition_on,
            "decision": self.decision, "decided_on": self.decided_on,
            "decision_summary": self.decision_summary, "appealed_on": self.appealed_on,
            "appeal_result": self.appeal_result, "lawyer_id": self.lawyer_id,
        }


class Hearing(Model):
    __tablename__ = "court_hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    proceeding_id: Mapped[int] = mapped_column(
        sa.ForeignKey("court_proceedings.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    courtroom: Mapped[str] = mapped_column(sa.String(100), default="")
    result: Mapped[str] = mapped_column(sa.Text, default="")  # empty until it was held
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proceeding: Mapped[CourtProceeding] = relationship(back_populates="hearings")
    recorded_by: Mapped[User] = relationship()


class CalendarFeed(Model):
    """A user's secret iCalendar address for their hearings; only its hash is kept, so the
    address is shown once, and revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
