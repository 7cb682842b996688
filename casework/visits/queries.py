"""Reading visits: the filtered list, the visit page, the choices its forms offer, the
recommendations a visit can verify, reprisal check-ins that are due, and what changed since
a form was opened. Every list is scoped by the reader's rights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User, UserRole
from casework.accounts.roles import Role
from casework.audit import AuditAction
from casework.cases.deadlines import DeadlineState, deadline_state
from casework.database import office_today
from casework.edit_conflicts import ChangeRow, changes_since_version
from casework.extensions import db
from casework.paging import Page, paginate
from casework.permissions import (
    recordable_visits_clause,
    team_visit_ids,
    visible_visits_clause,
)
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.models import CctvCoverage, Facility
from casework.reference.regions import Region
from casework.templating import format_day
from casework.visits.models import (
    CheckIn,
    Interviewee,
    NpmParticipant,
    Obstruction,
    Visit,
    VisitStatus,
    VisitType,
)

SORT_COLUMNS = {"starts_on": Visit.starts_on, "reference": Visit.reference}
DEFAULT_SORT = "-starts_on"
CHECK_IN_LIMIT = 50  # rows of the dashboard panel and "My work"; the count says the rest


@dataclass(frozen=True)
class VisitFilters:
    text: str = ""
    region: Region | None = None
    facility_id: int | None = None
    type: VisitType | None = None
    status: VisitStatus | None = None
    announced: bool | None = None
    starts_from: date | None = None
    starts_to: date | None = None
    sort: str = DEFAULT_SORT


def _filter_clauses(f: VisitFilters) -> list[sa.ColumnElement[bool]]:
    """Conditions on the visits table (the facility name through EXISTS), so the count needs
    no join."""
    clauses: list[sa.ColumnElement[bool]] = []
    if text := f.text.strip():
        named = sa.select(Facility.id).where(Facility.name.icontains(text, autoescape=True))
        clauses.append(sa.or_(Visit.reference.icontains(text, autoescape=True),
                              Visit.facility_id.in_(named)))
    if f.region is not None:
        clauses.append(Visit.region == f.region)
    if f.facility_id is not None:
        clauses.append(Visit.facility_id == f.facility_id)
    if f.type is not None:
        clauses.append(Visit.type == f.type)
    if f.status is not None:
        clauses.append(Visit.status == f.status)
    if f.announced is not None:
        clauses.append(Visit.is_announced.is_(f.announced))
    if f.starts_from is not None:
        clauses.append(Visit.starts_on >= f.starts_from)
    if f.starts_to is not None:
        clauses.append(Visit.starts_on <= f.starts_to)
    return clauses


def _order_by(sort: str) -> list[sa.ColumnElement[Any]]:
    key = sort.removeprefix("-")
    if key not in SORT_COLUMNS:
        return _order_by(DEFAULT_SORT)
    column = SORT_COLUMNS[key]
    if sort.startswith("-"):
        return [column.desc(), Visit.id.desc()]
    return [column.asc(), Visit.id.asc()]


def list_visits(user: User, filters: VisitFilters, page: int = 1) -> Page[Visit]:
    where = [visible_visits_clause(user), *_filter_clauses(filters)]
    total = db.session.scalar(sa.select(sa.func.count(Visit.id)).where(*where)) or 0
    return paginate(total, page, lambda limit, offset: db.session.scalars(
        sa.select(Visit).where(*where).order_by(*_order_by(filters.sort))
        .options(joinedload(Visit.facility), joinedload(Visit.leader))
        .limit(limit).offset(offset)
    ).all())


def load_visit(visit_id: int) -> Visit | None:
    """The visit with everything its page shows, loaded up front (templates never query)."""
    return db.session.scalar(
        sa.select(Visit).where(Visit.id == visit_id).options(
            joinedload(Visit.facility),
            joinedload(Visit.leader),
            selectinload(Visit.members),
            selectinload(Visit.participants),
            selectinload(Visit.obstructions).joinedload(Obstruction.recorded_by),
            selectinload(Visit.interviewees).joinedload(Interviewee.person),
            selectinload(Visit.interviewees).selectinload(Interviewee.check_ins)
            .joinedload(CheckIn.case),
        )
    )


def visit_recommendations(visit: Visit) -> list[Recommendation]:
    """The recommendations drafted from this visit, oldest first."""
    return list(db.session.scalars(
        sa.select(Recommendation).where(Recommendation.visit_id == visit.id)
        .order_by(Recommendation.id).options(joinedload(Recommendation.authority))
    ))


def open_recommendations_for(visit: Visit) -> list[Recommendation]:
    """Issued recommendations to the visit's facility, issued by the visit's last day and not
    yet closed: what a visit there can see implemented (or not)."""
    return list(db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.facility_id == visit.facility_id,
            Recommendation.record_status == RecordStatus.ISSUED,
            Recommendation.issued_on <= visit.ends_on,
        ).order_by(Recommendation.issued_on, Recommendation.id).options(
            joinedload(Recommendation.authority), joinedload(Recommendation.owner),
            joinedload(Recommendation.case),
        )
    ))


# -- choices for the forms --------------------------------------------------------------------


def plannable_facilities(user: User, current: Facility | None = None) -> list[Facility]:
    """Active facilities of the user's region (every region without one), and the visit's
    own facility when editing."""
    offered: sa.ColumnElement[bool] = Facility.is_active.is_(True)
    if user.region is not None:
        offered = sa.and_(offered, Facility.region == user.region)
    if current is not None:
        offered = sa.or_(offered, Facility.id == current.id)
    return list(db.session.scalars(
        sa.select(Facility).where(offered).order_by(Facility.name, Facility.id)))


def team_candidates(region: Region | None, current: Sequence[User] = ()) -> list[User]:
    """Active monitors and supervisors who cover `region` (all of them without one), and
    whoever is on the team already."""
    has_role = sa.exists().where(UserRole.user_id == User.id,
                                 UserRole.role.in_((Role.MONITOR, Role.SUPERVISOR)))
    query = sa.select(User).where(User.is_active_account.is_(True), has_role)
    if region is not None:
        query = query.where(sa.or_(User.region.is_(None), User.region == region))
    users = list(db.session.scalars(query.order_by(User.full_name, User.id)))
    return users + [user for user in current if user not in users]


def participant_candidates(current: Sequence[NpmParticipant] = ()) -> list[NpmParticipant]:
    """Active participants of the registry, and those on the visit already."""
    active = list(db.session.scalars(
        sa.select(NpmParticipant).where(NpmParticipant.is_active.is_(True))
        .order_by(NpmParticipant.full_name, NpmParticipant.id)
    ))
    return active + [p for p in current if p not in active]


# -- reprisal check-ins that are due ----------------------------------------------------------


@dataclass(frozen=True)
class DueCheckIn:
    """An interviewee whose next check-in is due: shown without their name (a dashboard is
    read over shoulders); the visit page names them to those who may know."""

    interviewee: Interviewee
    visit: Visit
    due: DeadlineState


@dataclass(frozen=True)
class DueCheckIns:
    rows: list[DueCheckIn]
    total: int


def _due_check_ins(where: sa.ColumnElement[bool], until: date, today: date) -> DueCheckIns:
    condition = sa.and_(where, Interviewee.next_check_in_on <= until)
    total = db.session.scalar(
        sa.select(sa.func.count(Interviewee.id)).join(Interviewee.visit).where(condition)
    ) or 0
    interviewees = db.session.scalars(
        sa.select(Interviewee).join(Interviewee.visit).where(condition)
        .order_by(Interviewee.next_check_in_on, Interviewee.id)
        .options(joinedload(Interviewee.visit).joinedload(Visit.facility))
        .limit(CHECK_IN_LIMIT)
    ).all()
    return DueCheckIns(
        rows=[DueCheckIn(i, i.visit, deadline_state(i.next_check_in_on, today))
              for i in interviewees if i.next_check_in_on is not None],
        total=total,
    )


def overdue_check_ins(user: User, today: date | None = None) -> DueCheckIns:
    """Check-ins whose date has passed (next_check_in_on < today), on visits `user` may
    record: the dashboard panel."""
    today = today or office_today()
    return _due_check_ins(recordable_visits_clause(user),
                          until=date.fromordinal(today.toordinal() - 1), today=today)


def team_check_ins_due(user: User, until: date, today: date | None = None) -> DueCheckIns:
    """Check-ins overdue or due by `until` on the visits `user` is on the team of ("My
    work"), if they may still record them."""
    where = sa.and_(Visit.id.in_(team_visit_ids(user)), recordable_visits_clause(user))
    return _due_check_ins(where, until=until, today=today or office_today())


# -- what changed since a version -------------------------------------------------------------

FIELD_LABELS = {
    "facility_id": _l("Facility"),
    "type": _l("Type"),
    "is_announced": _l("Announced"),
    "status": _l("Status"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "theme": _l("Theme"),
    "purpose": _l("Purpose"),
    "summary": _l("General findings"),
    "interviews_in_private": _l("Interviewed in private"),
    "cctv_seen": _l("CCTV seen"),
    "leader_id": _l("Team leader"),
    "completed_on": _l("Completed on"),
    "cancel_reason": _l("Reason for cancelling"),
    "member_ids": _l("Team"),
    "participant_ids": _l("External participants"),
}
# Audit actions that change the visits row, hence its version; each stores "version".
VERSIONED_ACTIONS = (AuditAction.VISIT_EDITED, AuditAction.VISIT_STEP)


def changes_since(visit: Visit, version: int) -> list[ChangeRow]:
    """Every field changed from `version` on, one row each, in the order first changed."""
    return changes_since_version(visit, version, VERSIONED_ACTIONS, FIELD_LABELS, display_value)


def display_value(name: str, value: Any) -> str:
    """A stored (JSON) value, or a current one, as a person reads it."""
    if value is None or value == [] or value == "":
        return "—"
    if name == "is_announced":
        return _("Yes") if value else _("No")
    labelled: dict[str, Any] = {"status": VisitStatus, "type": VisitType,
                                "cctv_seen": CctvCoverage}
    if name in labelled:
        return str(labelled[name](value).label)
    if name == "facility_id":
        facility = db.session.get(Facility, value)
        return facility.name if facility else "—"
    if name in ("leader_id", "member_ids"):
        ids = value if isinstance(value, list) else [value]
        users = db.session.scalars(sa.select(User).where(User.id.in_(ids))).all()
        return ", ".join(sorted(user.full_name for user in users))
    if name == "participant_ids":
        people = db.session.scalars(
            sa.select(NpmParticipant).where(NpmParticipant.id.in_(value))).all()
        return ", ".join(sorted(p.full_name for p in people))
    if isinstance(value, date):
        return format_day(value)
    if name in ("starts_on", "ends_on", "completed_on"):
        return format_day(date.fromisoformat(value))
    return str(value)
