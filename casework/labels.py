"""Translatable labels for enums: each StrEnum declares its labels next to its values."""

from __future__ import annotations

import enum

from flask_babel import LazyString


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry a translatable label (`Status.CLOSED.label`)."""

    @classmethod
    def _labels(cls) -> dict[str, LazyString]:
        """Each enum declares its labels here, as lazy strings so they follow the language."""
        raise NotImplementedError  # every subclass overrides this

    @property
    def label(self) -> str:
        return str(self._labels()[self.value])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
