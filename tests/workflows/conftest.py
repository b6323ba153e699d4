"""Fixtures for the province import: an administrator of a province that has nothing yet."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User


@pytest.fixture
def admin(db: Any) -> User:
    """The administrator a fresh installation starts with (``createsuperuser``): no agency, no roles."""
    return User.objects.create_superuser("root", "root@example.vn", "pw-root")
