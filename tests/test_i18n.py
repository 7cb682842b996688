"""Languages: the switch, dates as dd.mm.yyyy in Russian and Kazakh, and no open redirects."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest
from flask_babel import force_locale

from casework.accounts.roles import Role
from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind, Language
from casework.templating import format_day
from tests.factories import make_user


def test_language_switch_remembers_the_choice_in_the_session(client):
    response = client.post("/language", data={"language": "ru", "next": "/login"})
    assert response.status_code == 302
    assert urlparse(response.location).path == "/login"
    with client.session_transaction() as session:
        assert session["language"] == "ru"
    assert '<html lang="ru">' in client.get("/login").get_data(as_text=True)


def test_language_switch_saves_the_signed_in_users_language(client, login):
    user = make_user(Role.CASEWORKER)
    login(user)
    client.post("/language", data={"language": "kk", "next": "/"})
    db.session.refresh(user)
    assert user.language is Language.KK


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"language": "xx", "next": "/login"})
    with client.session_transaction() as session:
        assert "language" not in session


@pytest.mark.parametrize(
    ("locale", "expected"), [("ru", "08.03.2026"), ("kk", "08.03.2026"), ("en", "8 Mar 2026")]
)
def test_dates_follow_the_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert format_day(date(2026, 3, 8)) == expected


def test_a_russian_page_shows_dates_as_day_month_year(client, login):
    admin = make_user(Role.ADMIN, language=Language.RU)
    db.session.add(CalendarDay(day=date(2026, 12, 28), kind=CalendarDayKind.DAY_OFF))
    db.session.commit()
    login(admin)
    body = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "28.12.2026" in body
    assert "16.12.2026" in body  # Independence Day, from the holidays package


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
        "/\t/evil.example", "/\n/evil.example", "/ /evil.example", "/\x7f//evil.example",
    ],
)
def test_language_switch_does_not_redirect_to_another_site(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    location = urlparse(response.location)
    assert response.status_code == 302
    assert location.netloc in ("", "localhost")
    assert location.path.startswith("/")
    assert not location.path.startswith("//")


def test_sign_in_does_not_redirect_to_another_site(client):
    user = make_user(Role.CASEWORKER)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": user.email, "password": "correct horse battery",
              "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert urlparse(response.location).netloc in ("", "localhost")


def test_ids_too_large_for_the_database_are_not_found(client, login):
    client = login(make_user(Role.SUPERVISOR))
    assert client.get("/cases/99999999999999999999999").status_code == 404
