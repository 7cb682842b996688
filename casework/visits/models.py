"""NPM monitoring visits: the team, obstruction by staff, the people interviewed in private
and their protection from reprisals, and the registry of external NPM participants."""

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
from casework.people.models import Person
from casework.reference.models import CctvCoverage, Facility
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.attachments.models import Attachment
    from casework.cases.models import Case
    from casework.violations.models import Violation


class VisitType(LabelledEnum):
    PLANNED = "planned"
    THEMATIC = "thematic"
    REACTIVE = "reactive"
    FOLLOW_UP = "follow_up"

    @classmethod
    def _labels(cls):
        return {
            "planned": _l("Planned in-depth"),
            "thematic": _l("Thematic"),
            "reactive": _l("Special (reactive)"),
            "follow_up": _l("Follow-up"),
        }


class VisitStatus(LabelledEnum):
    PLANNED = "planned"
    CONDUCTED = "conducted"  # the team was there; findings are being recorded
    COMPLETED = "completed"  # the record is final: report, findings, recommendations
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            "planned": _l("Planned"),
            "conducted": _l("Conducted"),
            "completed": _l("Completed"),
            "cancelled": _l("Cancelled"),
        }


class Visit(TimestampMixin, Model):
    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("interviews_in_private >= 0", name="interviews_not_negative"),
        sa.Index("ix_visits_region_starts_on", "region", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)  # NPM-2026-0042
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    region: Mapped[Region] = mapped_column(enum_column(Region))  # the facility's, when planned
    type: Mapped[VisitType] = mapped_column(enum_column(VisitType))
    is_announced: Mapped[bool] = mapped_column(default=False)
    status: Mapped[VisitStatus] = mapped_column(
        enum_column(VisitStatus), default=VisitStatus.PLANNED, index=True
    )
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    theme: Mapped[str] = mapped_column(sa.String(300), default="")  # thematic visits
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # general findings, for the report
    interviews_in_private: Mapped[int] = mapped_column(default=0)  # people, by count
    # What the team saw of the CCTV; recorded on the facility's history too.
    cctv_seen: Mapped[CctvCoverage | None] = mapped_column(enum_column(CctvCoverage))
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    completed_on: Mapped[date | None]
    cancel_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    facility: Mapped[Facility] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    members: Mapped[list[VisitMember]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    participants: Mapped[list[VisitParticipant]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    obstructions: Mapped[list[Obstruction]] = relationship(
        back_populates="visit", order_by="Obstruction.occurred_on, Obstruction.id",
        cascade="all, delete-orphan",
    )
    interviewees: Mapped[list[Interviewee]] = relationship(
        back_populates="visit", order_by="Interviewee.number", cascade="all, delete-orphan"
    )
    violations: Mapped[list[Violation]] = relationship(
        back_populates="visit", order_by="Violation.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id.desc()")

    @property
    def has_taken_place(self) -> bool:
        return self.status in (VisitStatus.CONDUCTED, VisitStatus.COMPLETED)

    @property
    def is_being_recorded(self) -> bool:
        """Entries (obstruction, interviewees, findings) are made while the visit is
        conducted; completing it freezes the record until a supervisor reopens it."""
        return self.status is VisitStatus.CONDUCTED

    @property
    def team(self) -> list[User]:
        return [member.user for member in self.members]

    def snapshot(self) -> dict[str, Any]:
        """The fields whose changes are audited."""
        return {
            "facility_id": self.facility_id, "type": self.type, "is_announced": self.is_announced,
            "status": self.status, "starts_on": self.starts_on, "ends_on": self.ends_on,
            "theme": self.theme, "purpose": self.purpose, "summary": self.summary,
            "interviews_in_private": self.interviews_in_private, "cctv_seen": self.cctv_seen,
            "leader_id": self.leader_id, "completed_on": self.completed_on,
            "cancel_reason": self.cancel_reason,
            "member_ids": sorted(member.user_id for member in self.members),
            "participant_ids": sorted(p.participant_id for p in self.participants),
        }

    def __str__(self) -> str:
        return self.reference


class VisitMember(Model):
    """A staff member on the visit's team."""

    __tablename__ = "visit_members"

    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)

    visit: Mapped[Visit] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class NpmParticipant(TimestampMixin, Model):
    """An external member of the NPM (a civil-society expert, a doctor, a lawyer) who may join
    visits once they have signed the eligibility declaration (independence, no conflict of
    interest, confidentiality)."""

    __tablename__ = "npm_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    expertise: Mapped[str] = mapped_column(sa.String(300), default="")
    region: Mapped[Region | None] = mapped_column(enum_column(Region))
    contact: Mapped[str] = mapped_column(sa.String(300), default="")
    declaration_signed_on: Mapped[date | None]
    declaration_valid_until: Mapped[date | None]
    declaration_number: Mapped[str] = mapped_column(sa.String(50), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    def declaration_covers(self, day: date) -> bool:
        """Whether the signed declaration is in force on `day`."""
        return (
            self.declaration_signed_on is not None
            and self.declaration_signed_on <= day
            and (self.declaration_valid_until is None or day <= self.declaration_valid_until)
        )

    def __str__(self) -> str:
        return self.full_name


class VisitParticipant(Model):
    __tablename__ = "visit_participants"

    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("npm_participants.id"), primary_key=True, index=True
    )

    visit: Mapped[Visit] = relationship(back_populates="participants")
    participant: Mapped[NpmParticipant] = relationship(lazy="joined")


class ObstructionKind(LabelledEnum):
    ACCESS_DENIED = "access_denied"
    ACCESS_DELAYED = "access_delayed"
    DOCUMENTS_REFUSED = "documents_refused"
    NO_PRIVATE_INTERVIEWS = "no_private_interviews"
    STAFF_PRESENT = "staff_present"
    INTIMIDATION = "intimidation"

    @classmethod
    def _labels(cls):
        return {
            "access_denied": _l("Access denied"),
            "access_delayed": _l("Access delayed"),
            "documents_refused": _l("Documents refused"),
            "no_private_interviews": _l("No private interviews allowed"),
            "staff_present": _l("Staff present at interviews"),
            "intimidation": _l("Intimidation"),
        }


class Obstruction(Model):
    """An incident of obstruction by the facility's staff during a visit."""

    __tablename__ = "visit_obstructions"
    __table_args__ = (
        sa.CheckConstraint("delay_minutes IS NULL OR delay_minutes > 0", name="delay_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ObstructionKind] = mapped_column(enum_column(ObstructionKind))
    occurred_on: Mapped[date]
    delay_minutes: Mapped[int | None]  # access delayed
    official: Mapped[str] = mapped_column(sa.String(300), default="")  # who obstructed
    description: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="obstructions")
    recorded_by: Mapped[User] = relationship()


class Interviewee(Model):
    """A person the team interviewed in private and named, to protect from reprisals.

    Most interviews are only counted (Visit.interviews_in_private); a person is named here
    when the team fears reprisals. The name is the person's record; everyone outside the
    team and the region's supervisor sees "Interviewee 3".
    """

    __tablename__ = "visit_interviewees"
    __table_args__ = (
        sa.UniqueConstraint("visit_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # in the visit: "Interviewee 3"
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    is_reprisal_risk: Mapped[bool] = mapped_column(default=True)
    risk_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The next check-in; None once the follow-up has ended.
    next_check_in_on: Mapped[date | None] = mapped_column(index=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="interviewees")
    person: Mapped[Person] = relationship()
    recorded_by: Mapped[User] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="interviewee", order_by="CheckIn.checked_on.desc(), CheckIn.id.desc()",
        cascade="all, delete-orphan",
    )


class CheckInResult(LabelledEnum):
    NO_CONCERNS = "no_concerns"
    REPRISAL_ALLEGED = "reprisal_alleged"
    NOT_REACHED = "not_reached"

    @classmethod
    def _labels(cls):
        return {
            "no_concerns": _l("No concerns"),
            "reprisal_alleged": _l("Reprisal alleged"),
            "not_reached": _l("Could not be reached"),
        }


class ReprisalKind(LabelledEnum):
    VIOLENCE = "violence"
    THREATS = "threats"
    DISCIPLINARY_PUNISHMENT = "disciplinary_punishment"
    TRANSFER = "transfer"
    LOSS_OF_PAROLE_SUPPORT = "loss_of_parole_support"
    LOSS_OF_PRIVILEGES = "loss_of_privileges"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "violence": _l("Violence"),
            "threats": _l("Threats"),
            "disciplinary_punishment": _l("Disciplinary punishment"),
            "transfer": _l("Transfer to another facility or unit"),
            "loss_of_parole_support": _l("Loss of the administration's support for parole"),
            "loss_of_privileges": _l("Loss of privileges (visits, parcels, calls)"),
            "other": _l("Other"),
        }


class CheckIn(Model):
    """One reprisal check-in with an interviewee; an alleged reprisal opens a linked case."""

    __tablename__ = "visit_check_ins"
    __table_args__ = (
        sa.CheckConstraint(
            "(result = 'reprisal_alleged') = (reprisal_kind IS NOT NULL)",
            name="reprisal_kind_iff_alleged",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interviewee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_interviewees.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date]
    checked_on: Mapped[date]
    result: Mapped[CheckInResult] = mapped_column(enum_column(CheckInResult))
    reprisal_kind: Mapped[ReprisalKind | None] = mapped_column(enum_column(ReprisalKind))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interviewee: Mapped[Interviewee] = relationship(back_populates="check_ins")
    case: Mapped[Case | None] = relationship()
    checked_by: Mapped[User] = relationship()
