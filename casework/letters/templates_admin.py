"""Admins' wordings of the letter kinds: the overview, checking a wording against made-up data,
saving it and restoring the one that ships (DESIGN.md §6).

A wording is checked before it is saved, so that a caseworker drafting a letter never meets a
broken one: it must render with the sample data of every language, and also when the details
that some real letters lack (a case, a recommendation, a complainant, a facility) are missing.
Like every service, these write their audit entry and leave the commit to the caller.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.extensions import db
from casework.letters.documents import LetterContent, signer_position
from casework.letters.drafting import VARIABLE_HELP, sample_context
from casework.letters.models import LetterKind, LetterTemplate
from casework.letters.wording import (
    Wording,
    WordingError,
    default_wording,
    render,
    without_control_characters,
    wording_for,
)
from casework.reference.models import Language
from casework.refusals import Refusal
from casework.templating import format_day

LANGUAGES = (Language.KK, Language.RU, Language.EN)  # the order of the overview's columns


@dataclass(frozen=True)
class Variable:
    """A name a template may use, for the help beside the editor."""

    name: str
    explanation: LazyString
    example: str


def customised_templates() -> dict[tuple[LetterKind, Language], LetterTemplate]:
    """The admins' wordings, by kind and language; the others are the shipped ones."""
    rows = db.session.scalars(
        sa.select(LetterTemplate).options(joinedload(LetterTemplate.updated_by))
    )
    return {(row.kind, row.language): row for row in rows}


def customised_template(kind: LetterKind, language: Language) -> LetterTemplate | None:
    return db.session.scalar(sa.select(LetterTemplate).filter_by(kind=kind, language=language))


def fingerprint(wording: Wording) -> str:
    """Identifies the text an editor was opened on, to notice a save by someone else since."""
    text = f"{wording.subject}\0{wording.body}".encode()
    return hashlib.sha256(text).hexdigest()[:16]


def wording_from_input(subject: str, body: str) -> Wording:
    """The subject on one line; the body with the browser's line ends made plain, without
    trailing spaces or control characters. Leading lines stay, so that the line numbers of
    messages match the editor."""
    lines = [line.rstrip() for line in without_control_characters(body).split("\n")]
    subject = " ".join(without_control_characters(subject).split())
    return Wording(subject, "\n".join(lines).rstrip("\n") + "\n")


# -- checking ---------------------------------------------------------------------------------


def without_optional_details(kind: LetterKind, context: dict[str, Any]) -> dict[str, Any]:
    """The sample as the leanest real letter of this kind has it: a reminder or an escalation
    may concern a recommendation without a case; other letters concern a case and no single
    recommendation; a case may have no complainant and no facility; some letters ask for no
    reply (drafting.template_context)."""
    lean = dict(context, people=[], complainant="", parent_authority="")
    if kind in (LetterKind.REMINDER, LetterKind.ESCALATION):
        lean["case"] = None
    else:
        lean.update(recommendation=None, recommendations=[])
        lean["case"] = dict(context["case"], facility="", facility_address="", categories=[])
    if not kind.expects_response:
        lean["response_due"] = None
    return lean


def check_wording(kind: LetterKind, language: Language, wording: Wording) -> tuple[str, str]:
    """The wording rendered with the sample data of its language, as a preview: (subject,
    body). WordingError, naming the field at fault, if it fails with any language's sample
    data or without the optional details."""
    preview = render(wording, sample_context(language), language)
    for other in LANGUAGES:
        if other is not language:
            render(wording, sample_context(other), language)
    try:
        render(wording, without_optional_details(kind, sample_context(language)), language)
    except WordingError as error:
        raise WordingError(_("%(problem)s This happens in letters without some details (a "
                             "case, a recommendation, a complainant, a facility): check them "
                             "with {%% if … %%} first.", problem=error.message),
                           error.field) from error
    return preview


def variables(language: Language) -> list[Variable]:
    """The names a template may use, with an explanation and the sample's value of each (as
    the letter would print it)."""
    with force_locale(language.value):
        return [
            Variable(name, VARIABLE_HELP[name],
                     "" if isinstance(value, dict | list) or value is None else _plain(value))
            for name, value in _names(sample_context(language))
        ]


def _names(context: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every name and the fields of the dicts among them, depth first. A list's items are
    described by the list's own explanation."""
    names: list[tuple[str, Any]] = []
    for key, value in context.items():
        names.append((prefix + key, value))
        if isinstance(value, dict):
            names.extend(_names(value, f"{prefix}{key}."))
    return names


def _plain(value: Any) -> str:
    return format_day(value) if isinstance(value, date) else str(value)


def sample_letter(language: Language, subject: str, body: str) -> LetterContent:
    """The sample letter a preview draws: the rendered sample wording, placeholders where a
    real letter names its addressee's address and its people, and no number (a draft)."""
    context = sample_context(language)
    with force_locale(language.value):
        return LetterContent(
            language=language, subject=subject, body=body,
            addressee=[context["addressee"], _("(the addressee's address)")],
            signer_name=_("(the signer's name)"),
            signer_position=signer_position(None, language),
            case_reference=context["case"]["reference"],
            executor=_("(the caseworker's name)"),
        )


# -- saving and restoring ---------------------------------------------------------------------


class StaleWording(Refusal):
    """The wording changed since the editor was opened."""


def _stale() -> StaleWording:
    return StaleWording(_("Someone else changed this wording after you opened it. Your text is "
                     "kept below; compare it with theirs before saving again."))


def save_wording(
    kind: LetterKind, language: Language, wording: Wording, *, actor: User, based_on: str
) -> LetterTemplate | None:
    """Save an admin's wording once it renders; None when it is the wording in use already.

    `based_on` is the fingerprint of the wording the editor was opened on: a save made by
    someone else since is not silently overwritten.
    """
    current = wording_for(kind, language)
    if based_on != fingerprint(current):
        raise _stale()
    check_wording(kind, language, wording)
    if (wording.subject, wording.body) == (current.subject, current.body):
        return None
    row = customised_template(kind, language) or LetterTemplate(kind=kind, language=language)
    row.subject, row.body, row.updated_by = wording.subject, wording.body, actor
    try:
        with db.session.begin_nested():  # another admin may have created it this very moment
            db.session.add(row)
            db.session.flush()
    except IntegrityError as error:
        raise _stale() from error
    record(AuditAction.LETTER_TEMPLATE_SAVED, actor=actor, obj=row,
           changes=_changes(kind, language, current, wording))
    return row


def restore_shipped_wording(kind: LetterKind, language: Language, *, actor: User) -> None:
    """Delete the admin's wording: letters use the one that ships with the application."""
    row = customised_template(kind, language)
    if row is None:
        raise Refusal(_("This wording is already the one that ships with the application."))
    record(AuditAction.LETTER_TEMPLATE_RESET, actor=actor, obj=row,
           changes=_changes(kind, language, Wording(row.subject, row.body),
                            default_wording(kind, language)))
    db.session.delete(row)
    db.session.flush()


def _changes(kind: LetterKind, language: Language, before: Wording,
             after: Wording) -> dict[str, Any]:
    """The audit entry's content: which wording, and its text before → after."""
    texts = diff({"subject": before.subject, "body": before.body},
                 {"subject": after.subject, "body": after.body})
    return {"kind": kind, "language": language, **texts}
