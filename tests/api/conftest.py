"""API fixtures: a token-authenticated client per person, and a clean throttle.

``api("police")`` is a DRF test client that sends ``Authorization: Token …``
for that person of the Driver, through the real knox authentication.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

ApiFor = Callable[[str], APIClient]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    """The login throttle counts in the cache; each test starts from zero."""
    cache.clear()


def token_client(user: User, **defaults: Any) -> APIClient:
    _instance, token = AuthToken.objects.create(user=user)
    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api(people: dict[str, User]) -> ApiFor:
    clients: dict[str, APIClient] = {}

    def client_for(who: str) -> APIClient:
        if who not in clients:
            clients[who] = token_client(people[who])
        return clients[who]

    return client_for
