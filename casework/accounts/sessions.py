"""Flask-Login wiring: how a session cookie maps back to an active user."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from casework.accounts.models import User
from casework.extensions import db, login_manager


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(
        sa.select(User).where(User.id == int(user_id), User.session_token == token)
    )
    return user if user is not None and user.is_active else None


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None  # the sign-in page says enough
