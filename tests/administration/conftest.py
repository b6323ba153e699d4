"""The administrator, logged in: a superuser of a province that may have nothing yet."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture
def admin(db: Any) -> User:
    return User.objects.create_superuser("root", "root@example.vn", "pw-root")


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client
