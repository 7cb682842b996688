"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.roles import Role
from casework.database import TimestampMixin, UTCDateTime, enum_column
from casework.extensions import Model
from casework.reference.models import Language
from casework.reference.regions import Region


class UserRole(Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    region: Mapped[Region | None] = mapped_column(enum_column(Region))
    language: Mapped[Language | None] = mapped_column(enum_column(Language))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Per-account throttling lives here, not in the per-worker rate limiter (LIBRARIES.md).
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    sign_in_paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes when the password is reset or the account deactivated, ending every open session.
    session_token: Mapped[str] = mapped_column(sa.String(64))

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles: set[Role]) -> None:
        current = {row.role: row for row in self.role_rows}
        self.role_rows = [current.get(role) or UserRole(role=role) for role in sorted(roles)]

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        # The token makes old session cookies invalid after a reset or deactivation.
        return f"{self.id}:{self.session_token}"

    def __str__(self) -> str:
        return self.full_name
