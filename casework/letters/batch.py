"""Reminders for every overdue recommendation of one authority (DESIGN.md §4, "Escalation sends
a letter..."): which recommendations a supervisor may remind, one signed reminder each, and
their stored PDFs bound into one file to print and send.

Like the other services these never commit: the caller commits after each reminder, so a
failure at letter 37 keeps letters 1 to 36.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from sqlalchemy.orm import joinedload

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.attachments import storage
from casework.database import office_today
from casework.extensions import db
from casework.letters import services
from casework.letters.models import FROZEN_STATUSES, Letter, LetterKind, LetterStatus
from casework.permissions import (
    Permission,
    can,
    has_permission,
    supervises_recommendation,
    visible_recommendations_clause,
)
from casework.recommendations import deadlines, queries
from casework.recommendations.deadlines import DeadlineOnDay, days_overdue
from casework.recommendations.models import Recommendation
from casework.recommendations.register import overdue_since
from casework.reference.models import Authority, Language
from casework.refusals import Refusal
from casework.templating import format_day

P = Permission
# A reminder waiting as a draft, or one signed this recently, is not sent again by default:
# the authority has barely had time to answer it.
REMINDED_WITHIN_DAYS = 30
# One batch, and one combined PDF, hold at most this many letters (about 10 MB of PDF).
MAX_BATCH = 500


class DamagedPdf(Refusal):
    """A stored PDF no longer matches the SHA-256 taken at signing: nothing is bound."""


# -- which recommendations ------------------------------------------------------------------


def may_remind(user: User, recommendation: Recommendation) -> bool:
    """Draft and sign a reminder about it: a supervisor of its region who may write letters
    about it (the letter takes the recommendation's region, so they may sign it too)."""
    return (
        has_permission(user, P.SIGN_LETTER)
        and supervises_recommendation(user, recommendation)
        and can(user, P.DRAFT_LETTER, recommendation)
    )


def supervised_by(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of supervises_recommendation."""
    if not has_permission(user, P.SIGN_LETTER) or not user.has_role(Role.SUPERVISOR):
        return sa.false()
    return sa.true() if user.region is None else Recommendation.region == user.region


def overdue_for_reminder(
    authority: Authority, actor: User, today: date | None = None
) -> list[Recommendation]:
    """The authority's live recommendations overdue on either deadline that the actor reads
    and supervises, the longest overdue first (at most MAX_BATCH)."""
    today = today or office_today()
    return list(db.session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.authority_id == authority.id,
            deadlines.overdue(today),
            visible_recommendations_clause(actor),
            supervised_by(actor),
        )
        .order_by(overdue_since(today).asc(), Recommendation.number)
        .limit(MAX_BATCH)
        .options(joinedload(Recommendation.case))
    ))


def recent_reminders(recommendation_ids: Iterable[int], today: date) -> dict[int, Letter]:
    """Per recommendation, its latest reminder that still waits as a draft or was signed
    within REMINDED_WITHIN_DAYS days."""
    since = today - timedelta(days=REMINDED_WITHIN_DAYS)
    letters = db.session.scalars(
        sa.select(Letter)
        .where(
            Letter.kind == LetterKind.REMINDER,
            Letter.recommendation_id.in_(list(recommendation_ids)),
            sa.or_(Letter.status == LetterStatus.DRAFT,
                   sa.and_(Letter.status.in_(FROZEN_STATUSES), Letter.dated >= since)),
        )
        .order_by(Letter.id)
    )
    # In id order, so the latest of a recommendation's letters is the one kept.
    return {letter.recommendation_id: letter for letter in letters
            if letter.recommendation_id is not None}


@dataclass(frozen=True)
class Candidate:
    """One overdue recommendation on the batch page."""

    recommendation: Recommendation
    days_overdue: int
    overdue: list[DeadlineOnDay]  # the deadlines that passed
    earlier: Letter | None  # a reminder waiting as a draft or signed lately

    @property
    def chosen_by_default(self) -> bool:
        return self.earlier is None


def candidates(authority: Authority, actor: User, today: date | None = None) -> list[Candidate]:
    today = today or office_today()
    recommendations = overdue_for_reminder(authority, actor, today)
    earlier = recent_reminders((r.id for r in recommendations), today)
    return [
        Candidate(
            recommendation=r,
            days_overdue=days_overdue(r, today),
            overdue=[view for view in queries.deadline_views(r, today) if view.is_overdue],
            earlier=earlier.get(r.id),
        )
        for r in recommendations
    ]


# -- one reminder ---------------------------------------------------------------------------


def remind(recommendation: Recommendation, *, actor: User, language: Language) -> Letter:
    """Draft the reminder from its template and sign it, in the caller's transaction.

    Drafts carry pseudonyms, but a name someone typed into the recommendation's text reaches
    the reminder too, and signing then wants the signer's confirmation: such a reminder is
    returned as a draft, to be read and signed on its own page.
    """
    if days_overdue(recommendation, office_today()) == 0:
        raise Refusal(_("%(number)s is no longer overdue.", number=recommendation.label))
    letter = services.start_letter(LetterKind.REMINDER, actor=actor, language=language,
                                   recommendation=recommendation)
    try:
        services.sign(letter, actor=actor, expected_version=letter.version)
    except Refusal as refused:
        if refused.field != "confirm_names":
            raise
    return letter


# -- the combined PDF -----------------------------------------------------------------------


def letters_in_order(letter_ids: Sequence[int]) -> list[Letter] | None:
    """The letters in the order given, or None when one of the ids names no letter."""
    rows = db.session.scalars(
        sa.select(Letter).where(Letter.id.in_(letter_ids)).options(
            joinedload(Letter.case), joinedload(Letter.recommendation),
            joinedload(Letter.authority),
        )
    ).unique()
    by_id = {letter.id: letter for letter in rows}
    if any(letter_id not in by_id for letter_id in letter_ids):
        return None
    return [by_id[letter_id] for letter_id in letter_ids]


def combined_title(letters: Sequence[Letter], today: date) -> str:
    addressees = list(dict.fromkeys(letter.addressee_name for letter in letters))
    return _("Reminders to %(authority)s, %(day)s",
             authority="; ".join(addressees), day=format_day(today))


def combined_pdf(letters: Sequence[Letter], *, actor: User) -> bytes:
    """The letters' stored PDFs, each checked against its SHA-256 and its download audited
    (services.stored_pdf_path), one after the other in one file.

    Each letter keeps its own "page X of Y"; the viewer's page labels ("00012-2026 · 2") and
    bookmarks name every page by its letter. DamagedPdf when a stored file changed.
    """
    writer = PdfWriter()
    for letter in letters:
        try:
            path = services.stored_pdf_path(letter, actor=actor)
        except storage.IntegrityFailure as failure:
            raise DamagedPdf(_(
                "The stored PDF of letter %(number)s no longer matches the fingerprint taken "
                "when it was signed, so nothing was downloaded. Tell an administrator.",
                number=letter.label)) from failure
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(path.read_bytes())), outline_item=letter.label)
        writer.set_page_label(first, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL,
                              prefix=f"{letter.label} · ", start=1)
    writer.add_metadata({"/Title": combined_title(letters, office_today())})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
