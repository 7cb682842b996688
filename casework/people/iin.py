"""The Kazakh individual identification number (IIN, ЖСН/ИИН): 12 digits with a check digit."""

from __future__ import annotations

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when the number cannot have one."""
    digits = [int(c) for c in first_eleven]
    check = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if check == 10 else check


def is_valid_iin(value: str) -> bool:
    if len(value) != 12 or not value.isdigit():
        return False
    return iin_check_digit(value[:11]) == int(value[11])


def normalise_iin(value: str | None) -> str:
    """Strip spaces and dashes people type into numbers."""
    return "".join(ch for ch in (value or "") if ch not in " -\u00a0")
