"""Fixtures for the security suite: an admin person and a flushable audit table.

Transactional tests (the races, backup and restore) end with Django's
flush, which TRUNCATEs (PostgreSQL) or DELETEs (SQLite) every table.  The
append-only triggers refuse exactly that, so ``flushable_audit`` drops them
just before the flush; the flush emits ``post_migrate``, and the project's
post-migrate hook installs them again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from approvals import triggers
from approvals.models import Official
from approvals.roles import Role
from tests.factories import agency


@pytest.fixture
def flushable_audit(transactional_db: Any) -> Iterator[None]:
    """Use with ``django_db(transaction=True)``: lets the closing flush empty the audit table."""
    yield
    triggers.drop(connection)


@pytest.fixture
def admin_user(db: Any) -> User:
    """The system administrator: Django admin rights, no part in any decision."""
    user = User.objects.create_user("admin", "admin@example.vn", "pw-admin", is_staff=True, is_superuser=True)
    Official.objects.create(user=user, agency=agency("CAT"))
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    return User.objects.get(pk=user.pk)
