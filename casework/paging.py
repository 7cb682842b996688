"""Pages of a long list: the page's rows, the plain total and the page number shown."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(total: int, requested: int, fetch: Callable[[int, int], Sequence[T]]) -> Page[T]:
    """The requested page, clamped to the pages there are; `fetch(limit, offset)` reads its
    rows. The caller counts `total` on the base table with the list's filters: counting a
    wrapped, joined query is what made db.paginate() slow (LIBRARIES.md)."""
    per_page = int(current_app.config["PAGE_SIZE"])
    number = min(max(requested, 1), max(1, math.ceil(total / per_page)))
    items = list(fetch(per_page, (number - 1) * per_page))
    return Page(items=items, total=total, number=number, per_page=per_page)
