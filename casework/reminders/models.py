"""The record of reminder digests sent, which makes `send-reminders` safe to run twice."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import UTCDateTime, enum_column, utcnow
from casework.extensions import Model
from casework.labels import LabelledEnum


class DigestKind(LabelledEnum):
    ASSIGNEE = "assignee"  # my items due within 7 days and overdue
    SUPERVISOR = "supervisor"  # the overdue items of my region

    @classmethod
    def _labels(cls):
        return {"assignee": _l("Your recommendations"), "supervisor": _l("Overdue in your region")}


class SentDigest(Model):
    """One digest mailed to one person on one office day; at most one per kind and day."""

    __tablename__ = "sent_digests"
    __table_args__ = (sa.UniqueConstraint("recipient_id", "day", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    day: Mapped[date]
    kind: Mapped[DigestKind] = mapped_column(enum_column(DigestKind))
    item_count: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipient: Mapped[User] = relationship()
