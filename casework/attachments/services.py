"""Adding files to a case (or a violation's evidence to its visit) and handing them out:
store, record, timeline and audit log.

File names stay on the attachment row: the timeline and the audit log (kept forever) get the
id, type, size and SHA-256, because a file name often names the complainant.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from casework.accounts.models import User
from casework.attachments import storage
from casework.attachments.models import Attachment
from casework.audit import AuditAction, record
from casework.cases.models import Case, EventKind
from casework.cases.timeline import add_event
from casework.extensions import db
from casework.permissions import Permission, can
from casework.refusals import NotAllowed, Refusal

if TYPE_CHECKING:
    from casework.recommendations.models import Reply, Verification
    from casework.violations.models import Violation
    from casework.visits.models import Visit


def chosen_files(files: Iterable[FileStorage | None]) -> list[FileStorage]:
    """The file inputs the user actually filled (an empty input still sends a part)."""
    return [f for f in files if f is not None and f.filename]


def clean_file_name(file_name: str) -> str:
    """Keep the user's name for the download (no directories, bounded length)."""
    name = Path(file_name.replace("\\", "/")).name.strip() or "file"
    stem, suffix = Path(name).stem, Path(name).suffix
    return stem[: 255 - len(suffix)] + suffix


def add_attachments(
    case: Case,
    files: Iterable[FileStorage],
    *,
    actor: User,
    confidential: bool = False,
    reply: Reply | None = None,
    verification: Verification | None = None,
) -> list[Attachment]:
    """Store every file or none: a refused file removes those already written in this batch.

    Files sent with an authority's reply, or the evidence of a verification, stay among the
    case's attachments and are also linked to that reply or verification (flushed, with an id).
    Raises storage.FileRejected. The caller commits.
    """
    uploads = list(files)
    stored = _store(uploads)
    links = {name: row.id for name, row in (("reply_id", reply),
                                              ("verification_id", verification)) if row}
    return [
        _record_attachment(case, upload, saved, actor=actor, confidential=confidential,
                           links=links)
        for upload, saved in zip(uploads, stored, strict=True)
    ]


def _store(uploads: list[FileStorage]) -> list[storage.StoredFile]:
    """Write every upload or none (sniffed type, hash, opaque name); a rollback of the
    transaction that was to record them deletes them again. Raises storage.FileRejected."""
    stored: list[storage.StoredFile] = []
    try:
        for upload in uploads:
            stored.append(storage.save(upload.stream, clean_file_name(upload.filename or "")))
    except storage.FileRejected:
        for done in stored:
            storage.delete(done.storage_name)
        raise
    storage.delete_on_rollback(db.session(), (saved.storage_name for saved in stored))
    return stored


def _record_attachment(
    case: Case,
    upload: FileStorage,
    saved: storage.StoredFile,
    *,
    actor: User,
    confidential: bool,
    links: dict[str, int],
) -> Attachment:
    attachment = Attachment(
        file_name=clean_file_name(upload.filename or ""),
        media_type=saved.media_type,
        size=saved.size,
        sha256=saved.sha256,
        storage_name=saved.storage_name,
        is_confidential=confidential,
        uploaded_by=actor,
        **links,
    )
    case.attachments.append(attachment)
    db.session.flush()
    facts = {
        "attachment_id": attachment.id,
        **links,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }
    add_event(case, EventKind.ATTACHMENT_ADDED, actor=actor, **facts)
    record(
        AuditAction.ATTACHMENT_ADDED, actor=actor, obj=attachment,
        changes={"case_id": case.id, **facts},
    )
    return attachment


def add_violation_evidence(
    violation: Violation, files: Iterable[FileStorage], *, actor: User
) -> list[Attachment]:
    """The evidence of a violation: filed with its case (with the case's timeline event), or
    with its visit when it has no case. Whoever may record the violation adds it; reading it
    follows the case's or the visit's download rule. Raises storage.FileRejected and
    NotAllowed, and Refusal once the case is closed or the visit completed. The caller
    commits."""
    if not can(actor, Permission.RECORD_VIOLATION, violation):
        raise NotAllowed(_("You are not allowed to add evidence to this violation."))
    if violation.is_frozen:
        raise Refusal(_("The case is closed or the visit completed: its findings and their "
                        "evidence stay as they are until it is reopened."), field="files")
    uploads = list(files)
    stored = _store(uploads)
    links = {"violation_id": violation.id}
    if violation.case is not None:
        return [_record_attachment(violation.case, upload, saved, actor=actor,
                                   confidential=False, links=links)
                for upload, saved in zip(uploads, stored, strict=True)]
    visit = violation.visit
    assert visit is not None  # noqa: S101 - the violations table's CHECK
    return [_record_visit_attachment(visit, upload, saved, actor=actor, links=links)
            for upload, saved in zip(uploads, stored, strict=True)]


def _record_visit_attachment(
    visit: Visit,
    upload: FileStorage,
    saved: storage.StoredFile,
    *,
    actor: User,
    links: dict[str, int],
) -> Attachment:
    """A visit has no timeline: the audit log alone records the file (by its hash)."""
    attachment = Attachment(
        file_name=clean_file_name(upload.filename or ""), media_type=saved.media_type,
        size=saved.size, sha256=saved.sha256, storage_name=saved.storage_name,
        uploaded_by=actor, **links,
    )
    visit.attachments.append(attachment)
    db.session.flush()
    record(
        AuditAction.ATTACHMENT_ADDED, actor=actor, obj=attachment,
        changes={"visit_id": visit.id, "attachment_id": attachment.id, **links,
                 "media_type": attachment.media_type, "size": attachment.size,
                 "sha256": attachment.sha256},
    )
    return attachment


def record_download(attachment: Attachment, *, actor: User) -> None:
    """A download reads confidential data: audit it (which file, by its hash; not its name).

    Raises NotAllowed for a user who may not download the file. The caller commits.
    """
    if not can(actor, Permission.DOWNLOAD_ATTACHMENT, attachment):
        raise NotAllowed(_("You are not allowed to download this file."))
    record(
        AuditAction.ATTACHMENT_DOWNLOADED, actor=actor, obj=attachment,
        changes={"case_id": attachment.case_id, "sha256": attachment.sha256,
                 **({"visit_id": attachment.visit_id} if attachment.visit_id else {})},
    )
