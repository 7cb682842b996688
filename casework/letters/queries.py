"""Reading letters for their pages: one letter with everything its page shows, the letters of
a case that a reader may open, and the choices the drafting form offers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from casework.accounts.models import User
from casework.cases.models import Case, CaseParty
from casework.extensions import db
from casework.letters.models import IncomingDocument, Letter, LetterStatus
from casework.permissions import Permission, can
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Language


def load_letter(letter_id: int) -> Letter | None:
    """The letter with what its page and the permission checks read, loaded up front."""
    return db.session.scalar(
        sa.select(Letter).where(Letter.id == letter_id).options(
            joinedload(Letter.case).selectinload(Case.assignments),
            joinedload(Letter.case).selectinload(Case.parties).joinedload(CaseParty.person),
            joinedload(Letter.recommendation).joinedload(Recommendation.authority),
            joinedload(Letter.authority),
            joinedload(Letter.person),
            joinedload(Letter.drafted_by),
            joinedload(Letter.signed_by),
            joinedload(Letter.supersedes),
            joinedload(Letter.superseded_by),
            selectinload(Letter.incoming).joinedload(IncomingDocument.authority),
        )
    )


def case_letters(case: Case, user: User) -> list[Letter]:
    """The case's letters that `user` may open, newest first."""
    letters = db.session.scalars(
        sa.select(Letter).where(Letter.case_id == case.id).options(
            joinedload(Letter.authority),
            joinedload(Letter.person),
            joinedload(Letter.superseded_by),
        ).order_by(Letter.created_at.desc(), Letter.id.desc())
    )
    return [letter for letter in letters if can(user, Permission.READ_LETTER, letter)]


def corrections_in_draft(letter: Letter) -> list[Letter]:
    """Drafts written to replace this letter and not yet signed (or discarded)."""
    return list(db.session.scalars(
        sa.select(Letter)
        .where(Letter.supersedes_id == letter.id, Letter.status == LetterStatus.DRAFT)
        .order_by(Letter.id)
    ))


def case_people(case: Case) -> list[CaseParty]:
    """The case's parties, one per person (a person with two roles is written to once)."""
    seen: set[int] = set()
    parties = []
    for party in sorted(case.parties, key=lambda p: (p.pseudonym_index, p.id)):
        if party.person_id not in seen:
            seen.add(party.person_id)
            parties.append(party)
    return parties


def addressee_language(authority: Authority | None) -> Language:
    """The language a letter is written in unless the drafter chooses: the authority's own;
    a person of the case gets Russian, the language every office writes."""
    return authority.letter_language if authority is not None else Language.RU
