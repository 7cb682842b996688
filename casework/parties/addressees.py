"""To whom a person's written consent lets letters name them: kinds of authority, stored as
AuthorityType values on CaseParty.consent_addressees and read by casework.letters.consent.

A module of its own, free of the services' imports, because intake records consent too and
the parties' services already import intake's.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from casework.reference.models import AuthorityType

# What a form or a service says to a value that is not offered; the value is not echoed back.
CHOOSE_FROM_THE_LIST = _l("Choose the addressees from the list.")


class UnknownAddressee(ValueError):
    """A value that names no kind of authority: a tampered form or a programming error."""


def canonical_addressees(values: Iterable[str]) -> list[str]:
    """The values in AuthorityType's order, each once, so that equal consents compare equal
    and read the same everywhere. Raises UnknownAddressee for anything else."""
    wanted = set(values)
    unknown = wanted - {member.value for member in AuthorityType}
    if unknown:
        raise UnknownAddressee(f"not a kind of authority: {sorted(unknown)!r:.200}")
    return [member.value for member in AuthorityType if member.value in wanted]


def addressee_labels(values: Iterable[str]) -> list[str]:
    """The labels of the recorded kinds in the reader's language and in AuthorityType's order;
    a value no longer known (a member renamed since) is left out rather than break the page."""
    recorded = set(values)
    return [member.label for member in AuthorityType if member.value in recorded]
