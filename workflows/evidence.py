"""Evidence files: sniffed, bounded, stored under generated names outside any public URL."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator, Sequence
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


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its bytes stay in the upload (memory or a temporary file)."""

    name: str
    kind: str
    upload: Any
    size: int
    sha256: str


_CHUNK = 64 * 1024


def _chunks(upload: Any) -> Iterator[bytes]:
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks(_CHUNK)
    else:
        yield from iter(lambda: upload.read(_CHUNK), b"")


def _measure(upload: Any, limit: int) -> tuple[bytes, int, str]:
    """The first bytes, the size (stopping past ``limit``) and the sha256, reading a chunk at a time."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in _chunks(upload):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    return head, size, digest.hexdigest()


def _is_docx(upload: Any) -> bool:
    """A DOCX is a zip with a Word document in it; read from the upload's own (seekable) file."""
    source = getattr(upload, "file", upload)
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _kind(head: bytes, upload: Any) -> str | None:
    kind = sniff(head)
    if kind is None and head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return "docx"
    return kind


def check(files: Sequence[Any]) -> list[CheckedFile]:
    """Validate every file where it lies (memory or a temporary file), never holding one whole.

    Called before the action takes its locks (review M2).  The same bytes
    sent twice are kept once.  Raises ``Invalid`` naming each bad file.
    """
    limit = settings.EVIDENCE_MAX_BYTES
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise Invalid(
            {"files": [_("Tối đa %(n)s tệp cho mỗi lần gửi.") % {"n": settings.EVIDENCE_MAX_FILES}]}
        )
    errors: list[str] = []
    accepted: dict[str, CheckedFile] = {}
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
        head, size, sha256 = _measure(upload, limit)
        if size > limit:
            errors.append(_("%(name)s: vượt quá 20 MB.") % {"name": name})
            continue
        kind = _kind(head, upload)
        if kind is None:
            errors.append(_("%(name)s: chỉ nhận PDF, JPEG, PNG hoặc DOCX.") % {"name": name})
            continue
        accepted.setdefault(sha256, CheckedFile(name, kind, upload, size, sha256))
    if errors:
        raise Invalid({"files": errors})
    return list(accepted.values())


def store(accepted: list[CheckedFile]) -> list[StoredFile]:
    """Copy each checked upload under a generated name, a chunk at a time."""
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    root.mkdir(parents=True, exist_ok=True)
    stored: list[StoredFile] = []
    for item in accepted:
        stored_name = f"{uuid.uuid4().hex}.{item.kind}"
        with (root / stored_name).open("wb") as out:
            for chunk in _chunks(item.upload):
                out.write(chunk)
        stored.append(
            StoredFile(item.name, stored_name, CONTENT_TYPES[item.kind], item.size, item.sha256)
        )
    return stored


def path_of(stored_name: str) -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "evidence" / stored_name


def discard(stored: list[StoredFile]) -> None:
    """Remove files written for an action that then rolled back."""
    for item in stored:
        path_of(item.stored_name).unlink(missing_ok=True)
