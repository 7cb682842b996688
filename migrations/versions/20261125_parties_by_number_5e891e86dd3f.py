"""Pseudonyms stored as a number per case (the words are drawn in the reader's language),
party events, and an index for the case list's default order.

Revision ID: 5e891e86dd3f
Revises: de679ac98671
Create Date: 2026-11-25 13:50:05.893400

"""
import sqlalchemy as sa
from alembic import op

revision = "5e891e86dd3f"
down_revision = "de679ac98671"
branch_labels = None
depends_on = None

EVENT_KINDS = [
    "registered", "transition", "assigned", "unassigned", "edited", "note_added",
    "attachment_added", "deadline_extended", "task_done", "first_action", "out_of_mandate",
]
NEW_EVENT_KINDS = ["party_added", "party_edited"]
AUDIT_ACTIONS_BEFORE = [
    "sign_in", "sign_in_failed", "sign_out", "user_created", "user_updated", "password_reset",
    "case_registered", "case_edited", "case_transition", "case_assigned", "case_unassigned",
    "deadline_extended", "task_done", "first_action", "out_of_mandate", "note_added",
    "identity_revealed", "attachment_added", "attachment_downloaded", "person_created",
]
AUDIT_ACTIONS_AFTER = ["calendar_day_saved", "calendar_day_deleted"]

# Each person of a case gets the number of their first appearance, as intake numbers them.
NUMBER_PARTIES = """
UPDATE case_parties SET pseudonym_index = (
    SELECT COUNT(DISTINCT p2.person_id) FROM case_parties p2
    WHERE p2.case_id = case_parties.case_id
      AND (SELECT MIN(p3.id) FROM case_parties p3
           WHERE p3.case_id = p2.case_id AND p3.person_id = p2.person_id)
       <= (SELECT MIN(p4.id) FROM case_parties p4
           WHERE p4.case_id = case_parties.case_id AND p4.person_id = case_parties.person_id)
)
"""
SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
"""


def _allow(table, column, name, values):
    """Replace an enum's CHECK constraint by one that allows `values`."""
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.create_check_constraint(op.f(name), sa.column(column).in_(values))
    if table == "audit_entries" and op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_APPEND_ONLY)  # SQLite's batch mode rebuilt the table without it


def upgrade():
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.add_column(sa.Column("pseudonym_index", sa.Integer(), nullable=True))
    op.execute(NUMBER_PARTIES)
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.alter_column("pseudonym_index", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_case_parties_pseudonym_index_positive"), "pseudonym_index >= 1"
        )
        batch_op.drop_column("pseudonym")

    _allow("events", "kind", "ck_events_eventkind", EVENT_KINDS + NEW_EVENT_KINDS)
    _allow(
        "audit_entries", "action", "ck_audit_entries_auditaction",
        AUDIT_ACTIONS_BEFORE + NEW_EVENT_KINDS + AUDIT_ACTIONS_AFTER,
    )

    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_received_on"), ["received_on"], unique=False)


def downgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_received_on"))

    _allow("audit_entries", "action", "ck_audit_entries_auditaction",
           AUDIT_ACTIONS_BEFORE + AUDIT_ACTIONS_AFTER)
    _allow("events", "kind", "ck_events_eventkind", EVENT_KINDS)

    letter = "char(64 + pseudonym_index)" if op.get_bind().dialect.name == "sqlite" else (
        "chr(64 + pseudonym_index)")
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.add_column(sa.Column("pseudonym", sa.String(length=40), nullable=True))
    op.execute(f"UPDATE case_parties SET pseudonym = 'Party ' || {letter} || '.'")
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.alter_column("pseudonym", existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_constraint(op.f("ck_case_parties_pseudonym_index_positive"), type_="check")
        batch_op.drop_column("pseudonym_index")
