"""Whose name a letter may carry (DESIGN.md §2, "Case party").

A person is named in a letter only when their recorded written consent covers the letter's
addressee: consent to disclose, and the addressee's kind of authority among those the consent
lists. A letter to a person names that person to themselves. Everyone else is the pseudonym in
the letter's language. Drafts are built that way, and signing looks again for names, surnames
and IINs typed into the letter by hand (mentions_without_consent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import force_locale

from casework.cases.models import CaseParty
from casework.reference.models import Authority, AuthorityType, Language

if TYPE_CHECKING:
    from casework.letters.models import Letter


@dataclass(frozen=True)
class Addressee:
    """Whom a letter goes to, as far as consent is concerned."""

    authority_type: AuthorityType | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, authority: Authority | None, person_id: int | None) -> Addressee:
        return cls(authority.type if authority is not None else None, person_id)


def may_name(party: CaseParty, addressee: Addressee) -> bool:
    if addressee.person_id is not None and party.person_id == addressee.person_id:
        return True
    return (
        party.consents_to_disclosure
        and addressee.authority_type is not None
        and addressee.authority_type.value in (party.consent_addressees or [])
    )


def name_in_letter(party: CaseParty, addressee: Addressee, language: Language) -> str:
    """The person's full name if consent covers the addressee, else their pseudonym."""
    if may_name(party, addressee):
        return party.person.full_name
    with force_locale(language.value):
        return party.pseudonym


def addressee_party(letter: Letter) -> CaseParty | None:
    """The party a letter to a person of the case goes to."""
    if letter.person_id is None or letter.case is None:
        return None
    return next((p for p in letter.case.parties if p.person_id == letter.person_id), None)


def shows_hidden_identity(letter: Letter) -> bool:
    """Whether reading the letter shows a name that consent does not open to every reader
    of the case: a letter to a person who did not consent, or a name the signer confirmed.
    Such a reading is an audited reveal, as on the case page (DESIGN.md §5)."""
    party = addressee_party(letter)
    return letter.names_confirmed or (party is not None and not party.consents_to_disclosure)


@dataclass(frozen=True)
class Mention:
    """A person whose name or IIN the letter carries without consent to this addressee."""

    party: CaseParty
    found: str  # the pattern that matched: the full name, a name in any case, or the IIN

    def describe(self, language: Language) -> str:
        with force_locale(language.value):
            return self.party.pseudonym


# Russian and Kazakh decline names: Иванов is "Иванову", Иванова "Ивановой", Серикбаев
# "Серикбаевтың". A name matches from its stem (without a final vowel or soft sign) with any
# ending of up to five letters; a short one (Ким, Пак) only with a case ending, so that the
# word "пакет" does not stop a signature.
_FINAL_VOWELS = "аәеёиіоөуұүыэюяьйaeiouy"
_SHORT_ENDINGS = ("а", "у", "е", "ом", "ым", "ой", "ға", "ге", "қа", "ке", "ны", "ні", "ның",
                  "нің", "дың", "дің", "тың", "тің", "мен", "пен", "бен", "да", "де", "та", "те")
_PATRONYMIC_ENDINGS = ("вич", "вна", "чна", "ұлы", "улы", "қызы", "кызы")


def _name_pattern(word: str) -> str:
    if len(word) < 4:
        return re.escape(word) + "(?:" + "|".join(_SHORT_ENDINGS) + ")?"
    stem = word.rstrip(_FINAL_VOWELS)
    return re.escape(stem if len(stem) >= 3 else word) + r"\w{0,5}"


def _patterns(party: CaseParty) -> list[str]:
    """What would identify the person, as regular expressions: the full name, the surname
    and the given name in any grammatical case (not the patronymic alone), and the IIN
    written with or without spaces. A check against slips, not a proof: a name can always
    be paraphrased, which is why the signer reads the letter."""
    words = party.person.full_name.split()
    names = [word for word in dict.fromkeys(words[:1] + words[-1:])
             if not word.lower().endswith(_PATRONYMIC_ENDINGS)]
    found = [r"\s+".join(re.escape(word) for word in words)] if words else []
    found += [_name_pattern(word) for word in names]
    if party.person.iin:
        found.append(r"[\s-]?".join(party.person.iin))
    return found


def mentions_without_consent(
    parties: Iterable[CaseParty], addressee: Addressee, texts: Iterable[str]
) -> list[Mention]:
    """The parties not to be named to this addressee whose name or IIN appears in the texts
    (whole words, any case), one Mention per person."""
    text = "\n".join(texts)
    mentions: dict[int, Mention] = {}
    for party in parties:
        if party.person_id in mentions or may_name(party, addressee):
            continue
        for pattern in _patterns(party):
            if re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
                mentions[party.person_id] = Mention(party, pattern)
                break
    return list(mentions.values())
