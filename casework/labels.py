"""Translatable labels for enums: each StrEnum declares its labels next to its values."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import ClassVar

from flask_babel import LazyString


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry a translatable label (`Status.CLOSED.label`)."""

    # Each enum declares its labels as a classmethod returning {value: lazy string}, so the
    # labels follow the reader's language.
    _labels: ClassVar[Callable[[], dict[str, LazyString]]]

    @property
    def label(self) -> str:
        return str(type(self)._labels()[self.value])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
