"""Fixtures for the security suite: the system administrator, and the API's token clients.

(``flushable_audit``, for transactional tests, lives in tests/conftest.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from approvals.models import Official
from approvals.roles import Role
from tests.api.conftest import api  # noqa: F401  (a token client per person, as in the API suite)
from tests.factories import agency


@pytest.fixture
def admin_user(db: Any) -> User:
    """The system administrator: Django admin rights, no part in any decision."""
    user = User.objects.create_user(
        "admin", "admin@example.vn", "pw-admin", is_staff=True, is_superuser=True
    )
    Official.objects.create(user=user, agency=agency("CAT"))
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    return User.objects.get(pk=user.pk)
