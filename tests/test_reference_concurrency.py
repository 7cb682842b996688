"""Two admins saving one facility from forms opened at the same moment: one save wins, the
other is refused as stale, on PostgreSQL and on a SQLite file; nothing is overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from casework import create_app
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.editing import StaleRecord
from casework.reference.models import Facility, FacilityType
from casework.reference.regions import Region
from casework.reference.services import FacilityData, save_facility
from config import TestConfig
from tests import factories


def in_threads(app: Flask, jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs at once, each with its own session; an exception is the job's result."""
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> object:
        start.wait(timeout=30)
        with app.app_context():
            try:
                return job()
            except Exception as error:  # the test inspects it
                db.session.rollback()
                return error
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [f.result() for f in [pool.submit(run, job) for job in jobs]]


def check_one_save_wins(app: Flask) -> list[object]:
    with app.app_context():
        admins = [factories.make_user(Role.ADMIN).id for _ in range(2)]
        facility = factories.make_facility(Region.AKMOLA, name="Colony", capacity=100)
        db.session.commit()
        facility_id, opened = facility.id, facility.updated_at

    def saving(admin_id: int, capacity: int) -> Callable[[], object]:
        def save() -> object:
            save_facility(
                db.session.get(Facility, facility_id),
                FacilityData(name="Colony", type=FacilityType.PENAL_COLONY,
                             region=Region.AKMOLA, capacity=capacity),
                actor=db.session.get(User, admin_id), opened_at=opened,
            )
            db.session.commit()
            return capacity

        return save

    outcomes = in_threads(app, [saving(admins[0], 200), saving(admins[1], 300)])
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1, outcomes
    with app.app_context():
        assert db.session.get(Facility, facility_id).capacity == winners[0]
        saves = db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                                  .where(AuditEntry.action == AuditAction.FACILITY_SAVED))
        assert saves == 1
    return [o for o in outcomes if not isinstance(o, int)]


def test_one_of_two_simultaneous_saves_wins_on_postgresql(app: Flask):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set CASEWORK_TEST_DATABASE_URL)")
    db.session.remove()
    [loser] = check_one_save_wins(app)
    assert isinstance(loser, StaleRecord)  # the row lock made it wait, then find the change


def test_one_of_two_simultaneous_saves_wins_on_a_sqlite_file(tmp_path: Path):
    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'reference.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}
        STORAGE_DIR = tmp_path / "storage"

    file_app = create_app(FileConfig)
    with file_app.app_context():
        db.create_all()
    # SQLite may refuse the loser as busy rather than stale: either way it changed nothing.
    [loser] = check_one_save_wins(file_app)
    assert isinstance(loser, StaleRecord | sa.exc.OperationalError)
