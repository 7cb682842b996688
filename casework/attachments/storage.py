"""Uploaded files on disk: opaque names outside the web root, type sniffed, SHA-256 kept.

The client's file name and media type are never trusted: the extension must be on the
allow-list AND libmagic must agree with it. Files are always served as downloads, because no
sniffer rejects every polyglot (a PDF that is also HTML).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import magic
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

CHUNK_SIZE = 64 * 1024
SNIFF_SIZE = 8192
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"

# Extension → (the media type we store, the sniffed types that may stand for it).
# libmagic recognises a DOCX only when [Content_Types].xml comes first in the archive; other
# writers give plain "zip", so a zip is accepted for .docx and its contents checked instead.
ALLOWED_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    ".pdf": (PDF, frozenset({PDF})),
    ".jpg": (JPEG, frozenset({JPEG})),
    ".jpeg": (JPEG, frozenset({JPEG})),
    ".png": (PNG, frozenset({PNG})),
    ".docx": (DOCX, frozenset({DOCX, ZIP})),
    ".odt": (ODT, frozenset({ODT})),
}
ALLOWED_EXTENSIONS = tuple(ALLOWED_TYPES)
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "DOCX", ODT: "ODT"}


class FileRejected(ValueError):
    """The file may not be stored; the message is meant for the user."""


class IntegrityFailure(RuntimeError):
    """A stored file is missing or no longer matches the SHA-256 taken at upload."""


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    media_type: str
    size: int
    sha256: str


def storage_dir() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def path_for(storage_name: str) -> Path:
    """Two-character fan-out keeps directories small over years of uploads."""
    if len(storage_name) != 64 or not all(c in "0123456789abcdef" for c in storage_name):
        raise ValueError("not a storage name")
    return storage_dir() / storage_name[:2] / storage_name


def _refuse(file_name: str) -> FileRejected:
    return FileRejected(
        _l(
            "%(name)s was refused: only PDF, JPEG, PNG, DOCX and ODT files are accepted, "
            "and the content must match the file name.",
            name=file_name,
        )
    )


def _looks_like_office_document(stream: IO[bytes], media_type: str) -> bool:
    """A .docx/.odt must be a readable archive with the parts that make it a document."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if media_type == DOCX:
                return {"[Content_Types].xml", "word/document.xml"} <= names
            return "mimetype" in names and archive.read("mimetype").strip() == ODT.encode()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def check_type(file_name: str, head: bytes) -> str:
    """The media type to store for this name and first bytes, or FileRejected."""
    allowed = ALLOWED_TYPES.get(Path(file_name).suffix.lower())
    if not head:
        raise FileRejected(_l("%(name)s is empty.", name=file_name))
    if allowed is None or magic.from_buffer(head, mime=True) not in allowed[1]:
        raise _refuse(file_name)
    return allowed[0]


def check_upload(stream: IO[bytes], file_name: str) -> str:
    """Check a seekable upload without consuming it (used by forms before anything is saved)."""
    start = stream.tell()
    try:
        media_type = check_type(file_name, stream.read(SNIFF_SIZE))
        if media_type in (DOCX, ODT):
            stream.seek(start)
            if not _looks_like_office_document(stream, media_type):
                raise _refuse(file_name)
        return media_type
    finally:
        stream.seek(start)


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def save(stream: IO[bytes], file_name: str) -> StoredFile:
    """Stream an upload to storage, sniffing its type and hashing it on the way."""
    storage_name = secrets.token_hex(32)
    path = path_for(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size, media_type = hashlib.sha256(), 0, ""
    try:
        # O_EXCL: never overwrite; 0o600: only the application's user reads uploads.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(stream):
                if size == 0:
                    media_type = check_type(file_name, chunk[:SNIFF_SIZE])
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if size == 0:
            check_type(file_name, b"")  # raises: empty file
        if media_type in (DOCX, ODT):
            with path.open("rb") as stored:
                if not _looks_like_office_document(stored, media_type):
                    raise _refuse(file_name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(storage_name, media_type, size, digest.hexdigest())


def save_generated(content: bytes, media_type: str) -> StoredFile:
    """Store a file the application made itself (a signed letter's PDF)."""
    storage_name = secrets.token_hex(32)
    path = path_for(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return StoredFile(storage_name, media_type, len(content), hashlib.sha256(content).hexdigest())


def delete(storage_name: str) -> None:
    path_for(storage_name).unlink(missing_ok=True)


# Files written for rows that are not committed yet: a rollback (a refused action, two saves
# crossing) deletes them, so no file outlives the transaction that was to record it.
_UNCOMMITTED = "casework.uncommitted_files"


def delete_on_rollback(session: Session, storage_names: Iterable[str]) -> None:
    session.info.setdefault(_UNCOMMITTED, []).extend(storage_names)


@sa.event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_UNCOMMITTED, None)


@sa.event.listens_for(Session, "after_rollback")
def _delete_rolled_back_files(session: Session) -> None:
    for storage_name in session.info.pop(_UNCOMMITTED, []):
        delete(storage_name)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stored:
        for chunk in _chunks(stored):
            digest.update(chunk)
    return digest.hexdigest()


def verified_path(storage_name: str, expected_sha256: str) -> Path:
    """The file's path, after checking it is still the file that was uploaded."""
    path = path_for(storage_name)
    if not path.is_file() or not secrets.compare_digest(sha256_of(path), expected_sha256):
        raise IntegrityFailure(storage_name)
    return path
