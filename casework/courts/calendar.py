"""A user's hearings as an iCalendar feed, read by calendar clients through a secret address.

The address is the only credential: it finds the user through the SHA-256 of its token, and
only while the user is active and still follows court proceedings. The feed says when and
where a hearing is and which case it belongs to, never a person's name or a case's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from casework.accounts.models import User
from casework.courts import queries
from casework.courts.display import hearing_place, hearing_title
from casework.courts.models import CalendarFeed, Hearing
from casework.courts.services import token_hash
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.permissions import Permission, has_permission

MAX_TOKEN_LENGTH = 100  # secrets.token_urlsafe(32) gives 43 characters
FEED_BACK = timedelta(days=30)  # hearings kept in the feed after they were held
FEED_AHEAD = timedelta(days=366)
FEED_LIMIT = 1000
# Courts give a start time only; an hour is blocked so that day views show the hearing.
HEARING_BLOCK = timedelta(hours=1)
PRODUCT_ID = "-//Casework//Hearings//EN"


def feed_for_token(token: str) -> tuple[CalendarFeed, User] | None:
    """The feed and its user, or None for an unknown or revoked token, and for a user who
    was deactivated or no longer follows court proceedings: all look the same from outside."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = queries.feed_by_hash(token_hash(token))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not has_permission(user, Permission.FOLLOW_COURT):
        return None
    return feed, user


def hearings_for_feed(user: User, now: datetime) -> Sequence[Hearing]:
    """The past month's and the coming year's hearings, of cases the user still reads."""
    return queries.feed_hearings(user, now, back=FEED_BACK, ahead=FEED_AHEAD, limit=FEED_LIMIT)


def build_calendar(user: User, hearings: Sequence[Hearing], now: datetime) -> bytes:
    """The feed in the user's language. Times are in UTC, which every client converts to its
    reader's zone: a generated VTIMEZONE for Asia/Almaty (which moved from +06 to +05 in
    2024) is only as good as each client's reading of its many historic rules."""
    language = user.language.value if user.language else current_app.config[
        "BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Court hearings"))
        calendar.add("x-wr-timezone", str(OFFICE_TZ))
        for hearing in hearings:
            calendar.add_component(_event(hearing, now))
        return calendar.to_ical()


def _event(hearing: Hearing, now: datetime) -> Event:
    starts = hearing.starts_at.astimezone(UTC)
    event = Event()
    event.add("uid", f"hearing-{hearing.id}@casework")  # stable: clients update, not duplicate
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", starts + HEARING_BLOCK)
    event.add("summary", hearing_title(hearing))
    event.add("location", hearing_place(hearing))
    # A link to the proceeding's page, which asks the reader to sign in.
    event.add("url", url_for("courts.show", proceeding_id=hearing.proceeding_id,
                             _external=True))
    event.add("transp", "OPAQUE")
    return event
