"""Case references stay unique and gap-free when many people register at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from casework import create_app
from casework.extensions import db
from casework.numbering import case_reference, next_number
from config import TestConfig

WRITERS = 20


def take_numbers(app: Flask, writers: int = WRITERS) -> list[int]:
    """Each thread has its own app context, hence its own session and connection."""
    start = threading.Barrier(writers)

    def take() -> int:
        start.wait(timeout=30)  # before touching the pool, so nobody holds a connection waiting
        with app.app_context():
            try:
                number = next_number("case", 2026)
                db.session.commit()
                return number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        return [future.result() for future in [pool.submit(take) for _ in range(writers)]]


def test_references_are_formatted_per_year(app):
    assert case_reference(2026) == "2026-00001"
    assert case_reference(2026) == "2026-00002"
    assert case_reference(2027) == "2027-00001"


def test_concurrent_numbers_on_postgresql_are_distinct_and_gap_free(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set CASEWORK_TEST_DATABASE_URL)")
    db.session.remove()  # the test's own session must not hold the counter row

    assert sorted(take_numbers(app)) == list(range(1, WRITERS + 1))


def test_concurrent_numbers_on_a_sqlite_file_are_distinct_and_gap_free(tmp_path: Path):
    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'numbers.db'}"
        # Writers queue on SQLite's lock instead of failing with "database is locked".
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}
        STORAGE_DIR = tmp_path / "storage"

    file_app = create_app(FileConfig)
    with file_app.app_context():
        db.create_all()

    numbers = take_numbers(file_app)

    assert sorted(numbers) == list(range(1, WRITERS + 1))
    with file_app.app_context():
        db.engine.dispose()
