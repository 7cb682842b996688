"""The audit log is append-only, down to the database."""

import pytest
import sqlalchemy as sa

from casework.audit import AuditAction, AuditEntry, diff, record
from casework.extensions import db
from tests.factories import make_user


def test_record_adds_an_entry_in_the_current_transaction():
    actor = make_user()
    entry = record(AuditAction.USER_UPDATED, actor=actor, obj=actor, changes={"a": 1})
    db.session.commit()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.actor_id, stored.object_type, stored.object_id) == (actor.id, "users", actor.id)
    assert stored.changes == {"a": 1}


def test_rolled_back_change_leaves_no_audit_entry():
    actor = make_user()
    db.session.commit()
    record(AuditAction.USER_UPDATED, actor=actor, obj=actor)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_database_refuses_to_edit_an_audit_entry():
    entry = record(AuditAction.SIGN_OUT, actor=make_user())
    db.session.commit()
    change = sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(object_type="x")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(change)
    db.session.rollback()


def test_diff_keeps_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
