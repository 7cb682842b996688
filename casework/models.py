"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from casework.accounts.models import User, UserRole
from casework.attachments.models import Attachment
from casework.audit import AuditEntry
from casework.cases.models import (
    Case,
    CaseAssignment,
    CaseParty,
    CaseTask,
    DeadlineExtension,
    Event,
    Note,
)
from casework.courts.models import CalendarFeed, CourtProceeding, Hearing
from casework.letters.models import IncomingDocument, Letter, LetterTemplate
from casework.numbering import ReferenceCounter
from casework.people.models import Person
from casework.recommendations.models import (
    DeadlineChange,
    Recommendation,
    Reply,
    Verification,
)
from casework.reference.models import Authority, CalendarDay, Category, CctvChange, Facility
from casework.reminders.models import SentDigest
from casework.violations.models import Violation
from casework.visits.models import (
    CheckIn,
    Interviewee,
    NpmParticipant,
    Obstruction,
    Visit,
    VisitMember,
    VisitParticipant,
)

__all__ = [
    "Attachment",
    "AuditEntry",
    "Authority",
    "CalendarDay",
    "CalendarFeed",
    "Case",
    "CaseAssignment",
    "CaseParty",
    "CaseTask",
    "Category",
    "CctvChange",
    "CheckIn",
    "CourtProceeding",
    "DeadlineChange",
    "DeadlineExtension",
    "Event",
    "Facility",
    "Hearing",
    "IncomingDocument",
    "Interviewee",
    "Letter",
    "LetterTemplate",
    "Note",
    "NpmParticipant",
    "Obstruction",
    "Person",
    "Recommendation",
    "ReferenceCounter",
    "Reply",
    "SentDigest",
    "User",
    "UserRole",
    "Verification",
    "Violation",
    "Visit",
    "VisitMember",
    "VisitParticipant",
]
