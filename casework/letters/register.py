"""The correspondence register: the signed letters (исх. №) and the incoming documents (вх. №)
a user may read, filtered, sorted and paged, the same rows for the exports, and the lookups
that link an incoming document to what it answers.

Every row is scoped in SQL by the rules permissions.can_read_letter states in Python.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import InstrumentedAttribute, aliased, joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.models import Case
from casework.extensions import db
from casework.labels import LabelledEnum
from casework.letters.models import (
    FROZEN_STATUSES,
    IncomingDocument,
    IncomingKind,
    Letter,
    LetterKind,
)
from casework.paging import Page, paginate
from casework.permissions import (
    Permission,
    has_permission,
    identity_cases_clause,
    visible_cases_clause,
    visible_recommendations_clause,
)
from casework.recommendations.exports import Column, EnumLabels, Row
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority
from casework.reference.regions import Region

M = TypeVar("M", Letter, IncomingDocument)
Attribute = InstrumentedAttribute
Sortable = sa.ColumnElement[Any] | InstrumentedAttribute[Any]
EXPECTING_RESPONSE = tuple(kind for kind in LetterKind if kind.expects_response)


class Register(LabelledEnum):
    """The register's two tabs."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"

    @classmethod
    def _labels(cls):
        return {"outgoing": _l("Outgoing letters"), "incoming": _l("Incoming documents")}


# -- who reads what ---------------------------------------------------------------------------


def _supervised(user: User, region: Attribute[Region]) -> sa.ColumnElement[bool]:
    if not user.has_role(Role.SUPERVISOR):
        return sa.false()
    return sa.true() if user.region is None else region == user.region


def _readable(user: User, model: type[Letter] | type[IncomingDocument]
              ) -> sa.ColumnElement[bool]:
    """The SQL counterpart of permissions.can_read_letter: about a case, where the user may
    see identities in it or follows its recommendation up; otherwise its region's supervisor
    and whoever reads its recommendation."""
    followed_up = (
        model.recommendation_id.in_(
            sa.select(Recommendation.id).where(Recommendation.owner_id == user.id))
        if user.has_role(Role.CASEWORKER) else sa.false()
    )
    return sa.or_(
        model.case_id.in_(sa.select(Case.id).where(identity_cases_clause(user))),
        sa.and_(model.case_id.is_not(None), followed_up),
        sa.and_(
            model.case_id.is_(None),
            sa.or_(
                _supervised(user, model.region),
                model.recommendation_id.in_(
                    sa.select(Recommendation.id).where(visible_recommendations_clause(user))
                ),
            ),
        ),
    )


def visible_letters_clause(user: User) -> sa.ColumnElement[bool]:
    if not has_permission(user, Permission.READ_LETTER):
        return sa.false()
    if user.has_role(Role.SUPERVISOR) and user.region is None:
        return sa.true()  # the whole country, identities included
    return _readable(user, Letter)


def visible_incoming_clause(user: User) -> sa.ColumnElement[bool]:
    """Also, without a case, whoever reads the letter it answers."""
    if not has_permission(user, Permission.READ_LETTER):
        return sa.false()
    return sa.or_(
        _readable(user, IncomingDocument),
        sa.and_(
            IncomingDocument.case_id.is_(None),
            IncomingDocument.letter_id.in_(
                sa.select(Letter.id).where(visible_letters_clause(user))),
        ),
    )


@dataclass(frozen=True)
class Readable:
    """Which of a page's linked objects the reader may open: one query per kind of object,
    instead of a permission check (and its lazy loads) per row."""

    cases: frozenset[int] = frozenset()
    letters: frozenset[int] = frozenset()
    recommendations: frozenset[int] = frozenset()


def _readable_ids(column: Attribute[int], clause: sa.ColumnElement[bool],
                  ids: Collection[int | None]) -> frozenset[int]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return frozenset()
    return frozenset(db.session.scalars(sa.select(column).where(column.in_(wanted), clause)))


def readable_links(user: User, rows: Sequence[Letter] | Sequence[IncomingDocument]
                   ) -> Readable:
    incoming = [row for row in rows if isinstance(row, IncomingDocument)]
    return Readable(
        cases=_readable_ids(Case.id, visible_cases_clause(user), [r.case_id for r in rows]),
        letters=_readable_ids(Letter.id, visible_letters_clause(user),
                              [r.letter_id for r in incoming]),
        recommendations=_readable_ids(
            Recommendation.id, visible_recommendations_clause(user),
            [r.recommendation_id for r in incoming],
        ),
    )


# -- the filters ------------------------------------------------------------------------------

ARG_NAMES = {"text": "q", "authority_id": "authority", "case_reference": "case",
             "signer_id": "signer"}


@dataclass(frozen=True)
class _Filters:
    register: ClassVar[Register]
    default_sort: ClassVar[str]

    text: str = ""
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    authority_id: int | None = None
    case_reference: str = ""

    def as_args(self) -> dict[str, str]:
        """The query arguments that select these rows (for export links and the audit log)."""
        args = {} if self.register is Register.OUTGOING else {"register": self.register.value}
        for name, value in asdict(self).items():
            if value in (None, "", False) or (name == "sort" and value == self.default_sort):
                continue
            args[ARG_NAMES.get(name, name)] = (
                "1" if value is True else value.isoformat() if isinstance(value, date)
                else str(value)
            )
        return args

    def period_clauses(self, column: Attribute[Any]) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.year is not None:
            clauses.append(column.between(date(self.year, 1, 1), date(self.year, 12, 31)))
        if self.date_from is not None:
            clauses.append(column >= self.date_from)
        if self.date_to is not None:
            clauses.append(column <= self.date_to)
        return clauses

    def case_clause(self, column: Attribute[int | None]) -> list[sa.ColumnElement[bool]]:
        # A subquery, not a join: the count and the page then read one table.
        if not self.case_reference:
            return []
        return [column.in_(sa.select(Case.id).where(Case.reference == self.case_reference))]


@dataclass(frozen=True)
class LetterFilters(_Filters):
    register = Register.OUTGOING
    default_sort = "-dated"

    kind: LetterKind | None = None
    region: Region | None = None
    signer_id: int | None = None
    awaiting: bool = False
    overdue: bool = False
    sort: str = "-dated"


@dataclass(frozen=True)
class IncomingFilters(_Filters):
    register = Register.INCOMING
    default_sort = "-received_on"

    kind: IncomingKind | None = None
    sort: str = "-received_on"


def awaiting_response() -> sa.ColumnElement[bool]:
    """A letter that expects a reply by a date and has none yet. A superseded letter waits no
    more: its correction carries the expectation, and counting both would count it twice."""
    return sa.and_(
        Letter.kind.in_(EXPECTING_RESPONSE),
        Letter.response_due.is_not(None),
        Letter.response_received_on.is_(None),
        Letter.superseded_by_id.is_(None),
    )


def response_overdue(today: date) -> sa.ColumnElement[bool]:
    return sa.and_(awaiting_response(), Letter.response_due < today)


def _letter_clauses(user: User, f: LetterFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """Conditions on the letters table only, so the count needs no join."""
    clauses = [Letter.status.in_(FROZEN_STATUSES), visible_letters_clause(user),
               *f.period_clauses(Letter.dated), *f.case_clause(Letter.case_id)]
    if f.text:
        clauses.append(sa.or_(*(column.icontains(f.text, autoescape=True) for column in (
            Letter.number, Letter.subject, Letter.addressee_block))))
    exact = [(Letter.kind, f.kind), (Letter.authority_id, f.authority_id),
             (Letter.region, f.region), (Letter.signed_by_id, f.signer_id)]
    clauses.extend(column == value for column, value in exact if value is not None)
    if f.awaiting:
        clauses.append(awaiting_response())
    if f.overdue:
        clauses.append(response_overdue(today))
    return clauses


def _incoming_clauses(user: User, f: IncomingFilters) -> list[sa.ColumnElement[bool]]:
    d = IncomingDocument
    clauses = [visible_incoming_clause(user), *f.period_clauses(d.received_on),
               *f.case_clause(d.case_id)]
    if f.text:
        clauses.append(sa.or_(*(column.icontains(f.text, autoescape=True) for column in (
            d.number, d.their_number, d.sender, d.summary))))
    exact = [(d.kind, f.kind), (d.authority_id, f.authority_id)]
    clauses.extend(column == value for column, value in exact if value is not None)
    return clauses


# -- sorting ----------------------------------------------------------------------------------

# Sorting by number follows the register, not the text: "00002-2026" comes before
# "00001-2027". Letters are numbered as they are signed; an incoming document in the year it
# arrived, as it is entered.
LETTER_SORTS: dict[str, tuple[Sortable, ...]] = {
    "dated": (Letter.dated, Letter.signed_at, Letter.id),
    "number": (Letter.signed_at, Letter.id),
}
INCOMING_SORTS: dict[str, tuple[Sortable, ...]] = {
    "received_on": (IncomingDocument.received_on, IncomingDocument.id),
    "number": (sa.extract("year", IncomingDocument.received_on), IncomingDocument.id),
}


def is_sort(value: str | None, sorts: Collection[str]) -> bool:
    return bool(value) and str(value).removeprefix("-") in sorts


def _order_by(sort: str, sorts: dict[str, tuple[Sortable, ...]]) -> list[sa.ColumnElement[Any]]:
    columns = sorts[sort.removeprefix("-")]
    return [c.desc() if sort.startswith("-") else c.asc() for c in columns]


# -- the pages --------------------------------------------------------------------------------


def _page(model: type[M], where: list[sa.ColumnElement[bool]],
          order_by: list[sa.ColumnElement[Any]], page: int,
          options: Sequence[LoaderOption]) -> Page[M]:
    """Count, filter and sort on the model's table alone; only the page's rows are then
    loaded with what they show."""
    total = db.session.scalar(sa.select(sa.func.count(model.id)).where(*where)) or 0
    ids_query = sa.select(model.id).where(*where).order_by(*order_by)

    def fetch(limit: int, offset: int) -> list[M]:
        ids = db.session.scalars(ids_query.limit(limit).offset(offset)).all()
        rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))
        by_id = {row.id: row for row in rows.unique()}
        return [by_id[i] for i in ids]

    return paginate(total, page, fetch)


def list_letters(user: User, filters: LetterFilters, page: int, today: date) -> Page[Letter]:
    return _page(Letter, _letter_clauses(user, filters, today),
                 _order_by(filters.sort, LETTER_SORTS), page, [
                     joinedload(Letter.case).load_only(Case.reference),
                     joinedload(Letter.signed_by).load_only(User.full_name),
                     selectinload(Letter.superseded_by).load_only(Letter.number),
                 ])


def list_incoming(user: User, filters: IncomingFilters, page: int) -> Page[IncomingDocument]:
    d = IncomingDocument
    return _page(d, _incoming_clauses(user, filters), _order_by(filters.sort, INCOMING_SORTS),
                 page, [
                     joinedload(d.authority).load_only(Authority.name),
                     joinedload(d.case).load_only(Case.reference),
                     joinedload(d.letter).load_only(Letter.number),
                     joinedload(d.recommendation).load_only(Recommendation.number),
                 ])


# -- the exports ------------------------------------------------------------------------------


def _stream(query: sa.Executable) -> Iterator[Row]:
    """Plain columns fetched in batches: an export of the whole register builds no objects."""
    yield from db.session.execute(query.execution_options(yield_per=1000))


def letter_rows(user: User, filters: LetterFilters, today: date) -> Iterator[Row]:
    """Every filtered letter in the register's order (for the exports)."""
    # Aliases keep these joins apart from the visibility clause's own subqueries.
    case, signer, replacement = aliased(Case), aliased(User), aliased(Letter)
    return _stream(
        sa.select(
            Letter.number, Letter.dated, Letter.kind, Letter.addressee_block, Letter.person_id,
            case.reference.label("case_reference"), Letter.region, Letter.subject,
            signer.full_name.label("signer_name"), Letter.status, Letter.sent_on,
            replacement.number.label("superseded_by"), Letter.response_due,
            Letter.response_received_on,
        )
        .join(signer, signer.id == Letter.signed_by_id)
        .outerjoin(case, case.id == Letter.case_id)
        .outerjoin(replacement, replacement.id == Letter.superseded_by_id)
        .where(*_letter_clauses(user, filters, today))
        .order_by(*_order_by(filters.sort, LETTER_SORTS))
    )


def incoming_rows(user: User, filters: IncomingFilters) -> Iterator[Row]:
    """Every filtered incoming document in the register's order (for the exports)."""
    d = IncomingDocument
    case, letter = aliased(Case), aliased(Letter)
    return _stream(
        sa.select(
            d.number, d.received_on, d.kind,
            sa.func.coalesce(Authority.name, d.sender).label("sender_name"),
            d.their_number, d.their_date, letter.number.label("letter_number"),
            Recommendation.number.label("recommendation_number"),
            case.reference.label("case_reference"), d.region, d.summary,
        )
        .outerjoin(Authority, Authority.id == d.authority_id)
        .outerjoin(letter, letter.id == d.letter_id)
        .outerjoin(Recommendation, Recommendation.id == d.recommendation_id)
        .outerjoin(case, case.id == d.case_id)
        .where(*_incoming_clauses(user, filters))
        .order_by(*_order_by(filters.sort, INCOMING_SORTS))
    )


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def _export_addressee(row: Row) -> str:
    """An export never carries a person's name: a letter to a person of the case says so."""
    return str(_l("A person of the case")) if row.person_id else first_line(row.addressee_block)


def letter_columns() -> tuple[Column, ...]:
    """The outgoing register's columns, then the subject and dispatch the table leaves out."""
    label = EnumLabels()
    return (
        Column(_l("Outgoing No."), lambda r: r.number, 14),
        Column(_l("Date"), lambda r: r.dated, 12),
        Column(_l("Kind"), lambda r: label(r.kind), 24),
        Column(_l("Addressee"), _export_addressee, 40),
        Column(_l("Case"), lambda r: r.case_reference or "", 12),
        Column(_l("Region"), lambda r: label(r.region), 20),
        Column(_l("Signed by"), lambda r: r.signer_name, 24),
        Column(_l("Response due"), lambda r: r.response_due, 12),
        Column(_l("Response received"), lambda r: r.response_received_on, 12),
        Column(_l("Status"), lambda r: label(r.status), 12),
        Column(_l("Superseded by"), lambda r: r.superseded_by or "", 14),
        Column(_l("Sent on"), lambda r: r.sent_on, 12),
        Column(_l("Subject"), lambda r: r.subject, 60),
    )


def incoming_columns() -> tuple[Column, ...]:
    label = EnumLabels()
    return (
        Column(_l("Incoming No."), lambda r: r.number, 16),
        Column(_l("Received on"), lambda r: r.received_on, 12),
        Column(_l("Kind"), lambda r: label(r.kind), 22),
        Column(_l("Sender"), lambda r: r.sender_name, 40),
        Column(_l("Their No."), lambda r: r.their_number, 14),
        Column(_l("Their date"), lambda r: r.their_date, 12),
        Column(_l("Answers letter"), lambda r: r.letter_number or "", 14),
        Column(_l("Answers recommendation"), lambda r: r.recommendation_number or "", 16),
        Column(_l("Case"), lambda r: r.case_reference or "", 12),
        Column(_l("Region"), lambda r: label(r.region), 20),
        Column(_l("Summary"), lambda r: r.summary, 80),
    )


# -- what an incoming document answers --------------------------------------------------------


def signed_letter_numbered(user: User, number: str) -> Letter | None:
    """The signed letter with this outgoing number, if the user may read it."""
    return db.session.scalar(sa.select(Letter).where(
        Letter.number == number.strip(), Letter.status.in_(FROZEN_STATUSES),
        visible_letters_clause(user),
    ))


def recommendation_numbered(user: User, number: str) -> Recommendation | None:
    return db.session.scalar(sa.select(Recommendation).where(
        Recommendation.number == number.strip(), visible_recommendations_clause(user),
    ))


def case_with_reference(user: User, reference: str) -> Case | None:
    return db.session.scalar(sa.select(Case).where(
        Case.reference == reference.strip(), visible_cases_clause(user),
    ))


def letter_number_example(today: date) -> str:
    """How an outgoing number looks this year in the office's format (for a hint)."""
    return str(current_app.config["LETTER_NUMBER_FORMAT"].format(year=today.year, sequence=12))


def years_on_record(column: sa.ColumnElement[date | None], today: date) -> list[int]:
    """The years from the register's first entry to this one, newest first (the year filter)."""
    first = db.session.scalar(sa.select(sa.func.min(column)))
    return list(range(today.year, min(first.year if first else today.year, today.year) - 1, -1))


# -- either tab -------------------------------------------------------------------------------

Filters = LetterFilters | IncomingFilters


def list_register(user: User, filters: Filters, page: int,
                  today: date) -> Page[Letter] | Page[IncomingDocument]:
    if isinstance(filters, IncomingFilters):
        return list_incoming(user, filters, page)
    return list_letters(user, filters, page, today)


def export_table(user: User, filters: Filters,
                 today: date) -> tuple[Iterator[Row], tuple[Column, ...]]:
    """The tab's rows and columns for an export."""
    if isinstance(filters, IncomingFilters):
        return incoming_rows(user, filters), incoming_columns()
    return letter_rows(user, filters, today), letter_columns()


def is_response_overdue(letter: Letter, today: date) -> bool:
    """The Python counterpart of response_overdue(), for a row of the page."""
    return (letter.kind.expects_response and letter.response_due is not None
            and letter.response_received_on is None and letter.superseded_by_id is None
            and letter.response_due < today)
