"""Reading court proceedings: a proceeding with what its page shows, the choices its forms
offer, and a user's hearings for "My hearings" and the calendar feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.models import Case, CaseAssignment
from casework.courts.models import CalendarFeed, CourtProceeding, Hearing
from casework.extensions import db
from casework.permissions import visible_cases_clause
from casework.reference.models import Authority, AuthorityType

UPCOMING = timedelta(days=90)  # "My hearings" looks this far ahead
UNRECORDED = timedelta(days=7)  # and this far back for hearings still without a result


def load_proceeding(proceeding_id: int) -> CourtProceeding | None:
    """The proceeding with its case, court, lawyer and hearings (templates never query)."""
    return db.session.scalar(
        sa.select(CourtProceeding).where(CourtProceeding.id == proceeding_id).options(
            joinedload(CourtProceeding.case).selectinload(Case.assignments),
            joinedload(CourtProceeding.court),
            joinedload(CourtProceeding.lawyer),
            selectinload(CourtProceeding.hearings),
        )
    )


def courts() -> Sequence[Authority]:
    return db.session.scalars(
        sa.select(Authority).where(Authority.type == AuthorityType.COURT)
        .order_by(Authority.name, Authority.id)
    ).all()


def assigned_lawyers(case: Case) -> list[User]:
    """The lawyers a proceeding of `case` may name: active, and assigned to the case."""
    return sorted(
        (a.user for a in case.assignments if a.user.has_role(Role.LAWYER) and a.user.is_active),
        key=lambda user: user.full_name,
    )


def _hearings_of(user: User) -> sa.Select[Hearing]:
    """Hearings of the proceedings `user` is the lawyer of or whose case they are assigned
    to, among the cases they still read; with the proceeding, its court and its case."""
    assigned = sa.select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id)
    return (
        sa.select(Hearing)
        .join(Hearing.proceeding)
        .join(CourtProceeding.case)
        .where(
            sa.or_(CourtProceeding.lawyer_id == user.id, CourtProceeding.case_id.in_(assigned)),
            visible_cases_clause(user),
        )
        .options(contains_eager(Hearing.proceeding).options(
            contains_eager(CourtProceeding.case), joinedload(CourtProceeding.court),
        ))
        .order_by(Hearing.starts_at, Hearing.id)
    )


def upcoming_hearings(user: User, now: datetime) -> Sequence[Hearing]:
    """From now on, for the next 90 days, soonest first."""
    return db.session.scalars(
        _hearings_of(user).where(Hearing.starts_at >= now, Hearing.starts_at < now + UPCOMING)
    ).all()


def hearings_without_result(user: User, now: datetime) -> Sequence[Hearing]:
    """Hearings of the past week whose result nobody recorded yet."""
    return db.session.scalars(
        _hearings_of(user).where(
            Hearing.starts_at >= now - UNRECORDED, Hearing.starts_at < now, Hearing.result == ""
        )
    ).all()


def feed_hearings(
    user: User, now: datetime, *, back: timedelta, ahead: timedelta, limit: int
) -> Sequence[Hearing]:
    return db.session.scalars(
        _hearings_of(user)
        .where(Hearing.starts_at >= now - back, Hearing.starts_at < now + ahead)
        .limit(limit)
    ).all()


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_by_hash(token_hash: str) -> CalendarFeed | None:
    return db.session.scalar(
        sa.select(CalendarFeed).where(CalendarFeed.token_hash == token_hash)
    )
