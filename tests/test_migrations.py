"""The migrations build exactly the schema the models describe (upgrade from empty, then diff).

The tests themselves build their schema with create_all(), so without this check a model change
without a migration would pass every test and break the first deployment.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from casework import create_app
from casework.extensions import db
from config import TestConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture
def empty_database_url(app, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the back end this test run uses."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"{url.database}_migrations_{secrets.token_hex(4)}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_migrations_exist():
    versions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert versions, (
        "no migration yet: run `flask --app wsgi db migrate -m 'initial schema'` and review it"
    )


def check_constraints(engine: sa.Engine) -> dict[str, set[tuple[str, str]]]:
    """Every table's CHECK constraints (names and normalised SQL), as the database reports them."""
    inspector = sa.inspect(engine)
    return {
        table: {
            (check["name"], " ".join(check["sqltext"].split()).lower())
            for check in inspector.get_check_constraints(table)
        }
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_upgrade_from_empty_matches_the_models(app, empty_database_url: str):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    migrated_app = create_app(MigratedConfig)
    with migrated_app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        migrated_checks = check_constraints(db.engine)
        db.engine.dispose()
    assert differences == [], "models and migrations differ:\n" + "\n".join(
        map(str, differences)
    )
    # Autogenerate does not compare CHECK constraints, which hold every enum's allowed values:
    # a new status without a migration would be refused by the deployed database.
    model_checks = check_constraints(db.engine)  # the test database, built by create_all()
    assert migrated_checks == model_checks
