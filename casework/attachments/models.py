"""Uploaded files: metadata in the database, content under an opaque name in storage."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import UTCDateTime, utcnow
from casework.extensions import Model

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.visits.models import Visit


class Attachment(Model):
    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (visit_id IS NULL)", name="in_case_or_visit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A case's file, or the evidence of a violation a visit found (which has no case).
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    violation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("violations.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    is_confidential: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A file sent with an authority's reply, or the evidence of a verification.
    reply_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendation_replies.id"), index=True
    )
    verification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendation_verifications.id"), index=True
    )

    uploaded_by: Mapped[User] = relationship()
    # Read-only: a file is added through Case.attachments; permission checks need its case.
    case: Mapped[Case | None] = relationship(viewonly=True)
    visit: Mapped[Visit | None] = relationship(viewonly=True)
