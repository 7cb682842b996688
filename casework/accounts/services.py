"""Account operations: sign-in checks, creating and changing users, resetting passwords.

Shared by the admin screens and the `create-user` command. Each function flushes and writes
its audit entry; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User, UserRole
from casework.accounts.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from casework.accounts.roles import Role
from casework.audit import AuditAction, diff, record
from casework.database import utcnow
from casework.extensions import db
from casework.reference.models import Language
from casework.reference.regions import Region


class AccountError(Exception):
    """A rule about accounts was broken; `field` names the form field it concerns."""

    def __init__(self, field: str, message: LazyString) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# -- rules shared by the forms (early, friendly errors) and the services (enforcement) -----


def password_error(password: str) -> LazyString | None:
    """Why `password` may not be used, in words for people, or None."""
    problem = password_problem(password)
    if problem == "too_short":
        return _l("Use at least %(num)d characters.", num=MIN_LENGTH)
    if problem is not None:
        return _l("This password is too common or too simple. Choose another one.")
    return None


def roles_error(roles: Iterable[Role]) -> LazyString | None:
    """Why this set of roles may not be given to one account, or None.

    An administrator manages accounts and reference data and never reads case content
    (DESIGN.md §5), so the admin role stands alone: with a case role an admin could grant
    themselves access to every case.
    """
    roles = set(roles)
    if not roles:
        return _l("Choose at least one role.")
    if Role.ADMIN in roles and roles - {Role.ADMIN}:
        return _l(
            "The administrator role cannot be combined with another role: administrators "
            "do not read case content. Use a separate account for case work."
        )
    return None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared and stored in lower case."""
    return email.strip().lower()


def new_session_token() -> str:
    return secrets.token_hex(16)


def _check_password(password: str) -> None:
    if message := password_error(password):
        raise AccountError("password", message)


def _check_roles(roles: Iterable[Role]) -> None:
    if message := roles_error(roles):
        raise AccountError("roles", message)


def _check_own_account(
    user: User, actor: User, *, roles: set[Role], region: Region | None, is_active: bool
) -> None:
    """An admin may not change their own access: another admin must do it, and is audited."""
    if user.id != actor.id:
        return
    if not is_active:
        raise AccountError("is_active", _l("You cannot deactivate your own account."))
    if roles != set(user.roles):
        raise AccountError(
            "roles", _l("You cannot change your own roles. Ask another administrator.")
        )
    if region != user.region:
        raise AccountError(
            "region", _l("You cannot change your own region. Ask another administrator.")
        )


def _check_email_free(email: str, *, except_user: User | None = None) -> None:
    taken = sa.select(User.id).where(User.email == email)
    if except_user is not None:
        taken = taken.where(User.id != except_user.id)
    if db.session.scalar(taken) is not None:
        raise AccountError("email", _l("Another user already has this e-mail address."))


def _snapshot(user: User) -> dict[str, Any]:
    """The audited fields of a user: never the password hash or the session token."""
    return {
        "full_name": user.full_name,
        "email": user.email,
        "roles": sorted(user.roles),
        "region": user.region,
        "language": user.language,
        "is_active": user.is_active_account,
    }


# -- operations ---------------------------------------------------------------------------


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; both outcomes are audited.

    A successful check also records the sign-in time and upgrades an outdated password hash.
    """
    user = find_user_by_email(email)
    # Always verify (a dummy hash for unknown e-mails) so timing does not reveal accounts.
    password_ok = verify_password(user.password_hash if user else None, password)
    paused = user is not None and is_sign_in_paused(user)
    if user is None or not password_ok or not user.is_active_account or paused:
        reason = "unknown" if user is None else (
            "paused" if paused else "password" if not password_ok else "inactive")
        if user is not None and not paused and not password_ok:
            count_failed_sign_in(user)
        record(
            AuditAction.SIGN_IN_FAILED,
            actor=None,
            obj=user,
            object_type="users",
            changes={"email": normalise_email(email)[:254], "reason": reason},
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    user.failed_sign_ins = 0
    record(AuditAction.SIGN_IN, actor=user, obj=user)
    return user


def is_sign_in_paused(user: User) -> bool:
    return user.sign_in_paused_until is not None and user.sign_in_paused_until > utcnow()


def count_failed_sign_in(user: User) -> None:
    """After several wrong passwords in a row the account pauses, whatever the caller's IP:
    guessing one person's password from many addresses gets nowhere."""
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= current_app.config["SIGN_IN_FAILURES_BEFORE_PAUSE"]:
        minutes = current_app.config["SIGN_IN_PAUSE_MINUTES"]
        user.sign_in_paused_until = utcnow() + timedelta(minutes=minutes)
        user.failed_sign_ins = 0


def record_sign_out(user: User) -> None:
    record(AuditAction.SIGN_OUT, actor=user, obj=user)


def create_user(
    *,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    password: str,
    region: Region | None = None,
    language: Language | None = None,
    actor: User | None,
) -> User:
    """Create an active account; `actor` is None when created from the command line."""
    email = normalise_email(email)
    roles = set(roles)
    _check_roles(roles)
    _check_password(password)
    _check_email_free(email)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        region=region,
        language=language,
        is_active_account=True,
        session_token=new_session_token(),
    )
    user.roles = roles
    db.session.add(user)
    db.session.flush()
    record(AuditAction.USER_CREATED, actor=actor, obj=user, changes=_snapshot(user))
    return user


def update_user(
    user: User,
    *,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    region: Region | None,
    language: Language | None,
    is_active: bool,
    actor: User,
) -> dict[str, list[Any]]:
    """Change a user's details and return what changed. Deactivation ends their sessions."""
    email = normalise_email(email)
    roles = set(roles)
    _check_own_account(user, actor, roles=roles, region=region, is_active=is_active)
    _check_roles(roles)
    _check_email_free(email, except_user=user)

    before = _snapshot(user)
    user.email = email
    user.full_name = full_name.strip()
    user.roles = roles
    user.region = region
    user.language = language
    if user.is_active_account and not is_active:
        end_access(user)
    user.is_active_account = is_active
    changes = diff(before, _snapshot(user))
    if changes:
        record(AuditAction.USER_UPDATED, actor=actor, obj=user, changes=changes)
    db.session.flush()
    return changes


def end_access(user: User) -> None:
    """Sign the user out everywhere and revoke their hearings' calendar address, a credential
    of its own: reactivating the account or resetting its password gives back neither."""
    from casework.courts.models import CalendarFeed

    user.session_token = new_session_token()
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def reset_password(user: User, password: str, *, actor: User | None) -> None:
    """Set a new password and end every open session of the user."""
    _check_password(password)
    user.password_hash = hash_password(password)
    end_access(user)
    record(AuditAction.PASSWORD_RESET, actor=actor, obj=user, changes={"sessions_ended": True})
    db.session.flush()


def list_users(
    *, text: str = "", role: Role | None = None, active: bool | None = None
) -> list[User]:
    """Users matching the filters, ordered by name.

    The text filter runs in Python: SQLite's lower() folds ASCII only, so a search for
    "иванов" would miss "Иванов" there; an office has a few hundred accounts at most.
    """
    query = sa.select(User)
    if role is not None:
        query = query.where(
            sa.exists().where(UserRole.user_id == User.id, UserRole.role == role)
        )
    if active is not None:
        query = query.where(User.is_active_account.is_(active))
    users = list(db.session.scalars(query))
    needle = text.strip().casefold()
    if needle:
        users = [u for u in users if needle in f"{u.full_name} {u.email}".casefold()]
    return sorted(users, key=lambda u: (u.full_name.casefold(), u.id))
