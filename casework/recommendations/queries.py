"""Reading one recommendation for its page, its deadlines as the page shows them, and the
choices its forms offer (addressees, categories, caseworkers to reassign to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User, UserRole
from casework.accounts.roles import Role
from casework.attachments.models import Attachment
from casework.cases.models import Case
from casework.cases.queries import selectable_facilities
from casework.database import count_where, office_today
from casework.extensions import db
from casework.recommendations import deadlines
from casework.recommendations.deadlines import DeadlineOnDay, due_soon_days
from casework.recommendations.models import (
    DeadlineChange,
    DeadlineKind,
    Recommendation,
    Reply,
    Verification,
)
from casework.reference.models import Authority, Category, Facility


def load_recommendation(recommendation_id: int) -> Recommendation | None:
    """The recommendation with everything its page shows, loaded up front (templates never
    query). Its case comes with what the permission checks and file labels read."""
    files = (Attachment.uploaded_by,)
    return db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == recommendation_id).options(
            joinedload(Recommendation.case).selectinload(Case.assignments),
            joinedload(Recommendation.case).selectinload(Case.attachments),
            joinedload(Recommendation.authority),
            joinedload(Recommendation.facility),
            joinedload(Recommendation.category),
            joinedload(Recommendation.drafted_by),
            joinedload(Recommendation.owner),
            joinedload(Recommendation.issued_by),
            joinedload(Recommendation.repeat_of),
            selectinload(Recommendation.replies).options(
                joinedload(Reply.recorded_by),
                selectinload(Reply.attachments).joinedload(*files),
            ),
            selectinload(Recommendation.verifications).options(
                joinedload(Verification.verified_by),
                selectinload(Verification.attachments).joinedload(*files),
            ),
            selectinload(Recommendation.deadline_changes).joinedload(DeadlineChange.changed_by),
        )
    )


# -- its deadlines as the page shows them -----------------------------------------------------


def deadline_views(
    recommendation: Recommendation, today: date | None = None
) -> list[DeadlineOnDay]:
    """The reply and implementation deadlines of an issued recommendation (none for a draft)."""
    today = today or office_today()
    dues = {
        DeadlineKind.REPLY: (recommendation.reply_due, recommendation.reply_deadline_runs),
        DeadlineKind.IMPLEMENTATION: (recommendation.implementation_due,
                                      recommendation.implementation_deadline_runs),
    }
    return [
        DeadlineOnDay(kind, due, (due - today).days, runs)
        for kind, (due, runs) in dues.items()
        if due is not None
    ]


def next_deadline(recommendation: Recommendation) -> DeadlineOnDay | None:
    """The earliest deadline that still runs, for lists of recommendations."""
    running = [view for view in deadline_views(recommendation) if view.is_running]
    return min(running, key=lambda view: view.due, default=None)


# -- choices for the forms --------------------------------------------------------------------


def authorities() -> list[Authority]:
    return list(db.session.scalars(sa.select(Authority).order_by(Authority.name, Authority.id)))


def facilities_for(user: User, case: Case | None) -> list[Facility]:
    """The facilities a draft may name: those the case edit form offers (the case's region and
    the user's), or every facility for a recommendation without a case."""
    if case is not None:
        return selectable_facilities(user, case)
    return list(db.session.scalars(sa.select(Facility).order_by(Facility.name, Facility.id)))


def categories_for(case: Case | None) -> tuple[list[Category], list[Category]]:
    """The case's own categories, then every other active one."""
    own = sorted(case.categories if case else [], key=lambda c: (c.position, c.id))
    others = db.session.scalars(
        sa.select(Category)
        .where(Category.is_active, Category.id.not_in([c.id for c in own]))
        .order_by(Category.position, Category.id)
    )
    return own, list(others)


def reassignable_caseworkers(recommendation: Recommendation) -> list[User]:
    """Active caseworkers who cover the recommendation's region, other than its current owner
    (services.reassign refuses anyone else)."""
    is_caseworker = sa.exists().where(
        UserRole.user_id == User.id, UserRole.role == Role.CASEWORKER
    )
    return list(db.session.scalars(
        sa.select(User)
        .where(
            User.is_active_account, is_caseworker, User.id != recommendation.owner_id,
            sa.or_(User.region.is_(None), User.region == recommendation.region),
        )
        .order_by(User.full_name, User.id)
    ))


# -- My work ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUps:
    """The recommendations a caseworker follows up that need them now, for My work: the same
    items the register lists for owner=me with overdue=any, and with due=soon."""

    overdue: int
    due_soon: int
    due_soon_days: int


def my_follow_ups(user: User, today: date | None = None) -> FollowUps:
    today = today or office_today()
    overdue, due_soon = db.session.execute(
        sa.select(count_where(deadlines.overdue(today)), count_where(deadlines.due_soon(today)))
        .where(Recommendation.owner_id == user.id)
    ).one()
    return FollowUps(overdue=overdue, due_soon=due_soon, due_soon_days=due_soon_days())
