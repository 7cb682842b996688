"""The statistics for a period and a region: one function per table, each one or a few SQL
aggregates (GROUP BY), never rows loaded into Python, so ten years of data stay fast.

Statistics are aggregate and anonymous: every role with VIEW_STATISTICS sees every region,
whatever the regions its own work covers. A row's label is only ever the label of an enum
(type, status, channel, kind, facility type, region), a category's name or an authority's
name: never a person, an IIN or anything typed as free text.

Each figure carries the list that shows what it counts (figures.ListFilter); whether a
reader gets it as a link is decided when the page is drawn (casework/reports/links.py). A
figure whose items no list can select carries none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from casework.cases.models import Case, CaseKind, Channel, case_categories
from casework.courts.models import CourtProceeding, Decision, ProceedingKind
from casework.database import count_where
from casework.extensions import db
from casework.recommendations import deadlines
from casework.recommendations.lifecycle import Implementation, RecordStatus
from casework.recommendations.models import Recommendation, Verification
from casework.reference.models import Authority, AuthorityType, Category, Facility, FacilityType
from casework.reference.regions import Region
from casework.reports.figures import (
    CASE_LIST,
    RECOMMENDATION_REGISTER,
    VIOLATION_LIST,
    VISIT_LIST,
    Figure,
    ListFilter,
    Period,
    Row,
    counts_by,
    regions,
)
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Obstruction, ObstructionKind, Visit, VisitStatus, VisitType


def grant_rate(granted: int, refused: int) -> float | None:
    """Granted / (granted + refused); postponed decisions are not decisions on the merits.
    None when the courts decided nothing either way."""
    decided = granted + refused
    return granted / decided if decided else None


# -- visits -----------------------------------------------------------------------------------


def _visits_where(period: Period, region: Region | None) -> list[sa.ColumnElement[bool]]:
    where = [period.holds(Visit.starts_on), Visit.status != VisitStatus.CANCELLED]
    if region is not None:
        where.append(Visit.region == region)
    return where


def _visit_list(period: Period, region: Region | None, **args: Any) -> ListFilter:
    return ListFilter.of(VISIT_LIST, region=region, starts_from=period.start,
                         starts_to=period.end, **args)


def visits_by_type(period: Period, region: Region | None = None) -> list[Row]:
    """Visits that started in the period (by their first day), cancelled ones left out, by
    type; and how many of them were unannounced. Every type has a row."""
    counts = counts_by(
        Visit.type, _visits_where(period, region), sa.func.count(),
        count_where(sa.not_(Visit.is_announced)),
    )
    return [
        Row(kind.label, (
            Figure(counts.get(kind, (0, 0))[0], _visit_list(period, region, type=kind)),
            Figure(counts.get(kind, (0, 0))[1],
                   _visit_list(period, region, type=kind, announced="no")),
        ))
        for kind in VisitType
    ]


def visits_by_region(period: Period, region: Region | None = None) -> list[Row]:
    """Visits that started in the period, cancelled ones left out, by the facility's region;
    every region has a row (only the chosen one when a region is chosen)."""
    counts = counts_by(Visit.region, _visits_where(period, region), sa.func.count())
    return [
        Row(each.label, (Figure(counts.get(each, (0,))[0], _visit_list(period, each)),))
        for each in regions(region)
    ]


def _obstructions_where(period: Period, region: Region | None) -> list[sa.ColumnElement[bool]]:
    # Whatever became of the visit: access denied may be why a visit was cut short, and an
    # obstruction recorded must never drop out of the figures because of it.
    where = [period.holds(Visit.starts_on)]
    if region is not None:
        where.append(Visit.region == region)
    return where


def obstruction_by_kind(period: Period, region: Region | None = None) -> list[Row]:
    """Obstruction incidents recorded on visits that started in the period (any visit status),
    by kind, and how many visits had at least one of that kind. No list selects visits by
    obstruction, so these figures link nowhere."""
    rows = db.session.execute(
        sa.select(Obstruction.kind, sa.func.count(),
                  sa.func.count(sa.distinct(Obstruction.visit_id)))
        .join(Visit, Visit.id == Obstruction.visit_id)
        .where(*_obstructions_where(period, region))
        .group_by(Obstruction.kind)
    ).all()
    counts = {kind: (incidents, visits) for kind, incidents, visits in rows}
    return [
        Row(kind.label, (Figure(counts.get(kind, (0, 0))[0]), Figure(counts.get(kind, (0, 0))[1])))
        for kind in ObstructionKind
    ]


def obstructed_visits(period: Period, region: Region | None = None) -> int:
    """Visits that started in the period with at least one obstruction of any kind."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Obstruction.visit_id)))
        .join(Visit, Visit.id == Obstruction.visit_id)
        .where(*_obstructions_where(period, region))
    ) or 0


# -- violations -------------------------------------------------------------------------------


def _violations_where(period: Period, region: Region | None) -> list[sa.ColumnElement[bool]]:
    where = [period.holds(Violation.found_on)]
    if region is not None:
        where.append(Violation.region == region)
    return where


def _violation_list(period: Period, region: Region | None, **args: Any) -> ListFilter:
    return ListFilter.of(VIOLATION_LIST, region=region, found_from=period.start,
                         found_to=period.end, **args)


_SUBSTANTIATED = Violation.status == ViolationStatus.SUBSTANTIATED


def violations_by_category(period: Period, region: Region | None = None) -> list[Row]:
    """Violations found in the period (by the date found, whatever their status now), by
    category, most frequent first; and how many of them are substantiated. Categories with
    none found have no row."""
    counts = counts_by(Violation.category_id, _violations_where(period, region),
                        sa.func.count(), count_where(_SUBSTANTIATED))
    substantiated = ViolationStatus.SUBSTANTIATED
    return _category_rows(counts, lambda key, found: (
        Figure(found[0], _violation_list(period, region, category_id=key)),
        Figure(found[1], _violation_list(period, region, category_id=key,
                                         status=substantiated)),
    ))


def _category_rows(
    counts: dict[Any, tuple[int, ...]],
    figures: Callable[[int, tuple[int, ...]], tuple[Figure, ...]],
) -> list[Row]:
    """Rows for categories by id, the most frequent first, then in the categories' order; the
    names in the reader's language."""
    categories = {c.id: c for c in db.session.scalars(
        sa.select(Category).where(Category.id.in_(counts)))}
    order = sorted(counts, key=lambda key: (-counts[key][0], categories[key].position,
                                            categories[key].name))
    return [Row(categories[key].name, figures(key, counts[key])) for key in order]


def violations_by_facility_type(period: Period, region: Region | None = None) -> list[Row]:
    """Violations found in the period, by the type of the facility where they were found, and
    how many are substantiated. Every type has a row; violations recorded without a facility
    get a row of their own (which no list filter selects) when there are any."""
    counts = counts_by(
        Facility.type, _violations_where(period, region), sa.func.count(),
        count_where(_SUBSTANTIATED),
        base=Violation, joins=[(Facility, Facility.id == Violation.facility_id)],
    )
    substantiated = ViolationStatus.SUBSTANTIATED
    rows = [
        Row(kind.label, (
            Figure(counts.get(kind, (0, 0))[0],
                   _violation_list(period, region, facility_type=kind)),
            Figure(counts.get(kind, (0, 0))[1],
                   _violation_list(period, region, facility_type=kind, status=substantiated)),
        ))
        for kind in FacilityType
    ]
    if None in counts:
        found, proven = counts[None]
        rows.append(Row(_("No facility recorded"), (Figure(found), Figure(proven))))
    return rows


# -- recommendations --------------------------------------------------------------------------


def _register(region: Region | None, **args: Any) -> ListFilter:
    return ListFilter.of(RECOMMENDATION_REGISTER, region=region, **args)


@dataclass(frozen=True)
class _RecommendationCounts:
    """The four recommendation figures by a key: {key: count} each."""

    issued: dict[Any, int]
    implemented: dict[Any, int]
    implemented_in_period: dict[Any, int]
    overdue: dict[Any, int]

    @property
    def keys(self) -> set[Any]:
        return set(self.issued) | set(self.implemented_in_period) | set(self.overdue)

    def figures(self, key: Any) -> tuple[int, int, int, int]:
        return (self.issued.get(key, 0), self.implemented.get(key, 0),
                self.implemented_in_period.get(key, 0), self.overdue.get(key, 0))


def _recommendation_counts(
    period: Period, region: Region | None, as_of: date, key: Any,
    joins: Sequence[tuple[Any, sa.ColumnElement[bool]]] = (),
) -> _RecommendationCounts:
    in_region = [Recommendation.region == region] if region is not None else []
    issued = counts_by(
        key, [period.holds(Recommendation.issued_on), *in_region],
        sa.func.count(), count_where(Recommendation.implementation == Implementation.IMPLEMENTED),
        base=Recommendation, joins=joins,
    )
    implemented_in_period = counts_by(
        key,
        [Verification.result == Implementation.IMPLEMENTED,
         period.holds(Verification.verified_on), *in_region],
        sa.func.count(sa.distinct(Recommendation.id)),
        base=Recommendation,
        joins=[(Verification, Verification.recommendation_id == Recommendation.id), *joins],
    )
    overdue = counts_by(
        key,
        # Only issued records run deadlines: saying so lets the planner use its index.
        [Recommendation.record_status == RecordStatus.ISSUED, deadlines.overdue(as_of),
         *in_region],
        sa.func.count(), base=Recommendation, joins=joins,
    )
    return _RecommendationCounts(
        issued={k: v[0] for k, v in issued.items()},
        implemented={k: v[1] for k, v in issued.items()},
        implemented_in_period={k: v[0] for k, v in implemented_in_period.items()},
        overdue={k: v[0] for k, v in overdue.items()},
    )


def recommendations_by_authority(
    period: Period, region: Region | None = None, *, today: date
) -> list[Row]:
    """Per addressee authority, four figures:

    - issued: recommendations whose issue date is in the period, whatever became of them
      (withdrawn ones too: they were issued);
    - implemented: of those, the ones the office has verified as implemented (by today; what
      an authority claims in a reply does not count);
    - implemented in the period: verifications dated in the period that found a
      recommendation implemented, whenever it was issued (no list filters by that date);
    - overdue: overdue as deadlines.py defines it, as of the period's last day, or today while
      the period runs. For a past day that reads "a deadline had passed by then and the item
      is still not settled today": what was settled since is no longer counted. The register
      lists overdue items as of today only, so only that figure links.

    Authorities with none of the four have no row; the most recommendations first.
    """
    as_of = period.as_of(today)
    counts = _recommendation_counts(period, region, as_of, Recommendation.authority_id)
    names = dict(db.session.execute(
        sa.select(Authority.id, Authority.name).where(Authority.id.in_(counts.keys))).all())
    issued_args = {"issued_from": period.start, "issued_to": period.end}

    def row(key: int) -> Row:
        issued, implemented, implemented_in_period, overdue = counts.figures(key)
        return Row(names[key], (
            Figure(issued, _register(region, authority=key, **issued_args)),
            Figure(implemented, _register(
                region, authority=key, implementation=Implementation.IMPLEMENTED,
                **issued_args)),
            Figure(implemented_in_period),
            Figure(overdue,
                   _register(region, authority=key, overdue="any") if as_of == today else None),
        ))

    order = sorted(counts.keys, key=lambda key: (
        -counts.issued.get(key, 0), -counts.overdue.get(key, 0), names[key], key))
    return [row(key) for key in order]


def recommendations_by_authority_type(
    period: Period, region: Region | None = None, *, today: date
) -> list[Row]:
    """The same four figures by the type of the addressee (ministries, prosecutors, police,
    facility administrations...): every type has a row. The register filters by one
    authority, not by a type, so these figures link nowhere."""
    counts = _recommendation_counts(
        period, region, period.as_of(today), Authority.type,
        joins=[(Authority, Authority.id == Recommendation.authority_id)],
    )
    return [Row(kind.label, tuple(Figure(value) for value in counts.figures(kind)))
            for kind in AuthorityType]


# -- complaints -------------------------------------------------------------------------------


def _complaints_where(period: Period, region: Region | None) -> list[sa.ColumnElement[bool]]:
    where = [Case.kind == CaseKind.COMPLAINT, period.holds(Case.received_on)]
    if region is not None:
        where.append(Case.region == region)
    return where


def _complaint_list(period: Period, region: Region | None, **args: Any) -> ListFilter:
    return ListFilter.of(CASE_LIST, kind=CaseKind.COMPLAINT, region=region,
                         received_from=period.start, received_to=period.end, **args)


def complaints_by_category(period: Period, region: Region | None = None) -> list[Row]:
    """Complaints (cases of kind complaint) received in the period, by category, most
    frequent first. A complaint with several categories counts once in each, so the rows add
    up to more than the complaints; those without a category have a row of their own (which
    no list filter selects) when there are any."""
    counts = counts_by(
        case_categories.c.category_id, _complaints_where(period, region),
        sa.func.count(sa.distinct(Case.id)),
        base=Case, joins=[(case_categories, case_categories.c.case_id == Case.id)],
    )
    uncategorised = counts.pop(None, (0,))[0]
    rows = _category_rows(counts, lambda key, found: (
        Figure(found[0], _complaint_list(period, region, category=key)),))
    if uncategorised:
        rows.append(Row(_("No category recorded"), (Figure(uncategorised),)))
    return rows


def complaints_by_channel(period: Period, region: Region | None = None) -> list[Row]:
    """Complaints received in the period, by intake channel; every channel has a row, and
    the rows add up to all complaints received."""
    counts = counts_by(Case.channel, _complaints_where(period, region), sa.func.count())
    return [
        Row(channel.label, (Figure(counts.get(channel, (0,))[0],
                                   _complaint_list(period, region, channel=channel)),))
        for channel in Channel
    ]


def complaints_by_region(period: Period, region: Region | None = None) -> list[Row]:
    """Complaints received in the period, by the case's region; every region has a row (only
    the chosen one when a region is chosen)."""
    counts = counts_by(Case.region, _complaints_where(period, region), sa.func.count())
    return [
        Row(each.label, (Figure(counts.get(each, (0,))[0], _complaint_list(period, each)),))
        for each in regions(region)
    ]


# -- parole -----------------------------------------------------------------------------------


def _parole_where(period: Period, region: Region | None) -> list[sa.ColumnElement[bool]]:
    where = [CourtProceeding.kind == ProceedingKind.PAROLE,
             period.holds(CourtProceeding.decided_on)]
    if region is not None:
        where.append(CourtProceeding.region == region)
    return where


def _decision_counts() -> list[sa.ColumnElement[int]]:
    return [count_where(CourtProceeding.decision == decision) for decision in Decision]


def parole_decisions(period: Period, region: Region | None = None) -> list[Row]:
    """Parole petitions the courts decided in the period (by the decision's date), by
    decision: granted, refused, postponed. No list shows court decisions, so these figures
    link nowhere (a parole follow-up case may hold several petitions)."""
    counts = counts_by(CourtProceeding.decision, _parole_where(period, region),
                        sa.func.count())
    return [Row(decision.label, (Figure(counts.get(decision, (0,))[0]),))
            for decision in Decision]


def parole_by_region(period: Period, region: Region | None = None) -> list[Row]:
    """Per region with a parole decision in the period: granted, refused, postponed, and the
    grant rate, granted / (granted + refused)."""
    counts = counts_by(CourtProceeding.region, _parole_where(period, region),
                        *_decision_counts())
    return [
        Row(each.label, (
            *(Figure(value) for value in counts[each]),
            Figure(grant_rate(counts[each][0], counts[each][1])),
        ))
        for each in regions(region) if each in counts
    ]


def parole_petitions_filed(period: Period, region: Region | None = None) -> int:
    """Parole petitions filed in the period (by the petition's date), decided or not."""
    where = [period.holds(CourtProceeding.petition_on)]
    if region is not None:
        where.append(CourtProceeding.region == region)
    # The kind is counted, not filtered on: as a condition, SQLite would read every parole
    # petition of all years through the (kind, decided_on) index instead of the dates'.
    return db.session.scalar(
        sa.select(count_where(CourtProceeding.kind == ProceedingKind.PAROLE)).where(*where)
    ) or 0
