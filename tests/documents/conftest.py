"""Fixtures for issuing: a throwaway CA, the agencies' keys in the environment, the clerks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from approvals.roles import Role
from documents.demo_keys import Pki, make_pki
from tests.factories import make_user

AGENCY_NAMES = {"CAT": "Cong an tinh", "STC": "So Tai chinh"}


@pytest.fixture(scope="session")
def pki(tmp_path_factory: Any) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), AGENCY_NAMES, passphrase="mat-khau-thu")


@pytest.fixture
def signing_keys(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Pki:
    """CAT's and STC's keys, named by the environment as in production."""
    for code in AGENCY_NAMES:
        for name, value in pki.env(code).items():
            monkeypatch.setenv(name, value)
    return pki


@pytest.fixture
def clerk(people: dict[str, User]) -> User:
    """The văn thư of Công an tỉnh: numbers the progress, accountability and model reports."""
    user = make_user("clerk_cat", "CAT", Role.CLERK)
    people["clerk"] = user
    return user


@pytest.fixture
def finance_clerk(people: dict[str, User]) -> User:
    """The văn thư of Sở Tài chính: numbers the funding report."""
    user = make_user("clerk_stc", "STC", Role.CLERK)
    people["finance_clerk"] = user
    return user


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
