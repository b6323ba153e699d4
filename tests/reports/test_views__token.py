"""Reports by API token: the operations centre fetches the files with ``Authorization: Token …``.

The same checks as a browser session apply to the token's user; the schema
documents each file as a binary response.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken

from tests.factories import Driver

FILES = [
    ("/reports/progress.pdf", "application/pdf"),
    ("/reports/progress.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/reports/funding.pdf", "application/pdf"),
    (
        "/reports/accountability.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
]


def token_for(user: User) -> str:
    return AuthToken.objects.create(user=user)[1]


def fetch(url: str, token: str, **headers: str) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {token}", **headers)


@pytest.mark.parametrize(("url", "content_type"), FILES)
def test_police_fetch_each_province_report_with_a_token(
    drive: Driver, police: User, url: str, content_type: str
) -> None:
    drive.register(6)
    response = fetch(url, token_for(police), HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == content_type
    assert response.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_a_token_carries_its_user_s_permissions(
    drive: Driver, officer: User, other_officer: User
) -> None:
    pm = drive.register(6)
    refused = fetch("/reports/progress.pdf", token_for(officer))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    own = fetch(f"/reports/pilot-models/{pm.pk}.pdf", token_for(officer))
    assert own.status_code == 200 and own.content[:4] == b"%PDF"
    hidden = fetch(f"/reports/pilot-models/{pm.pk}.pdf", token_for(other_officer))
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"


def test_a_bad_or_dead_token_is_a_401_not_a_login_page(police: User) -> None:
    assert fetch("/reports/funding.pdf", "not-a-token").status_code == 401
    token = token_for(police)
    police.is_active = False
    police.save()
    response = fetch("/reports/funding.pdf", token)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_a_browser_without_a_session_is_still_sent_to_log_in(client: Client, db: Any) -> None:
    response = client.get("/reports/funding.xlsx")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_browser_session_still_gets_the_report_and_the_403_page(
    browser: Any, drive: Driver
) -> None:
    drive.register(6)
    assert browser("police").get("/reports/funding.pdf").status_code == 200
    page = browser("officer").get("/reports/funding.pdf")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_the_schema_documents_the_reports_as_binary_responses(client: Client, db: Any) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, content_type in [*FILES, ("/reports/pilot-models/{id}.pdf", "application/pdf")]:
        operation = schema["paths"][path]["get"]
        assert operation["responses"]["200"]["content"][content_type]["schema"] == {
            "type": "string",
            "format": "binary",
        }
        assert {"tokenAuth": []} in operation["security"]
    progress = schema["paths"]["/reports/progress.pdf"]["get"]
    assert {p["name"] for p in progress["parameters"]} == {"period", "date"}
