"""Shared fixtures: an app on SQLite (or PostgreSQL when CASEWORK_TEST_DATABASE_URL says so),
a clean database for every test, a test client that sends CSRF tokens like a browser,
and sign-in as any role."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from casework import create_app
from casework.accounts.roles import Role
from casework.extensions import db
from casework.reference.regions import Region
from config import TestConfig
from tests import factories


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    class Config(TestConfig):
        STORAGE_DIR = tmp_path_factory.mktemp("storage")

    app = create_app(Config)
    app.test_client_class = BrowserLikeClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Each test starts with empty tables; real commits are allowed (concurrency tests)."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    db.session.remove()
    empty_all_tables()
    ctx.pop()


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


class BrowserLikeClient(FlaskClient):
    """Adds a valid CSRF token to every form POST, as the page's hidden field would."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, **kwargs):  # type: ignore[override]
        # Requests reuse the test's app context and so its `g`: empty it as production would,
        # or Flask-Login's cached user (and Babel's locale) leak from one request to the next.
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)

    def post(self, *args, csrf: bool = True, **kwargs):  # type: ignore[override]
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        elif csrf and data is None and "json" not in kwargs:
            kwargs["data"] = {"csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> BrowserLikeClient:
    return app.test_client()


@pytest.fixture
def supervisor():
    """The supervisor of the region the factories put cases in."""
    return factories.make_user(Role.SUPERVISOR, region=Region.ASTANA)


@pytest.fixture
def caseworker():
    """A caseworker of the same region's office."""
    return factories.make_user(Role.CASEWORKER, region=Region.ASTANA)


@pytest.fixture
def login(client: BrowserLikeClient):
    """Sign in through the real sign-in form: `login(user)`."""

    def sign_in(user) -> BrowserLikeClient:
        response = client.post(
            "/login", data={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in
