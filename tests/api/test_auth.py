"""Tokens and sessions: how a client proves who it is, and what happens when it cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.api.conftest import ApiFor
from tests.factories import Driver

TOKEN_URL = "/api/v1/auth/token/"
LIST_URL = "/api/v1/pilot-models/"


def obtain(username: str, password: str, **extra: Any) -> Any:
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **extra
    )


def with_token(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_is_issued_for_a_username_and_password_and_then_works(police: User) -> None:
    response = obtain("police", "pw-police")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token", "expiry"}
    assert with_token(token).get(LIST_URL).status_code == 200


def test_the_token_is_stored_hashed_never_in_clear(police: User) -> None:
    token = obtain("police", "pw-police").json()["token"]
    row = AuthToken.objects.get(user=police)
    stored = [str(value) for value in AuthToken.objects.filter(pk=row.pk).values().get().values()]
    assert token not in stored
    assert row.digest == hash_token(token)
    # Only knox's short lookup prefix is kept as is.
    assert row.token_key == token[: len(row.token_key)] and len(row.token_key) < len(token)


def test_a_token_expires_after_its_ttl(police: User) -> None:
    token = obtain("police", "pw-police").json()["token"]
    later = timezone.now() + knox_settings.TOKEN_TTL + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = with_token(token).get(LIST_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not AuthToken.objects.filter(user=police).exists()


def test_a_revoked_token_gets_401(police: User) -> None:
    token = obtain("police", "pw-police").json()["token"]
    client = with_token(token)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    response = client.get(LIST_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logout_all_revokes_every_token_of_the_user(police: User) -> None:
    first = obtain("police", "pw-police").json()["token"]
    second = obtain("police", "pw-police").json()["token"]
    assert with_token(first).post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(second).get(LIST_URL).status_code == 401


def test_wrong_credentials_answer_400_and_issue_nothing(police: User) -> None:
    response = obtain("police", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token_and_loses_the_ones_they_had(police: User) -> None:
    token = obtain("police", "pw-police").json()["token"]
    police.is_active = False
    police.save()
    assert obtain("police", "pw-police").status_code == 400
    assert with_token(token).get(LIST_URL).status_code == 401


def test_repeated_failures_lock_the_username_out_with_429(police: User) -> None:
    answers = [obtain("police", "wrong").status_code for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429]
    response = obtain("police", "pw-police", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "locked" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_the_token_endpoint_is_rate_limited(police: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth_token": "3/minute"})
    answers = [obtain("nobody", "x").status_code for _ in range(3)]
    response = obtain("police", "pw-police")
    assert answers == [400, 400, 400]
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response.headers


def test_no_credentials_answer_401_with_a_token_challenge(db: None) -> None:
    response = APIClient().get(LIST_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nonsense", "Token", "Token a b", "Token \xff\xfe\xfd"])
def test_a_bad_token_answers_401_not_500(db: None, header: str) -> None:
    response = APIClient(HTTP_AUTHORIZATION=header).get(LIST_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def session_client(user: User) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_session_works_for_reading(police: User, drive: Driver) -> None:
    drive.register()
    response = session_client(police).get(LIST_URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_write_without_csrf_answers_403_csrf_failed(police: User, drive: Driver) -> None:
    pm = drive.register()
    response = session_client(police).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    pm.refresh_from_db()
    assert pm.version == 1


def test_a_session_write_with_the_csrf_token_goes_through(police: User, drive: Driver) -> None:
    pm = drive.register()
    client = session_client(police)
    secret = "k" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/",
        {},
        format="json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 200
    assert response.json()["last_step"]["outcome"] == "approved"


def test_a_token_request_needs_no_csrf_even_with_a_session_cookie(
    police: User, api: ApiFor, drive: Driver
) -> None:
    pm = drive.register()
    client = api("police")
    client.force_login(police, backend="django.contrib.auth.backends.ModelBackend")
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json"
    )
    assert response.status_code == 200
