"""The hearings calendar feed: created on "My hearings", read without a session by calendar
clients, parsed back with icalendar; it stops for a revoked or unknown address, a deactivated
user, a user who no longer follows court proceedings, and a case no longer read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask_babel import get_locale
from icalendar import Calendar

from casework import create_app
from casework.accounts import services as accounts
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.courts import calendar, services
from casework.courts.models import CalendarFeed, Hearing
from casework.database import OFFICE_TZ
from casework.extensions import db, limiter
from casework.reference.models import AuthorityType, Language
from config import TestConfig
from tests.factories import add_party, make_authority, make_case, make_proceeding, make_user

NOW = datetime(2026, 12, 10, 10, tzinfo=OFFICE_TZ)


@pytest.fixture(autouse=True)
def _office_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lawyer():
    return make_user(Role.LAWYER, full_name="Aigerim Lawyerova", language=Language.EN)


@pytest.fixture
def case(lawyer):
    case = make_case(reference="2026-00123", assignees=(lawyer,),
                     summary="Beaten by the guards")
    add_party(case).person.full_name = "Yerlan Complainantov"
    return case


@pytest.fixture
def hearings(case, lawyer) -> list[Hearing]:
    court = make_authority(type=AuthorityType.COURT, name="Specialised Court of Astana")
    proceeding = make_proceeding(case, court=court, lawyer=lawyer,
                                 decision_summary="Secret reasoning")
    held = Hearing(proceeding=proceeding, starts_at=datetime(2026, 12, 1, 15, tzinfo=OFFICE_TZ),
                   result="Adjourned, Mr Witnessov absent", recorded_by=lawyer)
    coming = Hearing(proceeding=proceeding, courtroom="305",
                     starts_at=datetime(2026, 12, 14, 11, 30, tzinfo=OFFICE_TZ),
                     recorded_by=lawyer)
    db.session.add_all([held, coming])
    db.session.commit()
    return [held, coming]


def feed_url(client) -> str:
    """Create the address on "My hearings" and read it off the page shown once."""
    response = client.post("/hearings/calendar")
    assert response.status_code == 200
    [url] = re.findall(r'id="feed-url" value="([^"]+)"', response.get_data(as_text=True))
    return url.replace("http://localhost", "")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def test_the_feed_has_one_event_per_hearing_in_almaty_time_without_names(
    app, login, lawyer, hearings
):
    url = feed_url(login(lawyer))
    anonymous = app.test_client()
    body = anonymous.get(url)
    calendar = parse(body)
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"hearing-{h.id}@casework" for h in hearings]
    starts = [e.decoded("dtstart").astimezone(OFFICE_TZ) for e in events]
    assert starts == [datetime(2026, 12, 1, 15, tzinfo=OFFICE_TZ),
                      datetime(2026, 12, 14, 11, 30, tzinfo=OFFICE_TZ)]
    assert all(e.decoded("dtstart").tzinfo is not None for e in events)
    assert all(e.decoded("dtstamp") == NOW.astimezone(UTC) for e in events)
    assert str(events[1]["summary"]) == "Hearing: parole — 2026-00123"
    assert str(events[1]["location"]) == "Specialised Court of Astana, courtroom 305"
    text = body.get_data(as_text=True)
    for secret in ("Aigerim", "Lawyerova", "Yerlan", "Complainantov", "Witnessov",
                   "Secret reasoning", "Beaten"):
        assert secret not in text
    # Polled again: the same UIDs, so a client updates its events instead of adding more.
    again = parse(anonymous.get(url)).walk("VEVENT")
    assert [str(e["uid"]) for e in again] == [str(e["uid"]) for e in events]


@pytest.mark.parametrize(("language", "expected"), [(Language.KK, "kk"), (Language.RU, "ru"),
                                                    (None, "en")])
def test_the_feed_speaks_the_users_language(app, login, lawyer, hearings, monkeypatch,
                                            language, expected):
    """Its lines are written in the user's saved language (the office's default without
    one: English in the tests), whatever language the calendar client asks for."""
    lawyer.language = language
    db.session.commit()
    url = feed_url(login(lawyer))
    monkeypatch.setattr(calendar, "hearing_title", lambda hearing: str(get_locale()))
    response = app.test_client().get(url, headers={"Accept-Language": "kk, ru;q=0.5"})
    assert {str(e["summary"]) for e in parse(response).walk("VEVENT")} == {expected}


def test_reading_the_feed_marks_it_used_without_an_audit_entry(app, login, lawyer, hearings):
    url = feed_url(login(lawyer))
    db.session.rollback()
    entries = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    assert app.test_client().get(url).status_code == 200
    db.session.rollback()
    feed = db.session.scalar(sa.select(CalendarFeed))
    assert feed.last_used_at == NOW.astimezone(UTC)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == entries


def test_the_feed_keeps_a_past_month_and_only_cases_still_read(app, login, lawyer, case,
                                                               hearings):
    old = Hearing(proceeding=hearings[0].proceeding, starts_at=NOW - timedelta(days=31),
                  recorded_by=lawyer)
    db.session.add(old)
    db.session.commit()
    url = feed_url(login(lawyer))
    client = app.test_client()
    assert len(parse(client.get(url)).walk("VEVENT")) == 2
    case.assignments.clear()  # taken off the case: a lawyer reads assigned cases only
    db.session.commit()
    assert parse(client.get(url)).walk("VEVENT") == []


def test_a_revoked_address_answers_404(app, login, lawyer, hearings):
    client = login(lawyer)
    url = feed_url(client)
    response = client.post("/hearings/calendar/revoke")
    assert response.status_code == 302
    assert app.test_client().get(url).status_code == 404
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == [AuditAction.CALENDAR_FEED_CREATED, AuditAction.CALENDAR_FEED_REVOKED]


def test_a_replaced_address_answers_404_and_the_new_one_works(app, login, lawyer, hearings):
    client = login(lawyer)
    first, second = feed_url(client), feed_url(client)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200


@pytest.mark.parametrize("token", ["x" * 43, "", "x" * 500, "..%2F..%2Fetc"])
def test_an_unknown_address_answers_404(app, lawyer, token):
    services.create_calendar_feed(actor=lawyer)
    db.session.commit()
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_users_address_answers_404(app, login, lawyer, hearings):
    url = feed_url(login(lawyer))
    lawyer.is_active_account = False
    db.session.commit()
    assert app.test_client().get(url).status_code == 404


@pytest.mark.parametrize("how", ["deactivated and reactivated", "password reset"])
def test_deactivation_or_a_password_reset_revokes_the_address_for_good(
    app, login, lawyer, hearings, how
):
    url = feed_url(login(lawyer))
    admin = make_user(Role.ADMIN)
    if how == "password reset":
        accounts.reset_password(lawyer, "another long passphrase 2026", actor=admin)
    else:
        for active in (False, True):
            accounts.update_user(
                lawyer, email=lawyer.email, full_name=lawyer.full_name, roles=lawyer.roles,
                region=lawyer.region, language=lawyer.language, is_active=active, actor=admin,
            )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(CalendarFeed.id))) == 0
    assert app.test_client().get(url).status_code == 404


def test_an_address_stops_when_its_user_no_longer_follows_court(app, login, lawyer, hearings):
    url = feed_url(login(lawyer))
    lawyer.roles = {Role.MONITOR}
    db.session.commit()
    assert app.test_client().get(url).status_code == 404


def test_my_hearings_says_when_the_address_was_created_and_last_read(app, login, lawyer,
                                                                      hearings):
    client = login(lawyer)
    html = client.get("/hearings").get_data(as_text=True)
    assert "Create a calendar address" in html
    assert "Revoke" not in html
    url = feed_url(client)
    app.test_client().get(url)
    html = client.get("/hearings").get_data(as_text=True)
    assert "created 10 Dec 2026 10:00" in html
    assert "Last read by a calendar 10 Dec 2026 10:00" in html
    assert url.rsplit("/", 1)[1] not in html  # the address itself is not shown again


@pytest.fixture
def limited_app(app, tmp_path):
    """An app with the rate limits on (the test app has them off)."""

    class LimitedConfig(TestConfig):
        RATELIMIT_ENABLED = True
        STORAGE_DIR = tmp_path

    limited = create_app(LimitedConfig)
    limited.test_client_class = app.test_client_class
    try:
        with limited.app_context():
            db.create_all()
            yield limited
            db.session.remove()
    finally:
        limiter.enabled = False  # the limiter is one object shared by every app
        limiter.reset()


def test_the_feed_is_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    codes = [client.get(f"/calendar/guess{n}.ics").status_code for n in range(61)]
    assert codes[:60] == [404] * 60
    assert codes[60] == 429


def test_the_address_is_kept_neither_in_a_cache_nor_in_the_session(login, lawyer):
    db.session.commit()
    client = login(lawyer)
    response = client.post("/hearings/calendar")
    assert response.headers["Cache-Control"] == "no-store"
    [token] = re.findall(r'/calendar/([^".]+)\.ics"', response.get_data(as_text=True))
    with client.session_transaction() as session:
        assert token not in json.dumps(dict(session), default=str)
