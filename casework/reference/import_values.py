"""Reading one CSV row's cells for an import: text, whole numbers, enum members by code or
by name in any UI language, and authorities by exact name. Every bad cell becomes a RowError
with its line and column, and reading goes on, so the report lists all of a row's errors."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from casework.extensions import db
from casework.labels import LabelledEnum
from casework.reference.csvfile import Row
from casework.reference.models import Authority
from casework.reference.services import clean_name

E = TypeVar("E", bound=LabelledEnum)
UI_LANGUAGES = ("en", "ru", "kk")
DIGITS = re.compile(r"[0-9]+")
BRACKETED = re.compile(r"(.+?)\s*\((.+)\)")
# Spaces a spreadsheet puts between thousands: "1 200".
THOUSANDS_SPACES = str.maketrans("", "", " \u00a0\u202f")
# The Russian names of the three cities start with "g." (gorod, city); accept them without.
CITY_PREFIX = "г. "


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # "" when the whole line is at fault
    message: str
    value: str = ""


def normalise(text: str) -> str:
    """Case, repeated spaces and the Russian yo written as ye do not matter in a choice."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _variants(label: str) -> set[str]:
    """A label as people also write it: without the city prefix, without a note in brackets,
    or as the abbreviation in brackets (a pre-trial detention centre's Russian label ends in
    its abbreviation, which is what people type)."""
    variants = {label, label.removeprefix(CITY_PREFIX)}
    if match := BRACKETED.fullmatch(label):
        variants.add(match.group(1))
        if match.group(2).isupper():
            variants.add(match.group(2))
    return variants


class Lookup(Generic[E]):
    """An enum member by its code or its label in any UI language ("penal_colony",
    "Penal colony", "Исправительная колония", "Түзеу колониясы"). A text that names two
    members in different languages names neither."""

    def __init__(self, enum_cls: type[E]) -> None:
        found: dict[str, set[E]] = defaultdict(set)
        for member in enum_cls:
            keys = {member.value, member.name}
            for language in UI_LANGUAGES:
                with force_locale(language):
                    keys.update(_variants(member.label))
            for key in keys:
                found[normalise(key)].add(member)
        self._table = {key: next(iter(members)) for key, members in found.items()
                       if len(members) == 1}

    def __call__(self, text: str) -> E | None:
        return self._table.get(normalise(text))


class RowReader:
    """One row's cells; `failed` once any of them was wrong."""

    def __init__(self, row: Row, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.failed = False
        if row.surplus:
            self.error("", _("This line has more cells than the header. Is there a separator "
                             "inside a value without quotation marks around it?"))

    def error(self, column: str, message: str, value: str = "") -> None:
        shown = value if len(value) <= 80 else value[:80] + "…"
        self.errors.append(RowError(self.row.line, column, message, shown))
        self.failed = True

    def text(self, column: str, limit: int) -> str | None:
        """The cell, or None when it is empty or the file has no such column."""
        value = self.row.get(column)
        if not value:
            return None
        if len(value) > limit:
            self.error(column, _("At most %(max)d characters; this cell has %(len)d.",
                                 max=limit, len=len(value)), value)
            return None
        return value

    def name(self, column: str, limit: int, *, required: bool = True) -> str:
        """A name with its spaces cleaned as names are stored; "" when empty."""
        value = clean_name(self.row.get(column) or "")
        if not value:
            if required:
                self.error(column, _("This cell must not be empty."))
            return ""
        if len(value) > limit:
            self.error(column, _("At most %(max)d characters; this cell has %(len)d.",
                                 max=limit, len=len(value)), value)
            return ""
        return value

    def choice(self, column: str, lookup: Lookup[E], *, required: bool = False) -> E | None:
        value = self.row.get(column) or ""
        if not value:
            if required:
                self.error(column, _("This cell must not be empty."))
            return None
        member = lookup(value)
        if member is None:
            self.error(column, _("Unknown value: use a code or a name from the list of this "
                                 "column below."), value)
        return member

    def integer(self, column: str, low: int, high: int) -> int | None:
        value = self.row.get(column) or ""
        if not value:
            return None
        digits = value.translate(THOUSANDS_SPACES)
        if not DIGITS.fullmatch(digits) or not low <= int(digits) <= high:
            self.error(column, _("Enter a whole number from %(low)d to %(high)d.",
                                 low=low, high=high), value)
            return None
        return int(digits)


class Names:
    """The authorities in the register by exact name, for cells that name one."""

    def __init__(self, authorities: list[Authority]) -> None:
        self._by_name: dict[str, list[Authority]] = defaultdict(list)
        for authority in authorities:
            self._by_name[clean_name(authority.name)].append(authority)
        self._folded = {normalise(name): name for name in self._by_name}

    @classmethod
    def of_authorities(cls) -> Names:
        # All at once: their parents then come from the identity map, not one query each.
        return cls(list(db.session.scalars(sa.select(Authority).order_by(Authority.id))))

    def has(self, name: str) -> bool:
        return name in self._by_name

    def unique(self) -> list[Authority]:
        return [found[0] for found in self._by_name.values() if len(found) == 1]

    def find(
        self, name: str, cells: RowReader, column: str, *,
        missing_ok: bool = False, also: tuple[str, ...] = (),
    ) -> Authority | None:
        """The one authority of this name; otherwise an error on the cell (unless it may be
        missing), suggesting a name that differs only in case or spaces, from the register
        or from `also` (names on earlier lines of the file)."""
        found = self._by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        if found:
            cells.error(column, _("Several authorities are named “%(name)s”: rename them "
                                  "first.", name=name), name)
        elif not missing_ok:
            close = self._folded.get(normalise(name)) or {
                normalise(other): other for other in also}.get(normalise(name))
            cells.error(column, _(
                "No authority is named “%(name)s”. Did you mean “%(close)s”? The name must "
                "match exactly.", name=name, close=close,
            ) if close else _("No authority is named “%(name)s” in the register.", name=name),
                name)
        return None
