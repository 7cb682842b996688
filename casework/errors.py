"""Friendly error pages in the user's language; no stack trace ever reaches a browser."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page or action.")),
    404: (_l("Not found"), _l("There is nothing at this address. It may have been moved.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this record. Reload it and try again.")),
    413: (
        _l("File too large"),
        _l("The upload is larger than the limit of %(mb)s MB. Nothing was saved."),
    ),
    429: (_l("Too many attempts"), _l("Please wait a minute before trying again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "An unexpected error occurred and nothing was saved. "
            "The error was logged for the administrators."
        ),
    ),
}


CONCURRENT_CHANGE = _l(
    "Someone else changed this case at the same moment, so nothing was saved. "
    "Reload the case and try again."
)


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    from flask import current_app

    text = message or str(default) % {"mb": current_app.config["MAX_UPLOAD_MB"]}
    return render_template("errors/error.html", code=code, title=title, message=text), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(_l("The form had expired. Reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code if error.code in MESSAGES else 500)

    @app.errorhandler(StaleDataError)
    def concurrent_change(error: StaleDataError):
        """Two saves of one case crossed (optimistic locking): the later one is undone whole.

        The edit page answers this itself, with what changed; every other case action
        (transition, assignment, extension, tasks, notes...) ends here.
        """
        db.session.rollback()
        app.logger.info("concurrent change refused: %s", error)
        return render_error(409, str(CONCURRENT_CHANGE))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
