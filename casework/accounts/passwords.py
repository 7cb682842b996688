"""Password hashing with Argon2id (OWASP parameters); fast parameters only in tests."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_STRONG = PasswordHasher()  # argon2-cffi's defaults meet the OWASP minimum
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Hashed once per hasher, with its own parameters, so that an unknown e-mail costs as
    much time as a wrong password (a fast-parameter hash verified in 0.5 ms against 96 ms)."""
    return hasher.hash("dummy-password")


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("PASSWORD_HASH_FAST") else _STRONG


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        matches = hasher.verify(password_hash or _dummy_hash(hasher), password)
        return matches and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


MIN_LENGTH = 12
# A short offline list: common passwords, also in Russian and typed in the wrong layout.
COMMON_PASSWORDS = frozenset(
    {
        "password", "password123", "123456789012", "qwertyuiop", "qwerty123456",
        "пароль", "пароль123", "пароль123456", "йцукенгшщзхъ", "gfhjkm", "gfhjkm123456",
        "ыфвфдщт", "парольпароль", "administrator", "casework2026", "commissioner",
        "1q2w3e4r5t6y", "йфяцычувс", "qazwsxedcrfv", "ombudsman123",
    }
)


def password_problem(password: str) -> str | None:
    """Why a new password is too weak, or None (the message is translated by the caller)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 5:
        return "too_common"
    return None
