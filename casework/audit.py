"""The append-only audit log: who did what to which object, when, from where.

Services call record() in the same transaction as the change it describes. No view edits or
deletes entries, and on PostgreSQL a trigger refuses UPDATE and DELETE outright.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.database import UTCDateTime, enum_column, utcnow
from casework.extensions import Model, db


class AuditAction(enum.StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an action name, not a secret
    CASE_REGISTERED = "case_registered"
    CASE_EDITED = "case_edited"
    CASE_TRANSITION = "case_transition"
    CASE_ASSIGNED = "case_assigned"
    CASE_UNASSIGNED = "case_unassigned"
    DEADLINE_EXTENDED = "deadline_extended"
    TASK_DONE = "task_done"
    FIRST_ACTION = "first_action"
    OUT_OF_MANDATE = "out_of_mandate"
    NOTE_ADDED = "note_added"
    IDENTITY_REVEALED = "identity_revealed"
    ATTACHMENT_ADDED = "attachment_added"
    ATTACHMENT_DOWNLOADED = "attachment_downloaded"
    PERSON_CREATED = "person_created"
    PARTY_ADDED = "party_added"
    PARTY_EDITED = "party_edited"
    CALENDAR_DAY_SAVED = "calendar_day_saved"
    CALENDAR_DAY_DELETED = "calendar_day_deleted"
    PEOPLE_SEARCHED = "people_searched"
    RECOMMENDATION_DRAFTED = "recommendation_drafted"
    RECOMMENDATION_EDITED = "recommendation_edited"
    RECOMMENDATION_STEP = "recommendation_step"
    REPLY_RECORDED = "reply_recorded"
    IMPLEMENTATION_VERIFIED = "implementation_verified"
    RECOMMENDATION_DEADLINE_CHANGED = "recommendation_deadline_changed"
    RECOMMENDATION_REASSIGNED = "recommendation_reassigned"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    RECOMMENDATIONS_EXPORTED = "recommendations_exported"
    DIGEST_SENT = "digest_sent"
    LETTER_DRAFTED = "letter_drafted"
    LETTER_EDITED = "letter_edited"
    LETTER_SIGNED = "letter_signed"
    LETTER_SENT = "letter_sent"
    LETTER_DISCARDED = "letter_discarded"
    LETTER_DOWNLOADED = "letter_downloaded"
    INCOMING_REGISTERED = "incoming_registered"
    CORRESPONDENCE_EXPORTED = "correspondence_exported"
    LETTER_TEMPLATE_SAVED = "letter_template_saved"
    LETTER_TEMPLATE_RESET = "letter_template_reset"
    FACILITY_SAVED = "facility_saved"
    AUTHORITY_SAVED = "authority_saved"
    REFERENCE_IMPORTED = "reference_imported"
    PARTICIPANT_SAVED = "participant_saved"
    VISIT_PLANNED = "visit_planned"
    VISIT_EDITED = "visit_edited"
    VISIT_STEP = "visit_step"
    VISIT_ENTRY_RECORDED = "visit_entry_recorded"  # an obstruction or a named interviewee
    VISIT_ENTRY_REMOVED = "visit_entry_removed"
    CHECK_IN_RECORDED = "check_in_recorded"
    VISIT_REPORT_DOWNLOADED = "visit_report_downloaded"
    VIOLATION_RECORDED = "violation_recorded"
    VIOLATION_EDITED = "violation_edited"
    PROCEEDING_RECORDED = "proceeding_recorded"
    PROCEEDING_EDITED = "proceeding_edited"
    HEARING_RECORDED = "hearing_recorded"
    CALENDAR_FEED_CREATED = "calendar_feed_created"
    CALENDAR_FEED_REVOKED = "calendar_feed_revoked"
    STATISTICS_EXPORTED = "statistics_exported"
    ANNUAL_REPORT_BUILT = "annual_report_built"


class AuditEntry(Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed, as {field: [old, new]}."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in after
        if _jsonable(before.get(key)) != _jsonable(after.get(key))
    }


def record(
    action: AuditAction,
    *,
    actor: User | None,
    obj: Any = None,
    object_type: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller commits."""
    if obj is not None and obj.id is None:
        db.session.flush()  # the object needs its id before we can point at it
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or (type(obj).__tablename__ if obj is not None else "system"),
        object_id=obj.id if obj is not None else None,
        changes=_jsonable(changes or {}),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# The database itself refuses to change history. PostgreSQL blocks UPDATE and DELETE (TRUNCATE,
# an owner's maintenance operation, stays possible); SQLite blocks UPDATE. The initial
# migration creates the same triggers.
POSTGRES_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
"""
SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
"""

sa.event.listen(
    AuditEntry.__table__,
    "after_create",
    sa.DDL(POSTGRES_APPEND_ONLY).execute_if(dialect="postgresql"),
)
sa.event.listen(
    AuditEntry.__table__,
    "after_create",
    sa.DDL(SQLITE_APPEND_ONLY).execute_if(dialect="sqlite"),
)
