"""How a file is named to a reader: by its file name only to those who may download it.

A file name often is a name ("Ivanov Ivan complaint.pdf"), so everyone else reads
"Document 2 (PDF, 120 KB)". The timeline and the audit log store no file names at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext
from flask_login import current_user

from casework.accounts.models import User
from casework.attachments.models import Attachment
from casework.attachments.storage import TYPE_NAMES
from casework.permissions import Permission, can

if TYPE_CHECKING:
    from casework.cases.models import Event


def type_name(media_type: str) -> str:
    return TYPE_NAMES.get(media_type, media_type)


def size_text(size: int) -> str:
    if size < 1024:
        return gettext("%(num)d B", num=size)
    if size < 1024 * 1024:
        return gettext("%(num)s KB", num=f"{size / 1024:.0f}")
    return gettext("%(num)s MB", num=f"{size / 1024 / 1024:.1f}")


def document_number(attachment: Attachment) -> int:
    """1 for the case's (or visit's) first file, 2 for the next: stable as files are added."""
    owner = attachment.case or attachment.visit
    assert owner is not None  # noqa: S101 - the attachments table's CHECK
    ids = sorted(a.id for a in owner.attachments)
    return ids.index(attachment.id) + 1


def anonymous_label(attachment: Attachment) -> str:
    return gettext(
        "Document %(num)d (%(type)s, %(size)s)",
        num=document_number(attachment),
        type=type_name(attachment.media_type),
        size=size_text(attachment.size),
    )


def may_download(attachment: Attachment, user: User | None = None) -> bool:
    return can(user or current_user, Permission.DOWNLOAD_ATTACHMENT, attachment)


def attachment_label(attachment: Attachment, user: User | None = None) -> str:
    """The file name for those who may download the file, a neutral label for the rest."""
    if may_download(attachment, user):
        return attachment.file_name
    return anonymous_label(attachment)


def event_lines(event: Event, user: User | None = None) -> list[str]:
    """The timeline line of an "attachment added" event, for the signed-in reader."""
    attachment_id = event.data.get("attachment_id")
    found = [a for a in event.case.attachments if a.id == attachment_id]
    return [attachment_label(found[0], user)] if found else []
