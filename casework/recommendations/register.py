"""The register of recommendations: its filters (a GET form whose values dashboards link to),
the filtered, sorted and paged list, and the same rows for the exports. Every row is scoped by
the reader's rights; "overdue", "due soon" and the ageing buckets come from deadlines.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import aliased, joinedload
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, HiddenField, SearchField, SelectField
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.forms import options
from casework.cases.models import Case
from casework.extensions import db
from casework.forms import chosen_value
from casework.labels import LabelledEnum
from casework.paging import Page, paginate
from casework.permissions import Permission, has_permission, visible_recommendations_clause
from casework.recommendations import services
from casework.recommendations.deadlines import DEADLINES, IMPLEMENTATION, REPLY, Ageing
from casework.recommendations.deadlines import TrackedDeadline as Deadline
from casework.recommendations.deadlines import ageing as longer_overdue_in
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    Implementation,
    RecordStatus,
    Response,
)
from casework.recommendations.models import DeadlineKind, Recommendation
from casework.reference.models import Authority, AuthorityType, Facility
from casework.reference.regions import Region

DEFAULT_SORT = "-issued_on"
TRACKED = {DeadlineKind.REPLY: REPLY, DeadlineKind.IMPLEMENTATION: IMPLEMENTATION}


class Overdue(LabelledEnum):
    """Which deadline must have passed: either of them, or one in particular."""

    ANY = "any"
    REPLY = "reply"
    IMPLEMENTATION = "implementation"

    @classmethod
    def _labels(cls):
        return {
            "any": _l("Reply or implementation"),
            "reply": _l("Reply overdue"),
            "implementation": _l("Implementation overdue"),
        }


@dataclass(frozen=True)
class RegisterFilters:
    text: str = ""
    status: RecordStatus | None = None
    response: Response | None = None
    implementation: Implementation | None = None
    authority_id: int | None = None
    facility_id: int | None = None
    region: Region | None = None
    owner_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    due_soon: bool = False
    overdue: Overdue | None = None
    ageing: Ageing | None = None
    deadline: DeadlineKind | None = None  # still runs; narrows overdue, ageing and due soon
    repeat: bool = False
    ready: bool = False  # issued, implementation verified as final: ready to close
    to_approve: bool = False  # drafts the reader may approve (four-eyes)
    sort: str = DEFAULT_SORT

    def as_args(self) -> dict[str, str]:
        """The query arguments that select these rows (for export links and the audit log)."""
        names = {"text": "q", "authority_id": "authority", "facility_id": "facility",
                 "owner_id": "owner", "due_soon": "due", "to_approve": "approve"}
        args: dict[str, str] = {}
        for name, value in asdict(self).items():
            if value in (None, "", False) or (name == "sort" and value == DEFAULT_SORT):
                continue
            args[names.get(name, name)] = _arg(name, value)
        return args


def _arg(name: str, value: Any) -> str:
    if name == "due_soon":
        return "soon"
    if value is True:
        return "1"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -- the filter form --------------------------------------------------------------------------


class FlagField(BooleanField):
    """A checkbox sent as "1"; any other value is refused rather than read as ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "BooleanField"  # the form macros draw it as a checkbox

    def _value(self) -> str:
        return "1"

    def pre_validate(self, form: FlaskForm) -> None:
        if self.raw_data and self.raw_data[0] not in ("1", ""):
            self.data = False
            raise ValidationError(_l("Not a valid choice."))


def _with_any(pairs: Iterable[tuple[Any, Any]], any_label: Any = None) -> list:
    return options([("", any_label or _l("Any")), *pairs])


class RegisterFilterForm(FlaskForm):
    """The register's filters: a GET form, so no CSRF token and the URL can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Number or text"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Record"), validators=[Optional()])
    response = SelectField(_l("Addressee's response"), validators=[Optional()])
    implementation = SelectField(_l("Verified implementation"), validators=[Optional()])
    authority = SelectField(_l("Addressee"), validators=[Optional()])
    facility = SelectField(_l("Facility"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    owner = SelectField(_l("Followed up by"), validators=[Optional()])
    issued_from = DateField(_l("Issued from"), validators=[Optional()])
    issued_to = DateField(_l("Issued until"), validators=[Optional()])
    overdue = SelectField(_l("Overdue"), validators=[Optional()])
    ageing = SelectField(_l("Days overdue"), validators=[Optional()])
    due = SelectField(_l("Due soon"), validators=[Optional()])
    deadline = SelectField(_l("Running deadline"), validators=[Optional()])
    repeat = FlagField(_l("Repeat findings only"))
    ready = FlagField(_l("Ready to close only"))
    approve = FlagField(_l("Drafts I may approve only"))
    sort = HiddenField()

    def validate_issued_to(self, field: Field) -> None:
        if field.data and self.issued_from.data and field.data < self.issued_from.data:
            raise ValidationError(_l("The end of the period is before its start."))

    def set_choices(self, authorities: Iterable[Authority], facilities: Iterable[Facility],
                    regions: Iterable[tuple[str, Any]], owners: Iterable[User],
                    due_soon_days: int) -> None:
        self.status.choices = _with_any(RecordStatus.choices())
        self.response.choices = _with_any(Response.choices())
        self.implementation.choices = _with_any(Implementation.choices())
        self.authority.choices = _by_authority_type(authorities)
        self.facility.choices = _with_any([(str(f.id), f.name) for f in facilities])
        self.region.choices = _with_any(regions)
        self.owner.choices = _with_any([(str(u.id), u.full_name) for u in owners])
        self.overdue.choices = _with_any(Overdue.choices(), _l("Not filtered"))
        self.ageing.choices = _with_any(Ageing.choices(), _l("Not filtered"))
        self.due.choices = _with_any(
            [("soon", _l("Within %(num)d days", num=due_soon_days))], _l("Not filtered")
        )
        self.deadline.choices = _with_any(DeadlineKind.choices())

    def filters(self) -> RegisterFilters:
        """The valid filters; a tampered value is ignored (its message shows by the field)."""
        value = chosen_value

        return RegisterFilters(
            text=(value(self.q) or "").strip(),
            status=value(self.status, RecordStatus),
            response=value(self.response, Response),
            implementation=value(self.implementation, Implementation),
            authority_id=value(self.authority, int),
            facility_id=value(self.facility, int),
            region=value(self.region, Region),
            owner_id=value(self.owner, int),
            issued_from=value(self.issued_from),
            issued_to=value(self.issued_to),
            due_soon=value(self.due) == "soon",
            overdue=value(self.overdue, Overdue),
            ageing=value(self.ageing, Ageing),
            deadline=value(self.deadline, DeadlineKind),
            repeat=bool(value(self.repeat)),
            ready=bool(value(self.ready)),
            to_approve=bool(value(self.approve)),
            sort=self.sort.data if is_sort(self.sort.data) else DEFAULT_SORT,
        )


def _by_authority_type(authorities: Iterable[Authority]) -> list[SelectChoice]:
    """The addressees grouped by their type (ministries, police...), by name within a type."""
    ordered = sorted(authorities, key=lambda a: (list(AuthorityType).index(a.type), a.name))
    return [SelectChoice("", str(_l("Any"))), *(
        SelectChoice(str(a.id), a.name, optgroup=str(a.type.label)) for a in ordered
    )]


def _covered_region(user: User) -> Region | None:
    """The one region a region's supervisor sees (None: no such limit)."""
    return user.region if user.has_role(Role.SUPERVISOR) else None


def filter_form(user: User, args: MultiDict[str, str]) -> RegisterFilterForm:
    """The filter form read from the query string, its choices set, checked. The caseworkers
    offered are those following up recommendations the user may read, no others; a region's
    supervisor is offered their region and its facilities only."""
    form = RegisterFilterForm(args)
    owners = sa.select(User).where(User.id.in_(
        sa.select(Recommendation.owner_id).where(visible_recommendations_clause(user))
    )).order_by(User.full_name)
    facilities = sa.select(Facility).order_by(Facility.name, Facility.id)
    regions = Region.choices()
    if (region := _covered_region(user)) is not None:
        facilities = facilities.where(Facility.region == region)
        regions = [(region.value, region.label)]
    form.set_choices(
        db.session.scalars(sa.select(Authority)),
        db.session.scalars(facilities),
        regions,
        db.session.scalars(owners),
        int(current_app.config["RECOMMENDATION_DUE_SOON_DAYS"]),
    )
    form.validate()
    return form


# -- filtering and sorting --------------------------------------------------------------------


def _either(deadlines: tuple[Deadline, ...],
            clause: Callable[[Deadline], sa.ColumnElement[bool]]) -> sa.ColumnElement[bool]:
    return sa.or_(*(clause(deadline) for deadline in deadlines))


def _deadline_clauses(f: RegisterFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """Due soon, overdue and ageing, on both deadlines or on the one `f.deadline` names,
    which must still run (alone, it lists what the dashboard counts as running)."""
    chosen = (TRACKED[f.deadline],) if f.deadline else DEADLINES
    clauses = [TRACKED[f.deadline].running] if f.deadline else []
    if f.due_soon:
        clauses.append(_either(chosen, lambda d: d.due_soon(today)))
    if f.overdue is not None:
        named = chosen if f.overdue is Overdue.ANY else (TRACKED[DeadlineKind(f.overdue)],)
        clauses.append(_either(named, lambda d: d.overdue(today)))
    if (bucket := f.ageing) is not None:
        # Across both deadlines an item ages by the longer overdue period, as its row shows.
        clauses.append(TRACKED[f.deadline].ageing(today, bucket) if f.deadline
                       else longer_overdue_in(today, bucket))
    return clauses


def _filter_clauses(f: RegisterFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """Conditions on the recommendations table only, so the count needs no join."""
    r = Recommendation
    clauses = _deadline_clauses(f, today)
    if f.text:
        clauses.append(sa.or_(r.text.icontains(f.text, autoescape=True),
                              r.number.icontains(f.text, autoescape=True)))
    exact = [(r.record_status, f.status), (r.response, f.response),
             (r.implementation, f.implementation), (r.authority_id, f.authority_id),
             (r.facility_id, f.facility_id), (r.region, f.region), (r.owner_id, f.owner_id)]
    clauses.extend(column == value for column, value in exact if value is not None)
    if f.issued_from:
        clauses.append(r.issued_on >= f.issued_from)
    if f.issued_to:
        clauses.append(r.issued_on <= f.issued_to)
    if f.repeat:
        clauses.append(r.repeat_of_id.is_not(None))
    if f.ready:
        clauses.append(ready_to_close())
    return clauses


def ready_to_close() -> sa.ColumnElement[bool]:
    """Issued, and its implementation verified as final: a supervisor may close it."""
    return sa.and_(Recommendation.record_status == RecordStatus.ISSUED,
                   Recommendation.implementation.in_(FINAL_IMPLEMENTATION))


def approvable_ids(user: User, recommendations: Sequence[Recommendation]) -> set[int]:
    """Which of these the user may approve (four-eyes in full): one query for a page."""
    ids = [r.id for r in recommendations if r.record_status is RecordStatus.DRAFT]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Recommendation.id).where(
        Recommendation.id.in_(ids), awaiting_approval_by(user))))


def awaiting_approval_by(user: User) -> sa.ColumnElement[bool]:
    """Drafts the user may approve: of a region they supervise, and not of their own wording
    (four-eyes, services.authored_by)."""
    if not has_permission(user, Permission.ISSUE_RECOMMENDATION):
        return sa.false()
    return sa.and_(
        Recommendation.record_status == RecordStatus.DRAFT,
        sa.not_(services.authored_by(user)),
        sa.true() if user.region is None else Recommendation.region == user.region,
    )


def overdue_since(today: date) -> sa.ColumnElement[date | None]:
    """The earlier of the deadlines that are overdue (None when none is): the most days
    overdue, as an SQL expression the register can sort by."""
    reply_first = sa.case((REPLY.column <= IMPLEMENTATION.column, REPLY.column),
                          else_=IMPLEMENTATION.column)
    return sa.case(
        (sa.and_(REPLY.overdue(today), IMPLEMENTATION.overdue(today)), reply_first),
        (REPLY.overdue(today), REPLY.column),
        (IMPLEMENTATION.overdue(today), IMPLEMENTATION.column),
        else_=sa.null(),
    )


SORT_COLUMNS: dict[str, Callable[[date], Any]] = {
    "number": lambda _: Recommendation.number,
    "issued_on": lambda _: Recommendation.issued_on,
    "reply_due": lambda _: Recommendation.reply_due,
    "implementation_due": lambda _: Recommendation.implementation_due,
    "days_overdue": overdue_since,
    "authority": lambda _: Authority.name,
}
# More days overdue is an earlier date: the direction flips.
FLIPPED_SORTS = frozenset({"days_overdue"})


def is_sort(value: str | None) -> bool:
    return bool(value) and str(value).removeprefix("-") in SORT_COLUMNS


def _order_by(sort: str, today: date) -> list[sa.ColumnElement[Any]]:
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    column = SORT_COLUMNS[key](today)
    in_order = column.desc() if descending != (key in FLIPPED_SORTS) else column.asc()
    number, row_id = Recommendation.number, Recommendation.id
    # Rows of the same day (or addressee...) follow their numbers, then their ids (drafts).
    ties = (number.desc(), row_id.desc()) if descending else (number.asc(), row_id.asc())
    # NULLs (drafts have no dates or number) always last: SQLite and PostgreSQL disagree.
    return [in_order.nulls_last(), ties[0].nulls_last(), ties[1]]


def _visible(user: User, filters: RegisterFilters, today: date) -> list[sa.ColumnElement[bool]]:
    clauses = [visible_recommendations_clause(user), *_filter_clauses(filters, today)]
    if filters.to_approve:
        clauses.append(awaiting_approval_by(user))
    return clauses


def list_register(
    user: User, filters: RegisterFilters, page: int, today: date
) -> Page[Recommendation]:
    """One page of the register. Counting, filtering and sorting run on the recommendations
    table alone; only the page's rows are then joined to what they show."""
    where = _visible(user, filters, today)
    total = db.session.scalar(sa.select(sa.func.count(Recommendation.id)).where(*where)) or 0
    ids_query = sa.select(Recommendation.id).where(*where)
    if filters.sort.removeprefix("-") == "authority":
        ids_query = ids_query.join(Authority, Authority.id == Recommendation.authority_id)
    ids_query = ids_query.order_by(*_order_by(filters.sort, today))
    return paginate(total, page, lambda limit, offset: _rows_in_order(
        db.session.scalars(ids_query.limit(limit).offset(offset)).all()
    ))


def _rows_in_order(ids: Sequence[int]) -> list[Recommendation]:
    """The page's rows with what they show, in the order of `ids`."""
    rows = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.id.in_(ids)).options(
            joinedload(Recommendation.authority).load_only(Authority.name, Authority.parent_id),
            # The row's action links ask can(...), which looks at the case's assignments.
            joinedload(Recommendation.case).load_only(
                Case.reference, Case.region, Case.status, Case.created_by_id
            )
            .selectinload(Case.assignments),
            joinedload(Recommendation.facility).load_only(Facility.name),
            joinedload(Recommendation.owner).load_only(User.full_name),
        )
    ).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids]


def register_rows(user: User, filters: RegisterFilters, today: date) -> Iterator[sa.Row[Any]]:
    """Every filtered row in the register's order, as plain columns fetched in batches: an
    export of the whole register builds no objects (for the exports)."""
    r = Recommendation
    # Aliases keep these joins apart from the visibility clause's own subqueries on cases.
    case, owner = aliased(Case), aliased(User)
    query = (
        sa.select(
            r.id, r.number, case.reference.label("case_reference"),
            Authority.name.label("authority_name"), Facility.name.label("facility_name"),
            r.region, owner.full_name.label("owner_name"), r.record_status, r.response,
            r.implementation, r.issued_on, r.reply_due, r.implementation_due,
            overdue_since(today).label("overdue_since"), r.repeat_of_id, r.scope, r.priority,
            r.replied_on, r.text,
        )
        .join(Authority, Authority.id == r.authority_id)
        .join(owner, owner.id == r.owner_id)
        .outerjoin(case, case.id == r.case_id)
        .outerjoin(Facility, Facility.id == r.facility_id)
        .where(*_visible(user, filters, today))
        .order_by(*_order_by(filters.sort, today))
    )
    result: sa.Result[Any] = db.session.execute(query.execution_options(yield_per=1000))
    yield from result
