"""Recommendations to authorities, the authorities' replies, the office's verifications of
what was done, and the recorded changes of their deadlines (DESIGN.md §4)."""

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
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    Priority,
    RecordStatus,
    Response,
    Scope,
)
from casework.reference.models import Authority, Category, Facility
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.attachments.models import Attachment
    from casework.cases.models import Case
    from casework.violations.models import Violation
    from casework.visits.models import Visit


def recommendation_label(number: str | None, recommendation_id: int) -> str:
    """The register number, or the draft's id while it has none."""
    return number or gettext("Draft %(id)s", id=recommendation_id)


class Recommendation(TimestampMixin, Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        # An issued record always has its number, its date and both deadlines.
        sa.CheckConstraint(
            "record_status NOT IN ('issued', 'closed') OR (number IS NOT NULL AND "
            "issued_on IS NOT NULL AND reply_due IS NOT NULL AND implementation_due IS NOT NULL)",
            name="issued_has_deadlines",
        ),
        # The register and dashboard ask "which live records passed this deadline".
        sa.Index("ix_recommendations_reply_overdue", "record_status", "response", "reply_due"),
        sa.Index("ix_recommendations_implementation_overdue", "record_status",
                 "implementation_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)  # given at issue
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    # The finding's category: with the facility it detects repeat findings.
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    region: Mapped[Region] = mapped_column(enum_column(Region), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    scope: Mapped[Scope] = mapped_column(enum_column(Scope))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.MEDIUM)
    record_status: Mapped[RecordStatus] = mapped_column(
        enum_column(RecordStatus), default=RecordStatus.DRAFT
    )
    response: Mapped[Response] = mapped_column(enum_column(Response), default=Response.AWAITING)
    implementation: Mapped[Implementation] = mapped_column(
        enum_column(Implementation), default=Implementation.NOT_STARTED
    )
    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The caseworker who follows the recommendation up; supervisors reassign it.
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_on: Mapped[date | None] = mapped_column(index=True)
    reply_due: Mapped[date | None]
    implementation_due: Mapped[date | None]
    replied_on: Mapped[date | None]  # the latest reply received
    closed_on: Mapped[date | None]
    repeat_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendations.id"))
    follow_up_on: Mapped[date | None]
    follow_up_note: Mapped[str] = mapped_column(sa.String(300), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case | None] = relationship(back_populates="recommendations")
    authority: Mapped[Authority] = relationship()
    facility: Mapped[Facility | None] = relationship()
    category: Mapped[Category | None] = relationship()
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    repeat_of: Mapped[Recommendation | None] = relationship(remote_side=[id])
    visit: Mapped[Visit | None] = relationship()
    violations: Mapped[list[Violation]] = relationship(
        secondary="recommendation_violations", back_populates="recommendations",
        order_by="Violation.id",
    )
    replies: Mapped[list[Reply]] = relationship(
        back_populates="recommendation", order_by="Reply.received_on.desc(), Reply.id.desc()",
        cascade="all, delete-orphan",
    )
    verifications: Mapped[list[Verification]] = relationship(
        back_populates="recommendation",
        order_by="Verification.verified_on.desc(), Verification.id.desc()",
        cascade="all, delete-orphan",
    )
    deadline_changes: Mapped[list[DeadlineChange]] = relationship(
        order_by="DeadlineChange.id", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return recommendation_label(self.number, self.id)

    @property
    def is_live(self) -> bool:
        return self.record_status is RecordStatus.ISSUED

    @property
    def implementation_is_final(self) -> bool:
        return self.implementation in FINAL_IMPLEMENTATION

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def reply_deadline_runs(self) -> bool:
        """The addressee still owes a reply (deadlines.REPLY.running, for one record)."""
        return self.implementation_deadline_runs and self.response is Response.AWAITING

    @property
    def implementation_deadline_runs(self) -> bool:
        """Implementation is still awaited (deadlines.IMPLEMENTATION.running, for one record)."""
        return self.is_live and not self.implementation_is_final

    def reply_overdue_days(self, today: date) -> int:
        """Days since the reply deadline passed with no reply; 0 when not overdue."""
        if not self.reply_deadline_runs or self.reply_due is None:
            return 0
        return max((today - self.reply_due).days, 0)

    def implementation_overdue_days(self, today: date) -> int:
        """Days since the implementation deadline passed without a final verified status."""
        if not self.implementation_deadline_runs or self.implementation_due is None:
            return 0
        return max((today - self.implementation_due).days, 0)

    def snapshot(self) -> dict[str, Any]:
        """The fields whose changes are audited."""
        return {
            "text": self.text, "authority_id": self.authority_id,
            "facility_id": self.facility_id, "category_id": self.category_id,
            "scope": self.scope, "priority": self.priority, "record_status": self.record_status,
            "response": self.response, "implementation": self.implementation,
            "owner_id": self.owner_id, "issued_on": self.issued_on, "reply_due": self.reply_due,
            "implementation_due": self.implementation_due, "closed_on": self.closed_on,
            "follow_up_on": self.follow_up_on, "follow_up_note": self.follow_up_note,
        }

    def __str__(self) -> str:
        return self.label


class Reply(Model):
    """What the authority wrote back: its position and what it claims to have done."""

    __tablename__ = "recommendation_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date]
    register_number: Mapped[str] = mapped_column(sa.String(50))  # the incoming number (вх. №)
    summary: Mapped[str] = mapped_column(sa.Text)
    response: Mapped[Response] = mapped_column(enum_column(Response))
    claimed_implementation: Mapped[Implementation | None] = mapped_column(
        enum_column(Implementation)
    )
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="replies")
    recorded_by: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(viewonly=True)


class VerificationMethod(LabelledEnum):
    DOCUMENT_REVIEW = "document_review"
    FOLLOW_UP_VISIT = "follow_up_visit"

    @classmethod
    def _labels(cls):
        return {
            "document_review": _l("Document review"),
            "follow_up_visit": _l("Seen on a follow-up visit"),
        }


class Verification(Model):
    """The office's own finding on implementation, with its evidence."""

    __tablename__ = "recommendation_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    result: Mapped[Implementation] = mapped_column(enum_column(Implementation))
    method: Mapped[VerificationMethod] = mapped_column(enum_column(VerificationMethod))
    verified_on: Mapped[date]
    evidence: Mapped[str] = mapped_column(sa.Text)
    verified_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="verifications")
    verified_by: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(viewonly=True)


class DeadlineKind(LabelledEnum):
    REPLY = "reply"
    IMPLEMENTATION = "implementation"

    @classmethod
    def _labels(cls):
        return {"reply": _l("Reply deadline"), "implementation": _l("Implementation deadline")}


class DeadlineChange(Model):
    """A supervisor's change of a deadline, with its reason."""

    __tablename__ = "recommendation_deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind))
    previous_due: Mapped[date]
    new_due: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User] = relationship()
