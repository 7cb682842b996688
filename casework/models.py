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
from casework.letters.models import IncomingDocument, Letter, LetterTemplate
from casework.numbering import ReferenceCounter
from casework.people.models import Person
from casework.recommendations.models import (
    DeadlineChange,
    Recommendation,
    Reply,
    Verification,
)
from casework.reference.models import Authority, CalendarDay, Category, Facility
from casework.reminders.models import SentDigest

__all__ = [
    "Attachment",
    "AuditEntry",
    "Authority",
    "CalendarDay",
    "Case",
    "CaseAssignment",
    "CaseParty",
    "CaseTask",
    "Category",
    "DeadlineChange",
    "DeadlineExtension",
    "Event",
    "Facility",
    "IncomingDocument",
    "Letter",
    "LetterTemplate",
    "Note",
    "Person",
    "Recommendation",
    "ReferenceCounter",
    "Reply",
    "SentDigest",
    "User",
    "UserRole",
    "Verification",
]
