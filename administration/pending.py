"""An uploaded workbook between its dry run and its application, kept outside any public URL.

The session remembers only the file's random name and hash; applying reads
the same bytes back, checks the hash and runs the import again for real
(the database may have changed since the dry run).  Files older than a day
are swept whenever a new one is kept.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "imports"


def keep(content: bytes) -> str:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(content)
    return token


def take(token: str) -> bytes | None:
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / f"{token}.xlsx"
    return path.read_bytes() if path.is_file() else None


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        (_folder() / f"{token}.xlsx").unlink(missing_ok=True)
