"""Configuration read from the environment, with safe defaults for development."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production below


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Development defaults; every value can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CASEWORK_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'casework.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    STORAGE_DIR = Path(os.environ.get("CASEWORK_STORAGE_DIR", INSTANCE_DIR / "attachments"))
    MAX_UPLOAD_MB = _env_int("CASEWORK_MAX_UPLOAD_MB", 20)
    MAX_CONTENT_LENGTH = MAX_UPLOAD_MB * 1024 * 1024

    # Periods in working days (DESIGN.md §3); the law may change them.
    DECISION_PERIOD_DAYS = _env_int("CASEWORK_DECISION_PERIOD_DAYS", 15)
    EXTENSION_NOTICE_DAYS = _env_int("CASEWORK_EXTENSION_NOTICE_DAYS", 3)
    FORWARD_PERIOD_DAYS = _env_int("CASEWORK_FORWARD_PERIOD_DAYS", 3)
    URGENT_ACTION_DAYS = _env_int("CASEWORK_URGENT_ACTION_DAYS", 1)
    MAX_EXTENSION_MONTHS = _env_int("CASEWORK_MAX_EXTENSION_MONTHS", 2)
    DUE_SOON_DAYS = _env_int("CASEWORK_DUE_SOON_DAYS", 5)
    # Recommendations (DESIGN.md §4): the reply period is each authority's own (15 working
    # days by law unless set otherwise); "due soon" and repeat findings in calendar terms.
    RECOMMENDATION_DUE_SOON_DAYS = _env_int("CASEWORK_RECOMMENDATION_DUE_SOON_DAYS", 7)
    REPEAT_FINDING_MONTHS = _env_int("CASEWORK_REPEAT_FINDING_MONTHS", 24)

    # The letterhead of outgoing letters, in each letter language.
    OFFICE_NAME = {
        "kk": "Қазақстан Республикасындағы Адам құқықтары жөніндегі уәкіл",
        "ru": "Уполномоченный по правам человека в Республике Казахстан",
        "en": "Commissioner for Human Rights in the Republic of Kazakhstan",
    }
    OFFICE_ADDRESS = {
        "kk": "Қазақстан Республикасы, 010000, Астана қ.",
        "ru": "Республика Казахстан, 010000, г. Астана",
        "en": "Astana 010000, Republic of Kazakhstan",
    }

    # The correspondence registers (исх. № / вх. №): {sequence} restarts at 1 every {year}.
    LETTER_NUMBER_FORMAT = os.environ.get("CASEWORK_LETTER_NUMBER_FORMAT", "{sequence:05d}-{year}")
    INCOMING_NUMBER_FORMAT = os.environ.get(
        "CASEWORK_INCOMING_NUMBER_FORMAT", "IN-{sequence:05d}-{year}"
    )

    # Reminder digests (flask casework send-reminders). Links in mails point to BASE_URL.
    BASE_URL = os.environ.get("CASEWORK_BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("CASEWORK_MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("CASEWORK_MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("CASEWORK_MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("CASEWORK_MAIL_PASSWORD", "")
    MAIL_USE_STARTTLS = os.environ.get("CASEWORK_MAIL_STARTTLS", "0") == "1"
    MAIL_SENDER = os.environ.get("CASEWORK_MAIL_SENDER", "casework@localhost")

    LANGUAGES = ("kk", "ru", "en")
    BABEL_DEFAULT_LOCALE = os.environ.get("CASEWORK_DEFAULT_LANGUAGE", "ru")
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "casework" / "translations")

    SESSION_COOKIE_NAME = "casework_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("CASEWORK_SECURE_COOKIES", "0") == "1"
    PERMANENT_SESSION_LIFETIME = _env_int("CASEWORK_SESSION_MINUTES", 480) * 60
    REMEMBER_COOKIE_DURATION = 0  # "remember me" is not offered
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which already expires

    RATELIMIT_STORAGE_URI = os.environ.get("CASEWORK_RATELIMIT_STORAGE", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_ATTEMPTS_PER_MINUTE = _env_int("CASEWORK_LOGIN_ATTEMPTS_PER_MINUTE", 10)
    SIGN_IN_FAILURES_BEFORE_PAUSE = _env_int("CASEWORK_SIGN_IN_FAILURES_BEFORE_PAUSE", 5)
    SIGN_IN_PAUSE_MINUTES = _env_int("CASEWORK_SIGN_IN_PAUSE_MINUTES", 15)

    PAGE_SIZE = 25
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    PROXY_HOPS = _env_int("CASEWORK_PROXY_HOPS", 0)


class ProductionConfig(Config):
    """Requires a real secret key and secure cookies."""

    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("Set SECRET_KEY to a random value of 32 characters or more.")


class TestConfig(Config):
    """In-memory or given database, fast password hashing, CSRF on (tests opt out per client)."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("CASEWORK_TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    PASSWORD_HASH_FAST = True
    BABEL_DEFAULT_LOCALE = "en"


def config_for_environment() -> type[Config]:
    """Pick the configuration class named by CASEWORK_ENV (development by default)."""
    env = os.environ.get("CASEWORK_ENV", "development")
    if env == "production":
        ProductionConfig.check()
        return ProductionConfig
    return Config
