"""The people every figure acts as: the test suite's named roles, made the same way.

``tests.factories`` already knows how to make a user of an agency with
roles (and how the inputs of each action look); the benchmark reuses it
rather than writing the province a second time.
"""

from __future__ import annotations

from typing import Any

from tests.factories import ROLE_PEOPLE, make_user


def password_of(username: str) -> str:
    """The password ``make_user`` gives, for logging in over HTTP."""
    return "pw-" + username


def ensure_people() -> dict[str, Any]:
    """The people of ``ROLE_PEOPLE``, created once per template database."""
    from django.contrib.auth.models import User

    people: dict[str, Any] = {}
    for key, (username, code, roles) in ROLE_PEOPLE.items():
        found = User.objects.filter(username=username).first()
        people[key] = found if found is not None else make_user(username, code, *roles)
    return people


def fresh(user: Any) -> Any:
    """A new instance of ``user``, as each request loads it: no cached roles or agency."""
    from django.contrib.auth.models import User

    return User.objects.get(pk=user.pk)
