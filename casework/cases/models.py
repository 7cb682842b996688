"""Cases, their parties, assignments, timeline, notes, tasks and deadline extensions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.cases.lifecycle import AWAITING_DECISION, OPEN_STATUSES, CaseStatus, Outcome
from casework.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.extensions import Model, db
from casework.labels import LabelledEnum
from casework.parties.pseudonyms import pseudonym
from casework.people.models import Person
from casework.reference.models import Authority, Category, Facility
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.attachments.models import Attachment
    from casework.courts.models import CourtProceeding
    from casework.recommendations.models import Recommendation
    from casework.violations.models import Violation
    from casework.visits.models import Visit


class CaseKind(LabelledEnum):
    COMPLAINT = "complaint"
    NPM_FINDING = "npm_finding"
    OWN_INITIATIVE = "own_initiative"
    PAROLE_FOLLOW_UP = "parole_follow_up"

    @classmethod
    def _labels(cls):
        return {
            "complaint": _l("Complaint"),
            "npm_finding": _l("NPM finding"),
            "own_initiative": _l("Own initiative"),
            "parole_follow_up": _l("Parole follow-up"),
        }


class Channel(LabelledEnum):
    LETTER = "letter"
    EMAIL = "email"
    HOTLINE = "hotline"
    ONLINE_FORM = "online_form"
    IN_PERSON = "in_person"
    NPM_VISIT = "npm_visit"
    MEDIA = "media"

    @classmethod
    def _labels(cls):
        return {
            "letter": _l("Letter"),
            "email": _l("E-mail"),
            "hotline": _l("Hotline"),
            "online_form": _l("Online form"),
            "in_person": _l("In person"),
            "npm_visit": _l("NPM visit"),
            "media": _l("Media report"),
        }


class PartyRole(LabelledEnum):
    COMPLAINANT = "complainant"
    VICTIM = "victim"
    WITNESS = "witness"
    REPRESENTATIVE = "representative"

    @classmethod
    def _labels(cls):
        return {
            "complainant": _l("Complainant"),
            "victim": _l("Victim"),
            "witness": _l("Witness"),
            "representative": _l("Representative"),
        }


class AssignmentRole(LabelledEnum):
    CASEWORKER = "caseworker"
    LAWYER = "lawyer"

    @classmethod
    def _labels(cls):
        return {"caseworker": _l("Caseworker"), "lawyer": _l("Lawyer")}


case_categories = sa.Table(
    "case_categories",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id"), primary_key=True),
)


class Case(TimestampMixin, Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)", name="outcome_iff_closed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind), default=CaseKind.COMPLAINT)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    received_on: Mapped[date] = mapped_column(index=True)  # the case list's default order
    registered_on: Mapped[date]
    summary: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_urgent: Mapped[bool] = mapped_column(default=False)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    # The visit that found it, or whose interviewee alleged a reprisal: its team reads the case.
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    region: Mapped[Region] = mapped_column(enum_column(Region), index=True)
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus), default=CaseStatus.REGISTERED, index=True
    )
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    closed_on: Mapped[date | None]
    referred_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"))
    decision_due: Mapped[date] = mapped_column(index=True)
    first_action_due: Mapped[date | None]
    first_action_on: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    facility: Mapped[Facility | None] = relationship()
    referred_to: Mapped[Authority | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    created_by: Mapped[User] = relationship()
    categories: Mapped[list[Category]] = relationship(secondary=case_categories)
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParty.id"
    )
    assignments: Mapped[list[CaseAssignment]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="case", order_by="Event.id.desc()", cascade="all, delete-orphan"
    )
    notes: Mapped[list[Note]] = relationship(order_by="Note.id.desc()")
    tasks: Mapped[list[CaseTask]] = relationship(
        back_populates="case", order_by="CaseTask.due_on", cascade="all, delete-orphan"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(order_by="DeadlineExtension.id")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id.desc()")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="case", order_by="Recommendation.id"
    )
    violations: Mapped[list[Violation]] = relationship(
        back_populates="case", order_by="Violation.id"
    )
    court_proceedings: Mapped[list[CourtProceeding]] = relationship(
        back_populates="case", order_by="CourtProceeding.petition_on"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_awaiting_decision(self) -> bool:
        return self.status in AWAITING_DECISION

    def assignees(self, role: AssignmentRole | None = None) -> list[User]:
        return [a.user for a in self.assignments if role is None or a.role is role]

    def snapshot(self) -> dict[str, Any]:
        """The fields whose changes are audited and shown in the edit-conflict table."""
        return {
            "summary": self.summary,
            "description": self.description,
            "is_urgent": self.is_urgent,
            "facility_id": self.facility.id if self.facility else None,
            "region": self.region,
            "category_ids": sorted(c.id for c in self.categories),
            "status": self.status,
            "outcome": self.outcome,
            "closed_on": self.closed_on,
            "referred_to_id": self.referred_to.id if self.referred_to else None,
            "decision_due": self.decision_due,
            "first_action_due": self.first_action_due,
            "first_action_on": self.first_action_on,
        }

    def __str__(self) -> str:
        return self.reference


class CaseParty(Model):
    """A person's part in a case, with their written consent to disclose their identity."""

    __tablename__ = "case_parties"
    __table_args__ = (
        sa.CheckConstraint("pseudonym_index >= 1", name="pseudonym_index_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole))
    consents_to_disclosure: Mapped[bool] = mapped_column(default=False)
    consent_scope: Mapped[str] = mapped_column(sa.String(300), default="")
    # Kinds of authority (AuthorityType values) the consent lets letters name them to.
    consent_addressees: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    consent_recorded_on: Mapped[date | None]
    is_reprisal_risk: Mapped[bool] = mapped_column(default=False)
    # The person's number in the case (1 = A), shared by all their roles; the words and the
    # alphabet come from the reader's language when drawn (casework.parties.pseudonyms).
    pseudonym_index: Mapped[int]

    case: Mapped[Case] = relationship(back_populates="parties")
    person: Mapped[Person] = relationship()

    @property
    def pseudonym(self) -> str:
        """The pseudonym in the reader's language: "Victim B.", «Потерпевший Б.»."""
        return pseudonym(self.role, self.pseudonym_index)


class CaseAssignment(Model):
    __tablename__ = "case_assignments"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(lazy="joined")


class EventKind(LabelledEnum):
    REGISTERED = "registered"
    TRANSITION = "transition"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    EDITED = "edited"
    NOTE_ADDED = "note_added"
    ATTACHMENT_ADDED = "attachment_added"
    DEADLINE_EXTENDED = "deadline_extended"
    TASK_DONE = "task_done"
    FIRST_ACTION = "first_action"
    OUT_OF_MANDATE = "out_of_mandate"
    PARTY_ADDED = "party_added"
    PARTY_EDITED = "party_edited"
    RECOMMENDATION = "recommendation"
    LETTER = "letter"
    VIOLATION = "violation"
    COURT = "court"

    @classmethod
    def _labels(cls):
        return {
            "registered": _l("Registered"),
            "transition": _l("Status changed"),
            "assigned": _l("Assigned"),
            "unassigned": _l("Assignment removed"),
            "edited": _l("Details edited"),
            "note_added": _l("Note added"),
            "attachment_added": _l("Attachment added"),
            "deadline_extended": _l("Deadline extended"),
            "task_done": _l("Task done"),
            "first_action": _l("First action taken"),
            "out_of_mandate": _l("Found outside the mandate"),
            "party_added": _l("Party added"),
            "party_edited": _l("Party details changed"),
            "recommendation": _l("Recommendation"),
            "letter": _l("Letter"),
            "violation": _l("Violation"),
            "court": _l("Court proceeding"),
        }


class Event(Model):
    """One entry of a case's timeline, written for people to read."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Note(Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class TaskKind(LabelledEnum):
    NOTIFY_EXTENSION = "notify_extension"
    FORWARD_OUT_OF_MANDATE = "forward_out_of_mandate"

    @classmethod
    def _labels(cls):
        return {
            "notify_extension": _l("Notify the complainant of the extension"),
            "forward_out_of_mandate": _l("Forward the complaint to the competent body"),
        }


class CaseTask(Model):
    """Something that must be done on a case by a date, e.g. a notice the law requires."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TaskKind] = mapped_column(enum_column(TaskKind))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="tasks")
    done_by: Mapped[User | None] = relationship()

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DeadlineExtension(Model):
    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    previous_due: Mapped[date]
    new_due: Mapped[date]
    ground: Mapped[str] = mapped_column(sa.Text)
    extended_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    extended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    extended_by: Mapped[User] = relationship()

