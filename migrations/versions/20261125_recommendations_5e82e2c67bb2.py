"""Recommendations with their replies, verifications and deadline changes; attachments
linked to a reply or a verification; the record of reminder digests sent; and the new audit
actions and timeline event.

Revision ID: 5e82e2c67bb2
Revises: 9b1c2d3e4f50
Create Date: 2026-11-25 15:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5e82e2c67bb2"
down_revision = "9b1c2d3e4f50"
branch_labels = None
depends_on = None

EVENT_KINDS = [
    "registered", "transition", "assigned", "unassigned", "edited", "note_added",
    "attachment_added", "deadline_extended", "task_done", "first_action", "out_of_mandate",
    "party_added", "party_edited",
]
AUDIT_ACTIONS = [
    "sign_in", "sign_in_failed", "sign_out", "user_created", "user_updated", "password_reset",
    "case_registered", "case_edited", "case_transition", "case_assigned", "case_unassigned",
    "deadline_extended", "task_done", "first_action", "out_of_mandate", "note_added",
    "identity_revealed", "attachment_added", "attachment_downloaded", "person_created",
    "party_added", "party_edited", "calendar_day_saved", "calendar_day_deleted",
    "people_searched",
]
NEW_AUDIT_ACTIONS = [
    "recommendation_drafted", "recommendation_edited", "recommendation_step", "reply_recorded",
    "implementation_verified", "recommendation_deadline_changed", "recommendation_reassigned",
    "follow_up_scheduled", "recommendations_exported", "digest_sent",
]
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
    _allow("events", "kind", "ck_events_eventkind", EVENT_KINDS + ["recommendation"])
    _allow("audit_entries", "action", "ck_audit_entries_auditaction",
           AUDIT_ACTIONS + NEW_AUDIT_ACTIONS)
    op.create_table('sent_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('assignee', 'supervisor', name='digestkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_sent_digests_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_digests')),
    sa.UniqueConstraint('recipient_id', 'day', 'kind', name=op.f('uq_sent_digests_recipient_id_day_kind'))
    )
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.Enum('astana', 'almaty_city', 'shymkent', 'abai', 'akmola', 'aktobe', 'almaty', 'atyrau', 'east_kazakhstan', 'zhambyl', 'zhetisu', 'west_kazakhstan', 'karaganda', 'kostanay', 'kyzylorda', 'mangystau', 'pavlodar', 'north_kazakhstan', 'turkistan', 'ulytau', name='region', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('scope', sa.Enum('individual', 'structural', name='scope', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('priority', sa.Enum('high', 'medium', 'low', name='priority', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('record_status', sa.Enum('draft', 'issued', 'closed', 'withdrawn', name='recordstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('response', sa.Enum('awaiting', 'accepted', 'partially_accepted', 'rejected', name='response', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('implementation', sa.Enum('not_started', 'in_progress', 'partially_implemented', 'implemented', 'not_implemented', 'superseded', name='implementation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('reply_due', sa.Date(), nullable=True),
    sa.Column('implementation_due', sa.Date(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('repeat_of_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("record_status NOT IN ('issued', 'closed') OR (number IS NOT NULL AND issued_on IS NOT NULL AND reply_due IS NOT NULL AND implementation_due IS NOT NULL)", name=op.f('ck_recommendations_issued_has_deadlines')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_recommendations_authority_id_authorities')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_recommendations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_recommendations_category_id_categories')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_recommendations_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_recommendations_facility_id_facilities')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_recommendations_issued_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_recommendations_owner_id_users')),
    sa.ForeignKeyConstraint(['repeat_of_id'], ['recommendations.id'], name=op.f('fk_recommendations_repeat_of_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('number', name=op.f('uq_recommendations_number'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index('ix_recommendations_implementation_overdue', ['record_status', 'implementation_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_region'), ['region'], unique=False)
        batch_op.create_index('ix_recommendations_reply_overdue', ['record_status', 'response', 'reply_due'], unique=False)

    op.create_table('recommendation_deadline_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reply', 'implementation', name='deadlinekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('previous_due', sa.Date(), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_recommendation_deadline_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_deadline_changes_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_deadline_changes'))
    )
    with op.batch_alter_table('recommendation_deadline_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_deadline_changes_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('recommendation_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('register_number', sa.String(length=50), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('response', sa.Enum('awaiting', 'accepted', 'partially_accepted', 'rejected', name='response', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('claimed_implementation', sa.Enum('not_started', 'in_progress', 'partially_implemented', 'implemented', 'not_implemented', 'superseded', name='implementation', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_replies_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_recommendation_replies_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_replies'))
    )
    with op.batch_alter_table('recommendation_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_replies_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('recommendation_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('not_started', 'in_progress', 'partially_implemented', 'implemented', 'not_implemented', 'superseded', name='implementation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('method', sa.Enum('document_review', 'follow_up_visit', name='verificationmethod', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_verifications_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_recommendation_verifications_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_verifications'))
    )
    with op.batch_alter_table('recommendation_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_verifications_recommendation_id'), ['recommendation_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verification_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_verification_id'), ['verification_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_verification_id_recommendation_verifications'), 'recommendation_verifications', ['verification_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attachments_reply_id_recommendation_replies'), 'recommendation_replies', ['reply_id'], ['id'])



def downgrade():
    _allow("audit_entries", "action", "ck_audit_entries_auditaction", AUDIT_ACTIONS)
    _allow("events", "kind", "ck_events_eventkind", EVENT_KINDS)
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_reply_id_recommendation_replies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attachments_verification_id_recommendation_verifications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_verification_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_reply_id'))
        batch_op.drop_column('verification_id')
        batch_op.drop_column('reply_id')

    with op.batch_alter_table('recommendation_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_verifications_recommendation_id'))

    op.drop_table('recommendation_verifications')
    with op.batch_alter_table('recommendation_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_replies_recommendation_id'))

    op.drop_table('recommendation_replies')
    with op.batch_alter_table('recommendation_deadline_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_deadline_changes_recommendation_id'))

    op.drop_table('recommendation_deadline_changes')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendations_reply_overdue')
        batch_op.drop_index(batch_op.f('ix_recommendations_region'))
        batch_op.drop_index(batch_op.f('ix_recommendations_owner_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_issued_on'))
        batch_op.drop_index('ix_recommendations_implementation_overdue')
        batch_op.drop_index(batch_op.f('ix_recommendations_facility_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_case_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_authority_id'))

    op.drop_table('recommendations')
    op.drop_table('sent_digests')
