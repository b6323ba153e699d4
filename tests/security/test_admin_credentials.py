"""The administrator cannot act as anyone else (review finding H1).

Before: knox's own token admin let ``admin`` add a token for the leader
and sign off with it, and the trail named only the leader.  Now the token
admin shows and deletes tokens and nothing else, every token's creation and
deletion is in the trail (never the token), and no admin page sets another
person's password.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from approvals.events import Event
from approvals.models import AuditEntry
from tests.factories import Driver


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _entries_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _head() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def test_the_admin_cannot_mint_a_token_for_the_leader(drive: Driver, admin_client: Client) -> None:
    pm = drive.verified(30)
    leader = drive.p["leader"]

    form = admin_client.get("/admin/knox/authtoken/add/")
    post = admin_client.post(
        "/admin/knox/authtoken/add/",
        {"user": leader.pk, "expiry_0": "31/12/2099", "expiry_1": "00:00:00"},
    )

    assert (form.status_code, post.status_code) == (403, 403)
    assert not AuthToken.objects.filter(user=leader).exists()
    assert pm.__class__.objects.get(pk=pm.pk).state == "deploying"


def test_the_admin_can_neither_edit_a_token_nor_see_its_secret(
    police: User, admin_client: Client
) -> None:
    token, key = AuthToken.objects.create(user=police)

    listing = admin_client.get("/admin/knox/authtoken/")
    change = admin_client.post(f"/admin/knox/authtoken/{token.pk}/change/", {"user": police.pk})

    assert listing.status_code == 200
    page = listing.content.decode()
    # The row is named by knox's primary key, the token's SHA-512 digest, which authenticates nothing.
    assert key not in page and token.token_key not in page
    assert change.status_code == 403


def test_deleting_a_token_in_the_admin_is_audited_with_the_admin_and_without_the_token(
    police: User, admin_user: User, admin_client: Client
) -> None:
    token, key = AuthToken.objects.create(user=police)
    seq = _head()

    response = admin_client.post(
        "/admin/knox/authtoken/",
        {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    entries = _entries_since(seq)
    assert [(e.action, e.actor_username, e.object_id) for e in entries] == [
        (Event.TOKEN_DELETED, admin_user.username, str(police.pk))
    ]
    stored = json.dumps(entries[0].payload)
    assert key not in stored and token.digest not in stored and token.token_key not in stored


def test_a_token_obtained_through_the_api_is_audited_for_its_owner_without_the_token(
    police: User,
) -> None:
    seq = _head()

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "police", "password": "pw-police"}, format="json"
    )

    assert response.status_code == 200
    key = response.json()["token"]
    entries = _entries_since(seq)
    assert [(e.action, e.actor_username, e.object_id) for e in entries] == [
        (Event.TOKEN_CREATED, "police", str(police.pk))
    ]
    stored = json.dumps(entries[0].payload) + entries[0].object_id
    row = AuthToken.objects.get(user=police)
    assert key not in stored and row.digest not in stored and row.token_key not in stored


def test_logging_out_of_the_api_is_audited(police: User) -> None:
    key = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "police", "password": "pw-police"}, format="json")
        .json()["token"]
    )
    seq = _head()

    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert [(e.action, e.actor_username) for e in _entries_since(seq)] == [
        (Event.TOKEN_DELETED, "police")
    ]


def test_no_admin_page_sets_another_persons_password(police: User, admin_client: Client) -> None:
    before = User.objects.get(pk=police.pk).password

    form = admin_client.get(f"/admin/auth/user/{police.pk}/password/")
    post = admin_client.post(
        f"/admin/auth/user/{police.pk}/password/",
        {
            "password1": "Mat-khau-moi-2026",
            "password2": "Mat-khau-moi-2026",
            "usable_password": "true",
        },
    )

    assert (form.status_code, post.status_code) == (403, 403)
    assert User.objects.get(pk=police.pk).password == before


def test_a_person_the_admin_adds_has_no_password_the_admin_knows(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "officer_new",
            "password1": "Mat-khau-moi-2026",
            "password2": "Mat-khau-moi-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    created = User.objects.get(username="officer_new")
    assert not created.has_usable_password()


def test_the_admin_still_changes_their_own_password(admin_user: User, admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/password_change/",
        {
            "old_password": "pw-admin",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(pk=admin_user.pk).check_password("Mat-khau-moi-2026")
