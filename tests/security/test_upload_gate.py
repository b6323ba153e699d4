"""A multipart body is read only for someone who may submit it (review, "not verified" item).

Before: any signed-in user could stream ~400 MB of multipart to
``submit_completion``; the CSRF check (pages, session API) or the parser
read all of it before the service said 404 or 403.  Now the permission,
role and state of the action are checked from the URL before a byte of the
body is read, multipart goes nowhere else, and the whole request is capped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import multipartparser
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from approvals.models import AuditEntry
from tests.factories import Driver, evidence_pdf
from workflows.models import PilotModel

DONE = {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}], "summary": "Xong"}
MB = 1024 * 1024


@pytest.fixture
def parsed(monkeypatch: Any) -> list[str]:
    """Every multipart body Django parsed during the test."""
    calls: list[str] = []
    real = multipartparser.MultiPartParser.parse

    def spy(self: Any) -> Any:
        calls.append("parsed")
        return real(self)

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", spy)
    return calls


def token_client(user: User) -> APIClient:
    _instance, key = AuthToken.objects.create(user=user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def session_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # the CSRF cookie
    return client


def api_post(client: Any, pm: PilotModel) -> Any:
    return client.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        {"data": json.dumps(DONE), "files": [evidence_pdf()]},
        format="multipart",
    )


def page_post(client: Client, pm: PilotModel) -> Any:
    return client.post(
        f"/pilot-models/{pm.pk}/actions/submit_completion/",
        {
            "deliverables": json.dumps(DONE["deliverables"]),
            "summary": "Xong",
            "files": [evidence_pdf()],
        },
    )


@pytest.mark.parametrize(("who", "status"), [("other_officer", 404), ("police", 403)])
def test_the_api_answers_a_stranger_before_reading_the_body(
    who: str, status: int, drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()

    response = api_post(token_client(drive.p[who]), pm)

    assert response.status_code == status
    assert parsed == []
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


def test_a_session_client_of_another_agency_is_answered_before_the_csrf_check_reads_the_body(
    drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()
    client = session_client(drive.p["other_officer"])

    response = client.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        {"data": json.dumps(DONE), "files": [evidence_pdf()]},
    )

    assert response.status_code == 404 and parsed == []


def test_the_page_answers_a_stranger_before_reading_the_body(
    drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()

    response = page_post(session_client(drive.p["other_officer"]), pm)

    assert response.status_code == 404 and parsed == []
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (
        entry is not None
        and entry.action == "refused.submit_completion"
        and entry.object_type == "request"
    )


def test_the_wrong_state_is_answered_before_reading_the_body(
    drive: Driver, parsed: list[str]
) -> None:
    pm = drive.register()

    response = api_post(token_client(drive.p["officer"]), pm)

    assert response.status_code == 409 and parsed == []
    assert AuditEntry.objects.order_by("-seq").first().action == "refused.submit_completion"  # type: ignore[union-attr]


def test_the_task_page_answers_a_stranger_before_reading_the_body(
    drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()
    task = Task.objects.get(process=pm.process, flow_task_type="HUMAN", finished__isnull=True)
    client = session_client(drive.p["other_officer"])

    response = client.post(
        f"/flow/pilot/{pm.process_id}/{task.flow_task.name}/{task.pk}/execute/",
        {"action": "submit_completion", "summary": "Xong", "files": [evidence_pdf()]},
    )

    assert response.status_code == 404 and parsed == []


def test_an_anonymous_upload_is_answered_before_reading_the_body(
    drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()

    api = api_post(APIClient(), pm)
    page = page_post(Client(), pm)

    assert (api.status_code, page.status_code) == (401, 302) and parsed == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pilot-models/{pk}/actions/report_progress/",
        "/pilot-models/{pk}/actions/report_progress/",
        "/accounts/login/",
    ],
)
def test_a_large_multipart_body_anywhere_else_is_refused_unread(
    url: str, drive: Driver, parsed: list[str]
) -> None:
    pm = drive.deploying()
    client: Any = token_client(drive.p["officer"]) if url.startswith("/api/") else Client()
    if not url.startswith("/api/"):
        client.force_login(drive.p["officer"])

    response = client.generic(
        "POST",
        url.format(pk=pm.pk),
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(3 * MB),
    )

    assert response.status_code == 413 and parsed == []


def test_a_small_form_sent_as_multipart_still_works(drive: Driver) -> None:
    response = Client().post("/accounts/login/", {"username": "police", "password": "pw-police"})

    assert response.status_code == 302


def test_the_whole_request_is_capped(drive: Driver, settings: Any) -> None:
    settings.PILOT06_UPLOAD_MAX_TOTAL_BYTES = 5 * MB
    pm = drive.deploying()

    response = token_client(drive.p["officer"]).generic(
        "POST",
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(6 * MB),
    )

    assert response.status_code == 413 and response.json()["code"] == "request_too_large"


def test_the_files_together_are_capped_as_they_stream(drive: Driver, settings: Any) -> None:
    settings.PILOT06_UPLOAD_MAX_TOTAL_BYTES = 3 * MB
    pm = drive.deploying()
    two_mb = b"%PDF-1.4\n" + b"0" * (2 * MB)
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile(f"{n}.pdf", two_mb + bytes([n]), content_type="application/pdf")
        for n in range(2)
    ]
    response = token_client(drive.p["officer"]).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/submit_completion/",
        {"data": json.dumps(DONE), "files": files},
        format="multipart",
    )

    assert response.status_code in (400, 413)
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


def test_the_officer_still_submits_with_files(drive: Driver, parsed: list[str]) -> None:
    pm = drive.deploying()

    response = api_post(token_client(drive.p["officer"]), pm)

    assert response.status_code == 200, response.content[:300]
    assert parsed == ["parsed"]
