"""Evidence uploads: what is refused, how early, and how an accepted file is kept and served.

Three layers, each tested here: ``RequestSizeMiddleware`` (413 from the
Content-Length alone), ``BoundedUploadHandler`` (stops a file at the first
byte over 20 MB, a request at the 21st file, while the body streams in),
and ``evidence.check`` (sniffed type, safe name), which decides what a
file is.  A refused submission changes nothing and leaves no file on disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from approvals.exceptions import Invalid
from approvals.models import AuditEntry
from tests.factories import Driver, evidence_pdf
from workflows import services
from workflows.models import EvidenceFile, PilotModel
from workflows.states import State
from workflows.uploads import BoundedUploadHandler, UploadRefused

MB = 1024 * 1024
DONE = {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}], "summary": "Đã hoàn thành"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class RawUpload:
    """An upload object exactly as a caller built it: no sanitising of its name on the way."""

    def __init__(self, name: str, content: bytes, size: int | None = None) -> None:
        self.name = name
        self._content = content
        self.size = len(content) if size is None else size

    def seek(self, offset: int) -> None:
        pass

    def chunks(self, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        for start in range(0, len(self._content), chunk_size):
            yield self._content[start : start + chunk_size]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip_not_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    return buffer.getvalue()


BAD_FILES: dict[str, Any] = {
    "an executable renamed .pdf": lambda: [
        SimpleUploadedFile("hoadon.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    ],
    "an SVG with a script": lambda: [
        SimpleUploadedFile(
            "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        )
    ],
    "an SVG renamed .png": lambda: [
        SimpleUploadedFile(
            "logo.png", b'<?xml version="1.0"?><svg onload="alert(1)"/>', content_type="image/png"
        )
    ],
    "an HTML page with a script": lambda: [
        SimpleUploadedFile(
            "bao-cao.pdf", b"<html><body><script>fetch('/api/v1/')</script></body></html>"
        )
    ],
    "a ZIP that is not a DOCX": lambda: [SimpleUploadedFile("bien-ban.docx", _zip_not_docx())],
    "an empty file": lambda: [SimpleUploadedFile("rong.pdf", b"")],
    "a file over 20 MB": lambda: [SimpleUploadedFile("lon.pdf", PDF + b"\x00" * (20 * MB))],
    "a file over 20 MB that claims to be small": lambda: [
        RawUpload("lon.pdf", PDF + b"\x00" * (20 * MB), size=100)
    ],
    "a name with ../": lambda: [RawUpload("../../etc/passwd.pdf", PDF)],
    "a name with a backslash path": lambda: [RawUpload("..\\..\\boot.pdf", PDF)],
    "a name with NUL": lambda: [RawUpload("bien-ban.pdf\x00.exe", PDF)],
    "a name with a right-to-left override": lambda: [RawUpload("hoadon\u202efdp.exe", PDF)],
    "a name with a newline": lambda: [RawUpload("bien\nban.pdf", PDF)],
    "21 files": lambda: [evidence_pdf(f"bien-ban-{n}.pdf") for n in range(21)],
    "one bad file among good ones": lambda: [
        evidence_pdf("a.pdf"),
        SimpleUploadedFile("b.pdf", b"MZ"),
        evidence_pdf("c.pdf"),
    ],
}


def _on_disk() -> list[Path]:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    return sorted(root.iterdir()) if root.exists() else []


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_kept(case: str, drive: Driver) -> None:
    pm = drive.deploying(40)

    with pytest.raises(Invalid) as refused:
        services.perform(
            "submit_completion",
            pilot_model_id=pm.pk,
            actor=drive.p["officer"],
            data=DONE,
            files=BAD_FILES[case](),
        )

    assert list(refused.value.errors) == ["files"]
    after = PilotModel.objects.get(pk=pm.pk)
    assert (after.state, after.version, after.pending_step) == (State.DEPLOYING, pm.version, None)
    assert not EvidenceFile.objects.exists() and _on_disk() == []
    assert (
        AuditEntry.objects.filter(action="refused.submit_completion", object_id=str(pm.pk)).count()
        == 1
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Biên bản nghiệm thu.pdf", PDF, "pdf"),
        ("ảnh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "jpg"),
        ("sơ đồ.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "png"),
        ("báo cáo.docx", _docx(), "docx"),
    ],
)
def test_a_good_file_is_stored_under_a_generated_name_with_its_sha256(
    name: str, content: bytes, kind: str, drive: Driver
) -> None:
    pm = drive.deploying(41)

    services.perform(
        "submit_completion",
        pilot_model_id=pm.pk,
        actor=drive.p["officer"],
        data=DONE,
        files=[SimpleUploadedFile(name, content)],
    )

    item = EvidenceFile.objects.get()
    assert item.original_name == name
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{kind}", item.stored_name)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert [p.name for p in _on_disk()] == [item.stored_name]
    assert _on_disk()[0].read_bytes() == content
    # Outside anything served as static or media.
    assert not str(_on_disk()[0]).startswith(str(settings.STATIC_ROOT))


class CountingStream(io.RawIOBase):
    """A 50 MB multipart body made up as it is read, counting what the parser consumed."""

    def __init__(self, boundary: str, file_bytes: int) -> None:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="lon.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        self.parts = [head, PDF, b"\x00" * (file_bytes - len(PDF)), tail]
        self.length = sum(len(p) for p in self.parts)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.consumed >= self.length:
            return b""
        size = self.length - self.consumed if size < 0 else min(size, self.length - self.consumed)
        out = bytearray()
        offset = self.consumed
        for part in self.parts:
            if offset >= len(part):
                offset -= len(part)
                continue
            take = part[offset : offset + size - len(out)]
            out += take
            offset = 0
            if len(out) == size:
                break
        self.consumed += len(out)
        return bytes(out)


def test_a_50_mb_upload_is_stopped_once_it_passes_20_mb() -> None:
    boundary = "pilot06boundary"
    stream = CountingStream(boundary, 50 * MB)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(stream.length),
    }
    handlers = [BoundedUploadHandler(), MemoryFileUploadHandler(), TemporaryFileUploadHandler()]

    with pytest.raises(UploadRefused) as refused:
        MultiPartParser(meta, stream, handlers).parse()

    assert "lon.pdf" in refused.value.errors["files"][0]
    assert stream.consumed < 21 * MB, f"read {stream.consumed / MB:.1f} MB of a 50 MB body"


def test_the_handler_stops_at_the_21st_file_before_reading_it() -> None:
    handler = BoundedUploadHandler()
    for n in range(20):
        handler.new_file("files", f"{n}.pdf", "application/pdf", 10)

    with pytest.raises(UploadRefused):
        handler.new_file("files", "20.pdf", "application/pdf", 10)


def _token_client(user: User) -> APIClient:
    _instance, token = AuthToken.objects.create(user=user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def test_the_api_refuses_a_21_mb_evidence_file_with_400(drive: Driver) -> None:
    pm = drive.deploying(42)
    big = SimpleUploadedFile("lon.pdf", PDF + b"\x00" * (21 * MB), content_type="application/pdf")

    response = _token_client(drive.p["officer"]).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        {"data": json.dumps(DONE), "files": [big]},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["files"]
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version and _on_disk() == []


def test_the_api_refuses_21_files_with_400(drive: Driver) -> None:
    pm = drive.deploying(43)

    response = _token_client(drive.p["officer"]).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        {"data": json.dumps(DONE), "files": [evidence_pdf(f"{n}.pdf") for n in range(21)]},
        format="multipart",
    )

    assert response.status_code == 400 and list(response.json()) == ["files"]
    assert _on_disk() == []


def test_the_page_refuses_a_21_mb_evidence_file_with_400(drive: Driver) -> None:
    pm = drive.deploying(44)
    client = Client()
    client.force_login(drive.p["officer"])
    big = SimpleUploadedFile("lon.pdf", PDF + b"\x00" * (21 * MB), content_type="application/pdf")

    response = client.post(
        f"/pilot-models/{pm.pk}/actions/submit_completion/",
        {
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-achieved": "10",
            "summary": "Xong",
            "files": [big],
        },
    )

    assert response.status_code == 400
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version and _on_disk() == []


@pytest.mark.parametrize(
    ("url", "content_type", "api"),
    [
        ("/api/v1/pilot-models/{pk}/actions/approve_registration/", "application/json", True),
        (
            "/api/v1/pilot-models/{pk}/actions/submit_completion/",
            "multipart/form-data; boundary=x",
            True,
        ),
        (
            "/pilot-models/{pk}/actions/approve_registration/",
            "application/x-www-form-urlencoded",
            False,
        ),
        ("/accounts/login/", "application/x-www-form-urlencoded", False),
    ],
)
def test_a_body_declared_too_large_is_refused_before_it_is_read(
    url: str, content_type: str, api: bool, drive: Driver
) -> None:
    pm = drive.register(45)
    declared = 500 * MB if content_type.startswith("multipart/") else 3 * MB
    client = _token_client(drive.p["police"]) if api else Client()

    response = client.generic(
        "POST", url.format(pk=pm.pk), b"{}", content_type=content_type, CONTENT_LENGTH=str(declared)
    )

    assert response.status_code == 413
    if api:
        assert response.json()["code"] == "request_too_large"
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


def test_a_3_mb_json_body_is_a_413_not_a_500(drive: Driver) -> None:
    pm = drive.register(46)
    body = json.dumps({"comment": "x" * (3 * MB)})

    response = _token_client(drive.p["police"]).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/",
        body,
        content_type="application/json",
    )

    assert response.status_code == 413
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


@pytest.mark.parametrize(
    "name", ['Biên bản "cuối".pdf', "bien-ban.pdf", "x;filename=evil.html.pdf"]
)
def test_evidence_is_served_as_a_nosniff_attachment_under_its_display_name(
    name: str, drive: Driver
) -> None:
    pm = drive.deploying(47)
    services.perform(
        "submit_completion",
        pilot_model_id=pm.pk,
        actor=drive.p["officer"],
        data=DONE,
        files=[SimpleUploadedFile(name, PDF)],
    )
    item = EvidenceFile.objects.get()
    client = Client()
    client.force_login(drive.p["police"])

    response = client.get(f"/evidence/{item.pk}/")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and 'evil.html"' not in disposition
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


def test_evidence_of_another_agency_is_a_404(drive: Driver, other_officer: User) -> None:
    pm = drive.completion_submitted(48)
    item = EvidenceFile.objects.get(report__pilot_model=pm)
    client = Client()
    client.force_login(other_officer)

    assert client.get(f"/evidence/{item.pk}/").status_code == 404
    assert client.get(f"/evidence/{item.pk + 1000}/").status_code == 404
