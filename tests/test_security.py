"""Security headers, cookies, the production secret check, CSRF and friendly error pages."""

from __future__ import annotations

import pytest

import casework.security
import config
from casework import create_app
from casework.accounts.roles import Role
from casework.extensions import db
from casework.permissions import PUBLIC_ENDPOINTS, has_permission
from config import DEV_SECRET_KEY, ProductionConfig, TestConfig
from tests import test_routes
from tests.factories import PASSWORD, make_user

# The route meta-tests' world: one user per role and an object for every URL argument.
world = test_routes.world


def test_pages_carry_a_strict_content_security_policy_and_no_store(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_http_only_and_same_site(client, app):
    user = make_user(Role.CASEWORKER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = next(
        header for header in response.headers.getlist("Set-Cookie")
        if header.startswith(app.config["SESSION_COOKIE_NAME"] + "=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()
    monkeypatch.setenv("CASEWORK_ENV", "production")
    with pytest.raises(RuntimeError):
        config.config_for_environment()


def test_production_refuses_a_short_secret_and_accepts_a_long_one(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short-secret")
    with pytest.raises(RuntimeError):
        ProductionConfig.check()
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 16 + "y" * 16 + "z")
    ProductionConfig.check()
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_a_post_without_csrf_token_is_refused(client):
    user = make_user(Role.CASEWORKER)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)


def test_every_post_route_refuses_a_request_without_csrf_token(app, world):
    """In the route meta-test style: each POST, by a user whose role may make it, without a
    token, is refused by CSRF protection before its view runs, and writes nothing."""
    clients = {role: test_routes.sign_in(app, user) for role, user in world.users.items()}
    db.session.commit()
    before = test_routes.row_counts()
    failures = []
    for rule, _ in test_routes.routes(app):
        if "POST" not in (rule.methods or ()):
            continue
        permission = test_routes.required_permission(app, rule)
        role = next(role for role, user in world.users.items()
                    if permission is None or has_permission(user, permission))
        url = test_routes.build_url(app, rule, world.ids)
        response = clients[role].post(url, data={}, csrf=False)
        if response.status_code != 400 or "The form had expired" not in response.text:
            failures.append(f"POST {url} as {role}: {response.status_code}")
    db.session.rollback()  # see what the requests committed
    assert not failures, "\n".join(failures)
    assert test_routes.row_counts() == before


def assert_friendly(response, status: int, title: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert title in body
    assert "Traceback" not in body
    assert 'class="error-page"' in body


def test_unknown_address_shows_a_friendly_404(client):
    assert_friendly(client.get("/no/such/page"), 404, "Not found")


def test_forbidden_page_shows_a_friendly_403(client, login):
    login(make_user(Role.AUDITOR))
    assert_friendly(client.get("/cases"), 403, "Not allowed")


def test_unexpected_error_shows_a_friendly_500_without_details(monkeypatch, tmp_path):
    class ThrowawayConfig(TestConfig):
        STORAGE_DIR = tmp_path
        PROPAGATE_EXCEPTIONS = False

    app = create_app(ThrowawayConfig)

    @app.get("/boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(casework.security, "PUBLIC_ENDPOINTS", PUBLIC_ENDPOINTS | {"boom"})
    with app.app_context():
        response = app.test_client().get("/boom")
    assert_friendly(response, 500, "Something went wrong")
    assert "hunter2" not in response.get_data(as_text=True)
