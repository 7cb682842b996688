"""Outgoing numbers stay unique and gap-free when supervisors sign at the same moment, on a
SQLite file and on PostgreSQL; two supervisors signing the same letter give it one number."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from casework import create_app
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.database import office_today
from casework.extensions import db
from casework.letters import services
from casework.letters.models import Letter, LetterKind
from casework.reference.models import Language
from casework.reference.regions import Region
from config import TestConfig
from tests import factories

SIGNERS = 6


def drafts(count: int) -> tuple[int, list[int]]:
    """A supervisor and `count` committed drafts; their ids, for other threads to load."""
    supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA)
    case = factories.make_case(status=CaseStatus.INVESTIGATION)
    authority = factories.make_authority()
    letters = [services.start_letter(LetterKind.INFORMATION_REQUEST, actor=supervisor,
                                     language=Language.EN, case=case, authority=authority)
               for _ in range(count)]
    db.session.commit()
    return supervisor.id, [letter.id for letter in letters]


def in_threads(app: Flask, jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs at once, each in its own app context (own session and connection); a job's
    exception is returned as its result."""
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


def signing(supervisor_id: int, letter_id: int) -> Callable[[], object]:
    def sign() -> object:
        letter = db.session.get(Letter, letter_id)
        services.sign(letter, actor=db.session.get(User, supervisor_id),
                      expected_version=1)
        db.session.commit()
        return letter.number

    return sign


def check_concurrent_signing(app: Flask) -> None:
    with app.app_context():
        supervisor_id, letter_ids = drafts(SIGNERS)
        year = office_today().year
    numbers = in_threads(app, [signing(supervisor_id, i) for i in letter_ids])
    assert sorted(numbers) == [f"{n:05d}-{year}" for n in range(1, SIGNERS + 1)]  # type: ignore[type-var]


def check_double_signature(app: Flask) -> None:
    with app.app_context():
        supervisor_id, [letter_id, next_id] = drafts(2)
        storage_dir = Path(app.config["STORAGE_DIR"])
        files_before = sum(1 for p in storage_dir.rglob("*") if p.is_file())
    outcomes = in_threads(app, [signing(supervisor_id, letter_id)] * 2)
    numbers = [o for o in outcomes if isinstance(o, str)]
    assert len(numbers) == 1, outcomes  # the other lost the race on the letter's version
    with app.app_context():
        # The loser's number and PDF went with its rolled-back transaction: no gap, no orphan.
        files_after = sum(1 for p in storage_dir.rglob("*") if p.is_file())
        assert files_after == files_before + 1
        assert signing(supervisor_id, next_id)() == numbers[0].replace("00001", "00002", 1)


def file_app(tmp_path: Path) -> Flask:
    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'letters.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}
        STORAGE_DIR = tmp_path / "storage"

    app = create_app(FileConfig)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def postgresql_app(app: Flask) -> Flask:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set CASEWORK_TEST_DATABASE_URL)")
    db.session.remove()  # the test's own session must not hold a counter row
    return app


def test_concurrent_signatures_on_a_sqlite_file_get_distinct_gap_free_numbers(tmp_path):
    check_concurrent_signing(file_app(tmp_path))


def test_concurrent_signatures_on_postgresql_get_distinct_gap_free_numbers(postgresql_app):
    check_concurrent_signing(postgresql_app)


def test_one_letter_signed_twice_at_once_on_a_sqlite_file_gets_one_number(tmp_path):
    check_double_signature(file_app(tmp_path))


def test_one_letter_signed_twice_at_once_on_postgresql_gets_one_number(postgresql_app):
    check_double_signature(postgresql_app)


@pytest.mark.parametrize(
    "pattern", ["{year}", "{sequnce}-{year}", "04-{sequence}", "{sequence:05d}-{year}" + "x" * 40])
def test_the_app_refuses_to_start_with_a_register_format_that_cannot_number(pattern):
    class BadConfig(TestConfig):
        LETTER_NUMBER_FORMAT = pattern

    with pytest.raises(RuntimeError, match="LETTER_NUMBER_FORMAT"):
        create_app(BadConfig)
