"""Gap-free per-year sequences: case references, recommendations, the correspondence registers.

One counter row per (kind, year), bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING:
the row lock serialises concurrent writers on PostgreSQL, and SQLite serialises writes
anyway, so two people saving at the same moment never get the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model, db


class ReferenceCounter(Model):
    """The last number handed out per (kind, year)."""

    __tablename__ = "reference_counters"

    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]


def next_number(kind: str, year: int) -> int:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(sa.Table, ReferenceCounter.__table__)
    statement = (
        insert(table)
        .values(kind=kind, year=year, value=1)
        .on_conflict_do_update(
            index_elements=[table.c.kind, table.c.year], set_={"value": table.c.value + 1}
        )
        .returning(table.c.value)
    )
    return db.session.execute(statement).scalar_one()


def case_reference(year: int) -> str:
    return f"{year}-{next_number('case', year):05d}"


def recommendation_number(year: int) -> str:
    """Issued recommendations are numbered per year in their own series: R-2026-00012."""
    return f"R-{year}-{next_number('recommendation', year):05d}"


def visit_reference(year: int) -> str:
    """Visits are numbered per year in their own series: NPM-2026-0042."""
    return f"NPM-{year}-{next_number('visit', year):04d}"


def register_number(kind: str, year: int) -> str:
    """A number of the outgoing ("letter") or incoming register, in the office's configured
    format, e.g. CASEWORK_LETTER_NUMBER_FORMAT="04-{sequence}/{year}"."""
    pattern = current_app.config[f"{kind.upper()}_NUMBER_FORMAT"]
    return pattern.format(year=year, sequence=next_number(kind, year))


def check_number_formats(config: Mapping[str, Any]) -> None:
    """Refuse to start with a register format that cannot number letters (a typo, no
    {sequence} or {year}, longer than the column) rather than fail at the first signature or
    repeat last year's numbers in January."""
    for kind in ("letter", "incoming"):
        name = f"{kind.upper()}_NUMBER_FORMAT"
        try:
            first, last, next_year = (config[name].format(year=year, sequence=n)
                                      for year, n in ((2099, 1), (2099, 99999), (2100, 1)))
        except (KeyError, IndexError, ValueError) as error:
            raise RuntimeError(f"{name} is not a valid format: {error}") from error
        if len({first, last, next_year}) < 3 or len(last) > 40:
            raise RuntimeError(
                f"{name} must contain {{sequence}} and {{year}} and give at most 40 characters.")
