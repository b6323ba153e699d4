"""Fixtures for the province import: an administrator of a province that has nothing yet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation


@pytest.fixture
def admin(db: Any) -> User:
    """The administrator a fresh installation starts with (``createsuperuser``): no agency, no roles."""
    return User.objects.create_superuser("root", "root@example.vn", "pw-root")


@pytest.fixture
def vietnamese() -> Iterator[None]:
    """The importer reports in Vietnamese; a test run before may have left another language active."""
    with translation.override("vi"):
        yield
