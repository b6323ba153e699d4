"""Evidence files: sniffed, bounded, stored under generated names outside any public URL."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from approvals.exceptions import Invalid

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes, blob: bytes | None = None) -> str | None:
    """The kind of a file from its bytes, never from its name."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and blob is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_name(name: str) -> str:
    """A display name without paths, control or bidirectional-override characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cf", "Cc"})
    base = _UNSAFE.sub("", base).strip(". ") or "tep-dinh-kem"
    return base[:200]


def name_problem(name: str) -> str | None:
    """Why a file name is refused, or None.

    The name is only ever displayed (files are stored under generated
    names), but a path, a control character or a bidirectional override
    (U+202E turns ``hoadon<U+202E>fdp.exe`` into ``hoadonexe.pdf`` on screen) is there to mislead
    whoever reads it, so such a file is refused, not silently renamed.
    """
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        return _("tên tệp không được chứa đường dẫn")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name):
        return _("tên tệp chứa ký tự điều khiển hoặc ký tự đảo chiều")
    return None


def _read(upload: Any, limit: int) -> bytes:
    """Read at most ``limit`` + 1 bytes, so an oversized file is never fully buffered."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks: list[bytes] = []
    total = 0
    source = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in source:
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(chunks)


def check(files: Sequence[Any]) -> list[tuple[str, str, bytes]]:
    """Validate every file; returns (clean name, kind, bytes).  Raises ``Invalid`` naming each bad file."""
    limit = settings.EVIDENCE_MAX_BYTES
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise Invalid({"files": [_("Tối đa %(n)s tệp cho mỗi lần gửi.") % {"n": settings.EVIDENCE_MAX_FILES}]})
    errors: list[str] = []
    accepted: list[tuple[str, str, bytes]] = []
    for upload in files:
        raw_name = str(getattr(upload, "name", "") or "")
        name = clean_name(raw_name)
        problem = name_problem(raw_name)
        if problem:
            errors.append(f"{name}: {problem}.")
            continue
        declared = getattr(upload, "size", None)
        if declared is not None and declared > limit:
            errors.append(_("%(name)s: vượt quá 20 MB.") % {"name": name})
            continue
        blob = _read(upload, limit)
        if len(blob) > limit:
            errors.append(_("%(name)s: vượt quá 20 MB.") % {"name": name})
            continue
        kind = sniff(blob[:16], blob)
        if kind is None:
            errors.append(_("%(name)s: chỉ nhận PDF, JPEG, PNG hoặc DOCX.") % {"name": name})
            continue
        accepted.append((name, kind, blob))
    if errors:
        raise Invalid({"files": errors})
    return accepted


def store(accepted: list[tuple[str, str, bytes]]) -> list[StoredFile]:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    root.mkdir(parents=True, exist_ok=True)
    stored: list[StoredFile] = []
    for name, kind, blob in accepted:
        stored_name = f"{uuid.uuid4().hex}.{kind}"
        (root / stored_name).write_bytes(blob)
        stored.append(
            StoredFile(name, stored_name, CONTENT_TYPES[kind], len(blob), hashlib.sha256(blob).hexdigest())
        )
    return stored


def path_of(stored_name: str) -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "evidence" / stored_name


def discard(stored: list[StoredFile]) -> None:
    """Remove files written for an action that then rolled back."""
    for item in stored:
        path_of(item.stored_name).unlink(missing_ok=True)
