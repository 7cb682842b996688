"""Business rules for letters: drafting, editing, signing, dispatch, corrections, and the
incoming register (DESIGN.md §6).

Every function checks the actor's rights itself, writes its audit entry and its case timeline
event, and leaves the commit to the caller so that both are atomic. Signing is the only way a
letter gets a number and a PDF, and after it nothing of the letter changes but its dispatch and
response dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from casework.accounts.models import User
from casework.attachments import storage
from casework.audit import AuditAction, diff, record
from casework.cases.models import Case, CaseParty, EventKind
from casework.cases.timeline import add_event
from casework.database import office_today, utcnow
from casework.extensions import db
from casework.intake.services import earliest_received_on
from casework.letters.consent import (
    Addressee,
    Mention,
    mentions_without_consent,
    shows_hidden_identity,
)
from casework.letters.documents import content_of, letter_pdf
from casework.letters.drafting import build_draft
from casework.letters.models import (
    IncomingDocument,
    IncomingKind,
    Letter,
    LetterKind,
    LetterStatus,
)
from casework.numbering import register_number
from casework.people.models import Person
from casework.permissions import Permission, can
from casework.recommendations.deadlines import reply_due
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Language
from casework.refusals import NotAllowed, Refusal
from casework.workdays import WorkingCalendar

P = Permission
EDITABLE_FIELDS = ("addressee_block", "subject", "body", "enclosures", "confidential",
                   "response_due")
# A letter is a few pages. Beyond these, WeasyPrint would take seconds per preview, and the
# signature holds the register's number while it renders.
MAX_BODY_CHARACTERS = 30_000
MAX_LINES = {"body": 300, "addressee_block": 12, "enclosures": 40}


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You are not allowed to do this with this letter."))


def _log(letter: Letter, action: AuditAction, *, actor: User, step: str,
         changes: dict[str, Any]) -> None:
    """The audit entry, and the event on the case timeline when the letter has a case."""
    record(action, actor=actor, obj=letter, changes=changes)
    if letter.case is not None:
        add_event(letter.case, EventKind.LETTER, actor=actor, step=step, letter_id=letter.id,
                  number=letter.number, letter_kind=letter.kind)


def _check_version(letter: Letter, expected_version: int) -> None:
    if expected_version != letter.version:
        raise Refusal(_("Someone else changed this letter after you opened it. Check it and "
                        "try again."))


# -- drafting ---------------------------------------------------------------------------------


def start_letter(
    kind: LetterKind,
    *,
    actor: User,
    language: Language,
    case: Case | None = None,
    recommendation: Recommendation | None = None,
    authority: Authority | None = None,
    person: Person | None = None,
) -> Letter:
    """A new draft of this kind, its wording filled in from the case or the recommendation.

    A reminder and an escalation are about one issued recommendation: the reminder goes to its
    addressee, the escalation to that addressee's parent authority. A reply to the complainant
    goes to a person of the case; every other kind to an authority.
    """
    if recommendation is not None:
        case = recommendation.case
    about: Case | Recommendation | None = recommendation or case
    if about is None:
        raise Refusal(_("A letter is written about a case or a recommendation."))
    _require(can(actor, P.DRAFT_LETTER, about))
    if case is not None and not case.is_open and recommendation is None:
        raise Refusal(_("A closed case gets no new letters; reopen it first."))
    authority, person = _addressee(kind, recommendation, case, authority, person)
    draft = build_draft(kind, language, case=case, recommendation=recommendation,
                        authority=authority, person=person)
    letter = Letter(
        kind=kind, language=language, case=case, recommendation=recommendation,
        region=recommendation.region if recommendation is not None else case.region,  # type: ignore[union-attr]
        authority=authority, person=person, addressee_block=draft.addressee_block,
        subject=draft.subject, body=draft.body, drafted_by=actor,
    )
    db.session.add(letter)
    db.session.flush()
    _log(letter, AuditAction.LETTER_DRAFTED, actor=actor, step="drafted",
         changes=diff({}, letter.snapshot()))
    return letter


def _addressee(
    kind: LetterKind, recommendation: Recommendation | None, case: Case | None,
    authority: Authority | None, person: Person | None,
) -> tuple[Authority | None, Person | None]:
    if kind in (LetterKind.REMINDER, LetterKind.ESCALATION):
        if recommendation is None or not recommendation.is_live or not recommendation.number:
            raise Refusal(_("Reminders and escalations are about an issued recommendation."))
        if kind is LetterKind.REMINDER:
            return recommendation.authority, None
        if recommendation.authority.parent is None:
            raise Refusal(_("%(authority)s has no parent authority recorded to escalate to.",
                            authority=recommendation.authority.name), field="authority")
        return recommendation.authority.parent, None
    if kind.to_person:
        parties = case.parties if case is not None else []
        if person is None or all(p.person_id != person.id for p in parties):
            raise Refusal(_("Choose a person of the case."), field="person")
        return None, person
    if authority is None:
        raise Refusal(_("Choose the authority the letter goes to."), field="authority")
    return authority, None


def edit_letter(letter: Letter, *, actor: User, expected_version: int, **changes: Any) -> None:
    """Change what a draft says; a signed letter is corrected by a new one instead."""
    _require(can(actor, P.DRAFT_LETTER, letter))
    if not letter.is_draft:
        raise Refusal(_("Only a draft can be edited; correct a signed letter with a new one."))
    _check_version(letter, expected_version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name in ("addressee_block", "subject", "body"):
        if name in changes and not (changes[name] or "").strip():
            raise Refusal(_("This cannot be empty."), field=name)
    _check_size(changes)
    before = letter.snapshot()
    for name, value in changes.items():
        setattr(letter, name, value.strip() if isinstance(value, str) else value)
    if changed := diff(before, letter.snapshot()):
        _log(letter, AuditAction.LETTER_EDITED, actor=actor, step="edited", changes=changed)


def _check_size(texts: dict[str, Any]) -> None:
    if len(texts.get("body") or "") > MAX_BODY_CHARACTERS:
        raise Refusal(_("A letter's text may be at most %(limit)s characters long.",
                        limit=MAX_BODY_CHARACTERS), field="body")
    for name, limit in MAX_LINES.items():
        if len((texts.get(name) or "").strip().splitlines()) > limit:
            raise Refusal(_("At most %(limit)s lines here.", limit=limit), field=name)


def discard(letter: Letter, *, actor: User) -> None:
    _require(can(actor, P.DRAFT_LETTER, letter))
    if not letter.is_draft:
        raise Refusal(_("Only a draft can be discarded; a signed letter stays in the register."))
    letter.status = LetterStatus.DISCARDED
    _log(letter, AuditAction.LETTER_DISCARDED, actor=actor, step="discarded",
         changes={"status": ["draft", "discarded"]})


def start_correction(letter: Letter, *, actor: User) -> Letter:
    """A new draft that will replace a signed letter once it is signed itself."""
    _require(can(actor, P.DRAFT_LETTER, letter))
    if not letter.is_frozen or letter.superseded_by is not None:
        raise Refusal(_("Only a signed letter that nothing replaced yet can be corrected."))
    correction = Letter(
        kind=letter.kind, language=letter.language, case=letter.case,
        recommendation=letter.recommendation, region=letter.region,
        authority=letter.authority, person=letter.person, supersedes=letter,
        addressee_block=letter.addressee_block, subject=letter.subject, body=letter.body,
        enclosures=letter.enclosures, confidential=letter.confidential, drafted_by=actor,
    )
    db.session.add(correction)
    db.session.flush()
    _log(correction, AuditAction.LETTER_DRAFTED, actor=actor, step="correction_drafted",
         changes={**diff({}, correction.snapshot()), "supersedes": letter.number})
    return correction


# -- signing ----------------------------------------------------------------------------------


def undisclosed_mentions(letter: Letter) -> list[Mention]:
    """People of the case named (or identified by IIN) in the letter although their consent
    does not cover its addressee."""
    parties: list[CaseParty] = list(letter.case.parties) if letter.case is not None else []
    return mentions_without_consent(
        parties, Addressee.of(letter.authority, letter.person_id),
        (letter.subject, letter.body, letter.addressee_block, letter.enclosures),
    )


def sign(letter: Letter, *, actor: User, expected_version: int,
         confirm_names: bool = False) -> None:
    """Number the letter in the outgoing register, render its PDF once, store it with its
    SHA-256 and freeze it. Names without consent stop the signature unless the signer
    confirms them."""
    _require(can(actor, P.SIGN_LETTER, letter))
    if not letter.is_draft:
        raise Refusal(_("Only a draft can be signed."))
    _check_version(letter, expected_version)
    _check_size({name: getattr(letter, name) for name in MAX_LINES})
    old = letter.supersedes
    if old is not None and old.superseded_by is not None:
        raise Refusal(_("%(number)s was already replaced by %(other)s.",
                        number=old.label, other=old.superseded_by.label))
    mentions = undisclosed_mentions(letter)
    if mentions and not confirm_names:
        raise Refusal(
            _("The letter names %(people)s, whose consent does not cover this addressee. "
              "Replace the name with the pseudonym, or confirm that it must stay.",
              people=", ".join(m.describe(letter.language) for m in mentions)),
            field="confirm_names",
        )
    today = office_today()
    letter.number = register_number("letter", today.year)
    letter.dated = today
    letter.signed_by = actor
    letter.signed_at = utcnow()
    letter.names_confirmed = bool(mentions)
    if letter.response_due is None and letter.kind.expects_response and letter.authority:
        letter.response_due = reply_due(today, letter.authority, WorkingCalendar.load())
    stored = storage.save_generated(letter_pdf(content_of(letter)), storage.PDF)
    storage.delete_on_rollback(db.session(), [stored.storage_name])
    letter.pdf_storage_name, letter.pdf_sha256 = stored.storage_name, stored.sha256
    letter.pdf_size = stored.size
    letter.status = LetterStatus.SIGNED
    if old is not None:
        old.superseded_by = letter
    _log(letter, AuditAction.LETTER_SIGNED, actor=actor, step="signed", changes={
        "status": ["draft", "signed"], "number": [None, letter.number],
        "dated": [None, today.isoformat()], "sha256": [None, stored.sha256],
        "response_due": [None, letter.response_due.isoformat() if letter.response_due else None],
        "names_confirmed": [m.describe(letter.language) for m in mentions],
        **({"supersedes": old.number} if old is not None else {}),
    })


def mark_sent(letter: Letter, *, actor: User, sent_on: date) -> None:
    _require(can(actor, P.DRAFT_LETTER, letter))
    if letter.status is not LetterStatus.SIGNED:
        raise Refusal(_("Only a signed letter that is not sent yet can be marked as sent."))
    if letter.dated and sent_on < letter.dated:
        raise Refusal(_("A letter cannot be sent before it was signed."), field="sent_on")
    if sent_on > office_today():
        raise Refusal(_("The date cannot be in the future."), field="sent_on")
    letter.status = LetterStatus.SENT
    letter.sent_on = sent_on
    _log(letter, AuditAction.LETTER_SENT, actor=actor, step="sent",
         changes={"status": ["signed", "sent"], "sent_on": [None, sent_on.isoformat()]})


def note_reading(letter: Letter, *, actor: User) -> None:
    """Reading a letter that shows a name without consent is an audited reveal, as on the
    case page: the caller commits it with the page it serves."""
    _require(can(actor, P.READ_LETTER, letter))
    if letter.case is not None and shows_hidden_identity(letter):
        record(AuditAction.IDENTITY_REVEALED, actor=actor, obj=letter.case,
               changes={"letter_id": letter.id})


def stored_pdf_path(letter: Letter, *, actor: User) -> Path:
    """The signed PDF's path after checking the reader's right and the stored hash
    (storage.IntegrityFailure when the file changed). The download is audited, and so is a
    name it shows without consent."""
    _require(can(actor, P.READ_LETTER, letter))
    if letter.pdf_storage_name is None or letter.pdf_sha256 is None:
        raise Refusal(_("A draft has no stored PDF yet; use the preview."))
    path = storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256)
    record(AuditAction.LETTER_DOWNLOADED, actor=actor, obj=letter)
    note_reading(letter, actor=actor)
    return path


# -- the incoming register --------------------------------------------------------------------


def register_incoming(
    *,
    actor: User,
    received_on: date,
    kind: IncomingKind,
    authority: Authority | None = None,
    sender: str = "",
    their_number: str = "",
    their_date: date | None = None,
    summary: str = "",
    case: Case | None = None,
    letter: Letter | None = None,
    recommendation: Recommendation | None = None,
) -> IncomingDocument:
    """Enter a received document with the next incoming number. It answers a letter, a
    recommendation, or belongs to a case; answering a letter records its response date.
    Each one named is checked: the actor reads the letter and writes letters about the
    recommendation and the case, and all of them concern the same case."""
    about: Letter | Recommendation | Case | None = letter or recommendation or case
    if about is None:
        raise Refusal(_("Link the document to the letter, recommendation or case it concerns."),
                      field="letter")
    _require(can(actor, P.KEEP_CORRESPONDENCE)
             and (letter is None or can(actor, P.READ_LETTER, letter))
             and all(can(actor, P.DRAFT_LETTER, named)
                     for named in (recommendation, case) if named is not None))
    case = _one_case(letter, recommendation, case)
    today = office_today()
    if received_on > today:
        raise Refusal(_("The date cannot be in the future."), field="received_on")
    if received_on < earliest_received_on(today):
        raise Refusal(_("The date is more than ten years ago."), field="received_on")
    if their_date is not None and their_date > received_on:
        raise Refusal(_("The sender cannot have dated it after it arrived."), field="their_date")
    if authority is None and not sender.strip():
        raise Refusal(_("Choose the authority that sent it, or name the sender."),
                      field="sender")
    if letter is not None and letter.dated is not None and received_on < letter.dated:
        raise Refusal(_("A reply cannot arrive before the letter was signed."),
                      field="received_on")
    document = IncomingDocument(
        number=register_number("incoming", received_on.year), received_on=received_on,
        kind=kind, region=about.region, authority=authority, sender=sender.strip(),
        their_number=their_number.strip(), their_date=their_date, summary=summary.strip(),
        case=case, letter=letter, recommendation=recommendation, registered_by=actor,
    )
    db.session.add(document)
    if letter is not None and letter.response_received_on is None:
        letter.response_received_on = received_on
    db.session.flush()
    record(AuditAction.INCOMING_REGISTERED, actor=actor, obj=document,
           changes=diff({}, document.snapshot()))
    if case is not None:
        add_event(case, EventKind.LETTER, actor=actor, step="incoming",
                  number=document.number, letter_id=letter.id if letter else None,
                  incoming_kind=kind)
    return document


def _one_case(letter: Letter | None, recommendation: Recommendation | None,
              case: Case | None) -> Case | None:
    """The case the document lands on, whose timeline records it: the one the letter, the
    recommendation and the case named all concern. A Refusal by the field that disagrees."""
    if (letter is not None and letter.recommendation is not None
            and recommendation not in (None, letter.recommendation)):
        raise Refusal(_("%(label)s is about recommendation %(number)s.", label=letter.label,
                        number=letter.recommendation.label), field="recommendation")
    found = case
    for about in (letter, recommendation):
        if about is None or about.case is None:
            continue
        if found is not None and about.case_id != found.id:
            raise Refusal(_("%(label)s is about case %(reference)s.", label=about.label,
                            reference=about.case.reference),
                          field="case" if case is not None else "recommendation")
        found = about.case
    return found
