""""My hearings" and the calendar feed: the signed-in user's coming hearings, those of the past
week still without a result, their secret calendar address, and the feed itself, which
calendar clients read without a session."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response as BaseResponse

from casework.accounts.models import User
from casework.cases.forms import ConfirmForm
from casework.courts import calendar, queries, services
from casework.courts.blueprint import bp
from casework.database import utcnow
from casework.extensions import db, limiter
from casework.permissions import Permission, requires
from casework.refusals import Refusal

P = Permission
# Calendar clients poll every few minutes at most; an office behind one address has a few
# dozen of them. Unknown tokens count too, which slows down guessing further.
FEED_RATE_LIMIT = "60/minute"


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/hearings")
@requires(P.FOLLOW_COURT)
def my_hearings() -> str:
    user, now = _actor(), utcnow()
    return render_template(
        "courts/my_hearings.html",
        upcoming=queries.upcoming_hearings(user, now),
        unrecorded=queries.hearings_without_result(user, now),
        feed=queries.calendar_feed_of(user),
        feed_form=ConfirmForm(formdata=None),
    )


@bp.post("/hearings/calendar")
@requires(P.FOLLOW_COURT)
def create_feed() -> str:
    """A new secret address, shown on this one page: only its hash is kept. Not a flash, which
    would carry the token in the session cookie."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = services.create_calendar_feed(actor=_actor())
    db.session.commit()
    return render_template(
        "courts/feed_created.html",
        feed_url=url_for("courts.calendar_feed", token=token, _external=True),
    )


@bp.post("/hearings/calendar/revoke")
@requires(P.FOLLOW_COURT)
def revoke_feed() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_calendar_feed(actor=_actor())
    except Refusal as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("courts.my_hearings"))
    db.session.commit()
    flash(_("Your calendar address no longer works. Remove the calendar from your calendar "
            "application too."), "success")
    return redirect(url_for("courts.my_hearings"))


# Public (casework.permissions.PUBLIC_ENDPOINTS): the token in the address is the credential.
@bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_RATE_LIMIT)
def calendar_feed(token: str) -> Response:
    found = calendar.feed_for_token(token)
    if found is None:
        abort(404)
    feed, user = found
    now = utcnow()
    body = calendar.build_calendar(user, calendar.hearings_for_feed(user, now), now)
    feed.last_used_at = now  # not audited: a poll every few minutes would bury the log
    db.session.commit()
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="hearings.ics"'
    return response
