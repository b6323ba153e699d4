"""Under /api/ every answer is JSON, whether or not a route matched.

An integrator's typo (an unknown path, an id that cannot be one, a missing
slash) gets ``404 {detail, code: "not_found"}`` whatever the method, with or
without a token: never Django's HTML page, never a CSRF refusal.  A known
path with a method it does not take is a JSON 405.  Django's own error
handlers answer JSON under /api/ too, and HTML everywhere else.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from knox.models import AuthToken

from tests.factories import Driver
from workflows.api import fallback

UNKNOWN = [
    "/api/v1/nothing-here/",
    "/api/v1/nothing-here",
    "/api/v1/pilot-models",  # a real list, but without its slash: no redirect under /api/
    "/api/v1/pilot-models/1/actions/no_such_action/extra/",
    "/api/v2/pilot-models/",
    "/api/",
    "/api",
]
# Ids the URL pattern refuses: never a model, so the same 404 as an unknown path.
NOT_AN_ID = ["-1", "0", "0{pk}", "+{pk}", "{pk}.0", "abc", str(2**63), str(10**30)]
ID_ROUTES = [
    "",
    "actions/",
    "actions/approve_registration/",
    "actions/submit_completion/",
    "audit/",
]
METHODS = ["get", "post", "put", "patch", "delete", "options", "head"]


@pytest.fixture(params=["with a token", "without a token"])
def client(request: Any, police: User) -> Client:
    if request.param == "without a token":
        return Client(enforce_csrf_checks=True)
    _instance, token = AuthToken.objects.create(user=police)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token}")


def send(client: Any, method: str, path: str) -> Any:
    if method in ("post", "put", "patch"):
        return getattr(client, method)(path, data="{}", content_type="application/json")
    return getattr(client, method)(path)


def assert_json_error(response: Any, status: int, code: str, method: str = "get") -> None:
    request = f"{method.upper()} {response.request['PATH_INFO']}"
    assert response.status_code == status, (request, response.content[:200])
    assert response["Content-Type"] == "application/json"
    if method == "head":
        assert response.content == b""
    else:
        body = json.loads(response.content)
        assert set(body) == {"detail", "code"} and body["code"] == code
        assert isinstance(body["detail"], str) and body["detail"]


@pytest.mark.parametrize("method", METHODS)
def test_an_unknown_api_path_is_a_json_404_for_every_method(client: Client, method: str) -> None:
    for path in UNKNOWN:
        assert_json_error(send(client, method, path), 404, "not_found", method)


def test_an_id_that_cannot_be_one_is_a_json_404(client: Client, drive: Driver) -> None:
    real = drive.register(1).pk
    for pk in NOT_AN_ID:
        for route in ID_ROUTES:
            for method in METHODS:
                response = send(
                    client, method, f"/api/v1/pilot-models/{pk.format(pk=real)}/{route}"
                )
                assert_json_error(response, 404, "not_found", method)


def test_a_post_to_a_negative_id_with_a_token_is_a_json_404_not_a_csrf_refusal(
    client: Client,
) -> None:
    response = client.post("/api/v1/pilot-models/-1/actions/approve_registration/")
    assert_json_error(response, 404, "not_found")
    assert b"CSRF" not in response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/pilot-models/"),
        ("delete", "/api/v1/pilot-models/"),
        ("patch", "/api/v1/dashboard/"),
        ("post", "/api/v1/pilot-models/{pk}/"),
        ("delete", "/api/v1/pilot-models/{pk}/"),
        ("get", "/api/v1/pilot-models/{pk}/actions/approve_registration/"),
        ("put", "/api/v1/pilot-models/{pk}/actions/submit_completion/"),
        ("post", "/api/v1/pilot-models/{pk}/audit/"),
        ("get", "/api/v1/auth/logout/"),
    ],
)
def test_a_method_a_known_path_does_not_take_is_a_json_405(
    api: Any, drive: Driver, method: str, path: str
) -> None:
    url = path.format(pk=drive.register(1).pk)
    response = getattr(api("police"), method)(url, data={}, format="json")
    assert_json_error(response, 405, "method_not_allowed")
    assert method.upper() not in response["Allow"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_the_docs_refuse_a_post_in_json(path: str) -> None:
    response = Client(enforce_csrf_checks=True).post(path)
    assert_json_error(response, 405, "method_not_allowed")


def test_an_api_view_asked_for_html_still_answers_json(api: Any, drive: Driver) -> None:
    pk = drive.register(1).pk
    response = api("police").get(f"/api/v1/pilot-models/{pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert_json_error(response, 406, "not_acceptable")
    missing = api("police").get("/api/v1/pilot-models/999999/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert_json_error(missing, 404, "not_found")


def test_a_bad_host_under_the_api_is_a_json_400(police: User) -> None:
    response = Client().get("/api/v1/pilot-models/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["non_field_errors"]


def test_the_error_messages_follow_accept_language(client: Client) -> None:
    english = client.post("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    vietnamese = client.post("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="vi").json()["detail"]
    assert english != vietnamese


# Django's handlers, for what no view answers: JSON under /api/, the usual HTML elsewhere.

HANDLERS = [
    (fallback.bad_request, 400, None),
    (fallback.permission_denied, 403, "forbidden"),
    (fallback.page_not_found, 404, "not_found"),
    (fallback.server_error, 500, "server_error"),
    (fallback.csrf_failure, 403, "csrf_failed"),
]


def _call(handler: Any, path: str) -> Any:
    request = RequestFactory().post(path)
    if handler is fallback.server_error:
        return handler(request)
    if handler is fallback.csrf_failure:
        return handler(request, reason="CSRF cookie not set.")
    return handler(
        request, exception=Http404() if handler is fallback.page_not_found else PermissionDenied()
    )


@pytest.mark.parametrize(("handler", "status", "code"), HANDLERS)
def test_django_error_handlers_answer_json_under_the_api(
    db: None, handler: Any, status: int, code: str | None
) -> None:
    response = _call(handler, "/api/v1/pilot-models/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    if code is None:
        assert list(body) == ["non_field_errors"]
    else:
        assert body["code"] == code and body["detail"]


@pytest.mark.parametrize(("handler", "status", "code"), HANDLERS)
def test_django_error_handlers_answer_html_for_the_pages(
    db: None, handler: Any, status: int, code: str | None
) -> None:
    response = _call(handler, "/pilot-models/")
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


def test_a_page_url_still_answers_the_html_404(db: None, police: User) -> None:
    client = Client()
    client.force_login(police)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
