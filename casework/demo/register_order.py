"""One register for the demo's case and visit recommendations: numbers in issue order across
both, and repeat findings flagged as services.find_repeat_of would have at each issue.

The case recommendations are numbered (and flushed) first; the visit recommendations are
issued on days in between. Both are renumbered together, the counter advanced by the visit
recommendations' count, and the case timelines' events carry the new numbers.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from casework.cases.deadlines import add_months
from casework.cases.models import EventKind
from casework.demo.cases import Story
from casework.demo.recommendation_records import office_day
from casework.demo.visit_recommendations import VisitPlan
from casework.extensions import db
from casework.numbering import ReferenceCounter, next_number
from casework.recommendations.models import Recommendation

Issued = tuple[datetime, Recommendation]
Key = tuple[str, int]  # a record: its id once stored, the object's identity before


def number_together(stories: list[Story], case_recommendations: list[Recommendation],
                    plans: list[VisitPlan]) -> None:
    """Number every issued recommendation in issue order, and flag repeats across both."""
    issued_at, withdrawn_at = _case_moments(stories)
    cases = sorted(((issued_at[r.id], r) for r in case_recommendations if r.number),
                   key=lambda pair: (pair[0], pair[1].number or ""))
    visits = [(at, plan.recommendation) for plan in plans if (at := plan.at("issue"))]
    for plan in plans:
        if (at := plan.at("withdraw") or plan.at("discard")) is not None:
            withdrawn_at[_key(plan.recommendation)] = at
    before = _given_before(Counter(office_day(at).year for at, _r in cases))
    _count_in_register(Counter(office_day(at).year for at, _r in visits))
    ordered = sorted([*cases, *visits], key=lambda pair: pair[0])
    numbers = _numbers(ordered, before)
    _renumber_case_recommendations(stories, cases, numbers)
    for _at, recommendation in visits:
        recommendation.number = numbers[id(recommendation)]
    _flag_repeats(ordered, withdrawn_at)


def _given_before(per_year: Counter[int]) -> Counter[int]:
    """The numbers each year's series had given before this run's case recommendations."""
    table = cast(sa.Table, ReferenceCounter.__table__)
    counters = dict(db.session.execute(sa.select(table.c.year, table.c.value).where(
        table.c.kind == "recommendation")).all())
    return Counter({year: value - per_year[year] for year, value in counters.items()})


def _count_in_register(per_year: Counter[int]) -> None:
    """Advance the register's counter by the visit recommendations of each year."""
    table = cast(sa.Table, ReferenceCounter.__table__)
    for year, count in per_year.items():
        next_number("recommendation", year)  # the year's counter row exists from here on
        db.session.execute(sa.update(table).where(
            table.c.kind == "recommendation", table.c.year == year,
        ).values(value=table.c.value + count - 1))


def _case_moments(stories: list[Story]) -> tuple[dict[int, datetime], dict[Key, datetime]]:
    """When each case recommendation was issued and withdrawn, from its case's timeline."""
    issued: dict[int, datetime] = {}
    withdrawn: dict[Key, datetime] = {}
    for story in stories:
        for at, kind, _actor, details, _audited in story.happenings:
            if kind is EventKind.RECOMMENDATION and details["step"] == "issue":
                issued[details["recommendation_id"]] = at
            elif kind is EventKind.RECOMMENDATION and details["step"] == "withdraw":
                withdrawn["stored", details["recommendation_id"]] = at
    return issued, withdrawn


def _key(recommendation: Recommendation) -> Key:
    if recommendation.id is not None:
        return "stored", recommendation.id
    return "new", id(recommendation)


def _numbers(ordered: list[Issued], before: Counter[int]) -> dict[int, str]:
    """The register number of each (by id of the object), per year in issue order, after
    those given before."""
    seen = Counter(before)
    numbers: dict[int, str] = {}
    for at, recommendation in ordered:
        year = office_day(at).year
        seen[year] += 1
        numbers[id(recommendation)] = f"R-{year}-{seen[year]:05d}"
    return numbers


def _renumber_case_recommendations(stories: list[Story], cases: list[Issued],
                                   numbers: dict[int, str]) -> None:
    """Each case recommendation's number only grows: updated from the highest down, no two
    records hold one number at any moment."""
    moved = [(r, numbers[id(r)]) for _at, r in cases if numbers[id(r)] != r.number]
    moved.sort(key=lambda pair: pair[0].number or "", reverse=True)
    if moved:
        table = cast(sa.Table, Recommendation.__table__)
        db.session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("rid"))
            .values(number=sa.bindparam("new_number")),
            [{"rid": r.id, "new_number": number} for r, number in moved],
        )
    by_id = {r.id: number for r, number in moved}
    for r, number in moved:
        set_committed_value(r, "number", number)
    for story in stories:
        for _at, kind, _actor, details, _audited in story.happenings:
            if kind is EventKind.RECOMMENDATION and details.get("number"):
                details["number"] = by_id.get(details["recommendation_id"], details["number"])


def _flag_repeats(ordered: list[Issued], withdrawn_at: dict[Key, datetime]) -> None:
    """The latest earlier record on the same facility and category within the window, from
    another case or visit, not withdrawn by then."""
    months = int(current_app.config["REPEAT_FINDING_MONTHS"])
    earlier: dict[tuple[int, int], list[Issued]] = {}
    changed = []
    for at, recommendation in ordered:
        facility, category = recommendation.facility, recommendation.category
        if facility is None or category is None:
            continue
        day = office_day(at)
        same = earlier.setdefault((facility.id, category.id), [])
        repeat_of = next(
            (other for other_at, other in reversed(same)
             if office_day(other_at) >= add_months(day, -months)
             and _finding(other) != _finding(recommendation)
             and not (_key(other) in withdrawn_at and withdrawn_at[_key(other)] < at)),
            None)
        if recommendation.case_id is None:
            recommendation.repeat_of = repeat_of
        elif (repeat_of.id if repeat_of else None) != recommendation.repeat_of_id:
            changed.append((recommendation, repeat_of))
        same.append((at, recommendation))
    for recommendation, repeat_of in changed:
        recommendation.repeat_of = repeat_of


def _finding(recommendation: Recommendation) -> tuple[str, int]:
    """Several recommendations of one case, or of one visit, answer one finding."""
    if recommendation.case_id is not None:
        return "case", recommendation.case_id
    return "visit", recommendation.visit.id if recommendation.visit else 0
