"""The checked file between the dry run and the import: kept on the server under its SHA-256
(outside the web root, with the attachments), so that the admin confirms the import without
choosing the file again and what is imported is byte for byte what was checked."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

SHA256 = re.compile(r"[0-9a-f]{64}")
KEEP_SECONDS = 24 * 3600  # an unconfirmed dry run's file is removed after a day


def _folder() -> Path:
    folder = Path(current_app.config["STORAGE_DIR"]) / "reference-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(sha256: str) -> Path:
    if not SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256")  # never build a path from anything else
    return _folder() / f"{sha256}.csv"


def keep(sha256: str, data: bytes) -> None:
    """Keep a checked file for its confirmation, and drop files nobody confirmed."""
    _path(sha256).write_bytes(data)
    cutoff = time.time() - KEEP_SECONDS
    for old in _folder().glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def take(sha256: str) -> bytes | None:
    """The kept file, removed from the keep in the same step: of two confirmations of one
    file sent at once, only one gets it. None when it is gone (imported, or expired)."""
    path = _path(sha256)
    claimed = path.with_name(f"{sha256}.{secrets.token_hex(8)}.taken")
    try:
        path.rename(claimed)  # atomic: the other request finds nothing to rename
    except FileNotFoundError:
        return None
    try:
        return claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
