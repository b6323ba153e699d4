"""Shared fixtures: the people of the province, a driver, and the PostgreSQL switch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.urls import get_resolver
from django.utils import translation

from approvals import triggers
from tests.factories import OUTSIDER, ROLE_PEOPLE, Driver, make_user

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Each pass runs the tests of its own engine: `postgres` ones on PostgreSQL, `sqlite` ones on SQLite.

    `make test` runs both passes, and fails in CI when PostgreSQL cannot start,
    so a test deselected in one pass always runs in the other.
    """
    other = "sqlite" if ON_POSTGRES else "postgres"
    kept = [item for item in items if other not in item.keywords]
    left = [item for item in items if other in item.keywords]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    # node.reverse() raises NoReverseMatch until the URLconf has loaded.
    get_resolver().url_patterns  # noqa: B018


@pytest.fixture(autouse=True)
def _private_storage(tmp_path: Any, settings: Any) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _no_action_limit(settings: Any) -> None:
    """Tests act far faster than a person; the per-person limit has tests of its own that set it."""
    settings.PILOT06_ACTION_RATE = "off"


@pytest.fixture(autouse=True)
def _province_profile(request: Any) -> None:
    """A transactional test flushes the tables, the migration's default profile with them: restore it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if marker is None and "db" not in request.fixturenames and not transactional:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    from province.models import ProvinceProfile

    if not ProvinceProfile.objects.exists():
        import_module("province.migrations.0002_default_profile").create(apps, None)


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """Each test starts in the province's language: a test that switched to English must not leak it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test rolls the database back, so the audit head repeats: cached figures must not."""
    cache.clear()


@pytest.fixture
def people(db: Any) -> dict[str, User]:
    return {
        key: make_user(username, code, *roles)
        for key, (username, code, roles) in ROLE_PEOPLE.items()
    }


@pytest.fixture
def officer(people: dict[str, User]) -> User:
    return people["officer"]


@pytest.fixture
def other_officer(people: dict[str, User]) -> User:
    return people["other_officer"]


@pytest.fixture
def outsider(people: dict[str, User]) -> User:
    """An officer of an agency that neither leads nor coordinates the models (SKHCN)."""
    username, code, roles = OUTSIDER
    user = make_user(username, code, *roles)
    people["outsider"] = user
    return user


@pytest.fixture
def police(people: dict[str, User]) -> User:
    return people["police"]


@pytest.fixture
def finance(people: dict[str, User]) -> User:
    return people["finance"]


@pytest.fixture
def leader(people: dict[str, User]) -> User:
    return people["leader"]


@pytest.fixture
def inspector(people: dict[str, User]) -> User:
    return people["inspector"]


@pytest.fixture
def drive(people: dict[str, User]) -> Driver:
    return Driver(people)


@pytest.fixture
def flushable_audit(transactional_db: Any) -> Iterator[None]:
    """For ``django_db(transaction=True)`` tests: let the closing flush empty the audit table.

    The flush DELETEs (SQLite) or TRUNCATEs (PostgreSQL) every table, which
    the append-only triggers refuse; they are dropped just before it, and the
    flush's post-migrate signal installs them again.
    """
    yield
    triggers.drop(connection)
