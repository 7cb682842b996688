"""Language choice (Kazakh, Russian, English) and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_login import current_user

from casework.extensions import db
from casework.reference.models import Language

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The user's saved language, then the session's choice, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands: no user, session or browser to ask
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language:
        return current_user.language.value
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a path on this site, never another site (no open redirects).

    Browsers drop tabs and newlines from URLs, so "/\t/evil.example" means "//evil.example";
    anything with control characters, spaces or backslashes is refused outright.
    """
    if not target or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = Language(language)
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("cases.my_work")))
