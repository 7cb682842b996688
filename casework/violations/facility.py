"""What the facility page shows: the facility's facts and CCTV history (reference data every
case or visit reader may see), and, of its visits, violations and recommendations, only those
the reader may read. Nothing on it names a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User
from casework.cases.deadlines import add_months
from casework.database import count_where, office_today
from casework.extensions import db
from casework.permissions import (
    visible_recommendations_clause,
    visible_violations_clause,
    visible_visits_clause,
)
from casework.recommendations import queries as recommendation_queries
from casework.recommendations.deadlines import DeadlineOnDay, days_overdue
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.models import Category, CctvChange, Facility
from casework.violations.models import REPEAT_WINDOW_MONTHS, Violation, ViolationStatus
from casework.violations.queries import Finding, findings_from
from casework.violations.repeats import repeat_clause
from casework.visits.models import Obstruction, Visit

LATEST_VIOLATIONS = 50  # the rest are one click away, in the filtered list


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    violations: int
    obstructions: int


@dataclass(frozen=True)
class OpenRecommendation:
    recommendation: Recommendation
    deadlines: list[DeadlineOnDay]
    days_overdue: int


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    findings: int
    repeats: int


@dataclass(frozen=True)
class FacilityPage:
    facility: Facility
    cctv_history: list[CctvChange]
    visits: list[VisitRow]
    violations: list[Finding]
    violations_total: int
    recommendations: list[OpenRecommendation]
    category_counts: list[CategoryCount]
    counted_since: date


def facility_page(facility: Facility, user: User, today: date | None = None) -> FacilityPage:
    today = today or office_today()
    since = add_months(today, -REPEAT_WINDOW_MONTHS)
    readable = [Violation.facility_id == facility.id, visible_violations_clause(user)]
    return FacilityPage(
        facility=facility,
        cctv_history=_cctv_history(facility),
        visits=_visits(facility, user),
        violations=findings_from(
            sa.select(Violation, repeat_clause()).where(*readable)
            .order_by(Violation.found_on.desc(), Violation.id.desc()).limit(LATEST_VIOLATIONS)
        ),
        violations_total=db.session.scalar(
            sa.select(sa.func.count(Violation.id)).where(*readable)
        ) or 0,
        recommendations=_open_recommendations(facility, user, today),
        category_counts=_category_counts(readable, since),
        counted_since=since,
    )


def _cctv_history(facility: Facility) -> list[CctvChange]:
    return list(db.session.scalars(
        sa.select(CctvChange).where(CctvChange.facility_id == facility.id)
        .options(joinedload(CctvChange.visit).selectinload(Visit.members))
        .order_by(CctvChange.changed_on.desc(), CctvChange.id.desc())
    ))


def _visits(facility: Facility, user: User) -> list[VisitRow]:
    violations = (sa.select(sa.func.count(Violation.id))
                  .where(Violation.visit_id == Visit.id).scalar_subquery())
    obstructions = (sa.select(sa.func.count(Obstruction.id))
                    .where(Obstruction.visit_id == Visit.id).scalar_subquery())
    rows = db.session.execute(
        sa.select(Visit, violations, obstructions)
        .where(Visit.facility_id == facility.id, visible_visits_clause(user))
        .order_by(Visit.starts_on.desc(), Visit.id.desc())
    ).all()
    return [VisitRow(visit, count, obstructed) for visit, count, obstructed in rows]


def _open_recommendations(
    facility: Facility, user: User, today: date
) -> list[OpenRecommendation]:
    """Issued and still live: the facility's authority owes a reply or its implementation."""
    rows = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.facility_id == facility.id,
               Recommendation.record_status == RecordStatus.ISSUED,
               visible_recommendations_clause(user))
        .options(joinedload(Recommendation.authority),
                 selectinload(Recommendation.violations))
        .order_by(Recommendation.issued_on.desc(), Recommendation.id.desc())
    ).all()
    return [
        OpenRecommendation(r, recommendation_queries.deadline_views(r, today),
                           days_overdue(r, today))
        for r in rows
    ]


def _category_counts(
    readable: list[sa.ColumnElement[bool]], since: date
) -> list[CategoryCount]:
    """Findings per category since `since` (not counting those found not substantiated)."""
    findings = sa.func.count(Violation.id)
    rows = db.session.execute(
        sa.select(Violation.category_id, findings, count_where(repeat_clause()))
        .where(*readable, Violation.found_on >= since,
               Violation.status != ViolationStatus.NOT_SUBSTANTIATED)
        .group_by(Violation.category_id)
        .order_by(findings.desc(), Violation.category_id)
    ).all()
    categories = {c.id: c for c in db.session.scalars(
        sa.select(Category).where(Category.id.in_([row[0] for row in rows]))
    )}
    return [CategoryCount(categories[category_id], count, repeats)
            for category_id, count, repeats in rows]
