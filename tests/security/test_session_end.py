"""A changed password, a deactivation or a lost role ends the person's tokens and sessions (review finding L4).

Before: knox tokens kept working after a password reset, and a session
kept its place after its owner lost a role.  Whatever path makes the
change (the admin, the shell, issue 12's people pages), the ORM signal
ends every API token and every other session of that person.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from approvals.models import Official
from approvals.roles import Role
from tests.factories import agency


def signed_in(user: User) -> tuple[APIClient, Client]:
    _instance, key = AuthToken.objects.create(user=user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    page = Client()
    page.force_login(user)
    assert api.get("/api/v1/pilot-models/").status_code == 200
    assert page.get("/").status_code == 200
    return api, page


def ended(api: APIClient, page: Client, user: User) -> bool:
    token_gone = api.get("/api/v1/pilot-models/").status_code == 401
    page_gone = page.get("/").status_code == 302
    return token_gone and page_gone and not AuthToken.objects.filter(user=user).exists()


def _password(user: User) -> None:
    user.set_password("Mat-khau-moi-2026")
    user.save()


def _deactivate(user: User) -> None:
    user.is_active = False
    user.save()


def _lose_role_from_user_side(user: User) -> None:
    user.groups.remove(Group.objects.get(name=Role.POLICE))


def _lose_role_from_group_side(user: User) -> None:
    Group.objects.get(name=Role.POLICE).user_set.remove(user)


def _lose_every_group(user: User) -> None:
    user.groups.clear()


def _group_cleared(user: User) -> None:
    Group.objects.get(name=Role.POLICE).user_set.clear()


def _group_deleted(user: User) -> None:
    Group.objects.get(name=Role.POLICE).delete()


def _group_renamed(user: User) -> None:
    group = Group.objects.get(name=Role.POLICE)
    group.name = "cong_an_cu"
    group.save()


def _moved_agency(user: User) -> None:
    official = Official.objects.get(user=user)
    official.agency = agency("SNV")
    official.save()


CHANGES: dict[str, Callable[[User], None]] = {
    "password changed": _password,
    "deactivated": _deactivate,
    "role removed from the user": _lose_role_from_user_side,
    "user removed from the role's group": _lose_role_from_group_side,
    "every group cleared": _lose_every_group,
    "role's group cleared": _group_cleared,
    "role's group deleted": _group_deleted,
    "role's group renamed": _group_renamed,
    "moved to another agency": _moved_agency,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_change_ends_every_token_and_session(change: str, police: User) -> None:
    api, page = signed_in(police)

    CHANGES[change](User.objects.get(pk=police.pk))

    assert ended(api, page, police)


def test_gaining_a_role_or_a_new_name_ends_nothing(police: User) -> None:
    api, page = signed_in(police)

    police.groups.add(Group.objects.get_or_create(name=Role.INSPECTOR)[0])
    police.first_name = "Hùng"
    police.save()

    assert api.get("/api/v1/pilot-models/").status_code == 200
    assert page.get("/").status_code == 200


def test_other_people_keep_their_sessions(police: User, finance: User) -> None:
    api, page = signed_in(finance)

    _password(police)

    assert api.get("/api/v1/pilot-models/").status_code == 200
    assert page.get("/").status_code == 200
    assert Session.objects.exists()
