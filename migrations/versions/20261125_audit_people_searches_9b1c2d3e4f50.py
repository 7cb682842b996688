"""Audit people searches: a new audit action.

Revision ID: 9b1c2d3e4f50
Revises: 5e891e86dd3f
Create Date: 2026-11-25 14:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9b1c2d3e4f50"
down_revision = "5e891e86dd3f"
branch_labels = None
depends_on = None

AUDIT_ACTIONS = [
    "sign_in", "sign_in_failed", "sign_out", "user_created", "user_updated", "password_reset",
    "case_registered", "case_edited", "case_transition", "case_assigned", "case_unassigned",
    "deadline_extended", "task_done", "first_action", "out_of_mandate", "note_added",
    "identity_revealed", "attachment_added", "attachment_downloaded", "person_created",
    "party_added", "party_edited", "calendar_day_saved", "calendar_day_deleted",
]
SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
"""


def _allow_actions(values):
    with op.batch_alter_table("audit_entries") as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_entries_auditaction"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_audit_entries_auditaction"), sa.column("action").in_(values)
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_APPEND_ONLY)  # SQLite's batch mode rebuilt the table without it


def upgrade():
    _allow_actions([*AUDIT_ACTIONS, "people_searched"])


def downgrade():
    _allow_actions(AUDIT_ACTIONS)
