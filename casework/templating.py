"""Template filters and globals: dates in the user's language, permission checks."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from casework.navigation import main_navigation
from casework.permissions import Permission, can


def date_pattern() -> str:
    return "dd.MM.yyyy" if str(get_locale()) in ("ru", "kk") else "d MMM yyyy"


def format_day(value: date | None) -> str:
    return format_date(value, date_pattern()) if value else ""


def format_moment(value: datetime | None) -> str:
    return format_datetime(value, date_pattern() + " HH:mm") if value else ""


def url_with(**changes: object) -> str:
    """The current URL with some query arguments replaced (for sorting and paging links)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    from urllib.parse import urlencode

    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def init_templating(app: Flask) -> None:
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
    app.add_template_global(url_with)
    app.add_template_global(main_navigation)

    @app.context_processor
    def permission_helpers() -> dict:
        def user_can(permission: Permission, obj: object = None) -> bool:
            return can(current_user, permission, obj)

        return {"can": user_can, "Permission": Permission, "locale": str(get_locale())}
