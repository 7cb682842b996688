"""Pseudonyms drawn in the reader's language: "Applicant A." in English, the translated word
and a Cyrillic letter in Russian and Kazakh.

The database keeps only the role and the person's number in the case; the word and the
alphabet are chosen when the pseudonym is shown, so a page, a letter or an export in any of
the three languages names the same person by the same letter.
"""

from __future__ import annotations

from flask import has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The Cyrillic capitals without Yo, Short I, the hard and soft signs and Yery: those look
# like other letters or start no name.
CYRILLIC = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
CYRILLIC_LANGUAGES = frozenset({"ru", "kk"})

# By PartyRole value; a module of its own so that the models can use it without a cycle.
PSEUDONYM_FORMATS = {
    "complainant": _l("Applicant %(letter)s."),
    "victim": _l("Victim %(letter)s."),
    "witness": _l("Witness %(letter)s."),
    "representative": _l("Representative %(letter)s."),
}


def pseudonym_letter(number: int, alphabet: str = LATIN) -> str:
    """1 → A, 2 → B, …, then AA, AB, … as spreadsheet columns count."""
    if number < 1:
        raise ValueError(f"pseudonym numbers start at 1, not {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, len(alphabet))
        letters = alphabet[rest] + letters
    return letters


def current_alphabet() -> str:
    locale = get_locale() if has_app_context() else None
    return CYRILLIC if locale is not None and locale.language in CYRILLIC_LANGUAGES else LATIN


def pseudonym(role: str, number: int) -> str:
    """The pseudonym of a party with this role and number, in the current locale."""
    return str(PSEUDONYM_FORMATS[role]) % {"letter": pseudonym_letter(number, current_alphabet())}
