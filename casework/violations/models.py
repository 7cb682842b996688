"""Violations: what a visit found or a complaint alleges, and whether it was substantiated."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import TimestampMixin, enum_column
from casework.extensions import Model, db
from casework.labels import LabelledEnum
from casework.reference.models import Category, Facility
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.attachments.models import Attachment
    from casework.cases.models import Case
    from casework.recommendations.models import Recommendation
    from casework.visits.models import Visit


class ViolationStatus(LabelledEnum):
    ALLEGED = "alleged"
    SUBSTANTIATED = "substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"

    @classmethod
    def _labels(cls):
        return {
            "alleged": _l("Alleged"),
            "substantiated": _l("Substantiated"),
            "not_substantiated": _l("Not substantiated"),
        }


# A finding that repeats at the same facility (same category) within this many months is
# marked as a repeat finding (DESIGN.md §4).
REPEAT_WINDOW_MONTHS = 24

recommendation_violations = sa.Table(
    "recommendation_violations",
    db.metadata,
    sa.Column(
        "recommendation_id", sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "violation_id", sa.ForeignKey("violations.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    ),
)


class Violation(TimestampMixin, Model):
    __tablename__ = "violations"
    __table_args__ = (
        sa.CheckConstraint(
            "case_id IS NOT NULL OR visit_id IS NOT NULL", name="found_in_case_or_visit"
        ),
        sa.CheckConstraint("people_affected >= 0", name="people_affected_not_negative"),
        # Repeat findings and the facility page look up by facility, category and date.
        sa.Index("ix_violations_facility_category_found", "facility_id", "category_id",
                 "found_on"),
        sa.Index("ix_violations_region_found", "region", "found_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))
    region: Mapped[Region] = mapped_column(enum_column(Region))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(sa.String(300))  # "UNCAT art. 16; Mandela r. 42"
    description: Mapped[str] = mapped_column(sa.Text)
    found_on: Mapped[date]
    people_affected: Mapped[int] = mapped_column(default=0)
    status: Mapped[ViolationStatus] = mapped_column(
        enum_column(ViolationStatus), default=ViolationStatus.ALLEGED
    )
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case | None] = relationship(back_populates="violations")
    visit: Mapped[Visit | None] = relationship(back_populates="violations")
    facility: Mapped[Facility | None] = relationship()
    category: Mapped[Category] = relationship()
    recorded_by: Mapped[User] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=recommendation_violations, back_populates="violations",
        order_by="Recommendation.id",
    )
    attachments: Mapped[list[Attachment]] = relationship(viewonly=True)

    @property
    def is_frozen(self) -> bool:
        """Its case is closed or its visit completed: the finding, its status and its
        evidence stay as they are until the case or visit is reopened."""
        if self.case is not None:
            return not self.case.is_open
        return self.visit is not None and self.visit.has_taken_place and (
            not self.visit.is_being_recorded
        )

    def snapshot(self) -> dict[str, Any]:
        """The fields whose changes are audited."""
        return {
            "facility_id": self.facility_id, "category_id": self.category_id,
            "legal_basis": self.legal_basis, "description": self.description,
            "found_on": self.found_on, "people_affected": self.people_affected,
            "status": self.status,
        }
