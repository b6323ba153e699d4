"""Logging in: lockout after five failures, proxies believed only when trusted, sessions that end.

django-axes keys the lockout on (username, client address); the address
comes from ``approvals.client_ip``, which believes X-Forwarded-For only as
far as ``PILOT06_TRUSTED_PROXY_COUNT`` of our own proxies wrote it.  The
login form and the API's token endpoint count toward the same lockout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
TOKEN = "/api/v1/auth/token/"
HOME = "/"
CLIENT = "203.0.113.5"


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()  # the token endpoint's throttle counts in the cache


def login(
    username: str, password: str, *, ip: str = CLIENT, client: Client | None = None, **headers: Any
) -> int:
    client = client or Client()
    response = client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )
    if response.status_code == 302:
        return 200  # logged in, redirected home
    if response.status_code == 200:
        return 401  # the form again, with an error
    return response.status_code


def fail_five_times(username: str = "police", *, ip: str = CLIENT, **headers: Any) -> list[int]:
    return [login(username, "wrong", ip=ip, **headers) for _ in range(5)]


def test_five_failures_lock_that_user_from_that_address(police: User, finance: User) -> None:
    assert fail_five_times() == [401, 401, 401, 401, 429]

    assert login("police", "pw-police") == 429  # even the right password
    assert login("police", "pw-police", ip="203.0.113.99") == 200  # another address
    assert login("finance", "pw-finance") == 200  # another user from the same address


def test_the_lock_expires_after_fifteen_minutes(police: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times()
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert login("police", "pw-police") == 200


def test_the_lock_still_holds_at_fourteen_minutes(police: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times()
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert login("police", "pw-police") == 429


def test_four_failures_then_success_start_the_count_again(police: User) -> None:
    assert [login("police", "wrong") for _ in range(4)] == [401] * 4
    assert login("police", "pw-police") == 200

    assert [login("police", "wrong") for _ in range(4)] == [401] * 4
    assert login("police", "pw-police") == 200


def test_a_spoofed_forwarded_for_does_not_escape_the_lock_without_a_trusted_proxy(
    police: User,
) -> None:
    """With no trusted proxy, every attempt counts against REMOTE_ADDR whatever the header says."""
    answers = [login("police", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(5)]

    assert answers == [401, 401, 401, 401, 429]
    assert login("police", "pw-police", HTTP_X_FORWARDED_FOR="198.51.100.200") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


def test_behind_a_trusted_proxy_the_lock_follows_the_real_client(
    police: User, settings: Any
) -> None:
    settings.PILOT06_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"

    assert fail_five_times(ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == [
        401,
        401,
        401,
        401,
        429,
    ]

    # Another client through the same proxy is not locked out with the attacker.
    assert login("police", "pw-police", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8") == 200
    # The attacker cannot step around the lock by typing an address to the left.
    assert (
        login("police", "pw-police", ip=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7") == 429
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_a_malformed_forwarded_for_falls_back_to_the_proxy_address(
    police: User, settings: Any
) -> None:
    settings.PILOT06_TRUSTED_PROXY_COUNT = 1

    login("police", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.1"]


def test_the_form_and_the_token_endpoint_share_one_lockout(police: User) -> None:
    api = APIClient(REMOTE_ADDR=CLIENT)
    assert [login("police", "wrong") for _ in range(3)] == [401] * 3
    assert [
        api.post(TOKEN, {"username": "police", "password": "wrong"}, format="json").status_code
        for _ in range(2)
    ] == [400, 429]

    assert (
        api.post(TOKEN, {"username": "police", "password": "pw-police"}, format="json").status_code
        == 429
    )
    assert login("police", "pw-police") == 429


def test_a_spoofed_forwarded_for_neither_escapes_the_token_lock_nor_the_throttle(
    police: User, settings: Any
) -> None:
    api = APIClient(REMOTE_ADDR=CLIENT)

    answers = [
        api.post(
            TOKEN,
            {"username": "police", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert answers == [400, 400, 400, 400, 429]

    # The rate limit counts per real address too: 20 a minute, header or not.
    throttled = [
        api.post(
            TOKEN,
            {"username": f"nobody{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(20)
    ]
    assert throttled[-1] == 429 and throttled.count(429) >= 5


def test_the_session_key_changes_at_login(police: User) -> None:
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before

    assert login("police", "pw-police", client=client) == 200

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(HOME).status_code == 200


def test_logout_ends_the_session_on_the_server(police: User) -> None:
    client = Client()
    assert login("police", "pw-police", client=client) == 200
    stolen = client.cookies["sessionid"].value

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get(HOME).status_code == 302  # sent to the login page


def test_logout_by_get_is_refused(police: User) -> None:
    client = Client()
    login("police", "pw-police", client=client)

    assert client.get(LOGOUT).status_code == 405
    assert client.get(HOME).status_code == 200


def test_an_inactive_user_cannot_log_in(police: User) -> None:
    police.is_active = False
    police.save()

    assert login("police", "pw-police") == 401
