"""Every change an administrator makes reaches the audit chain (review finding L1, SPEC §5).

One entry per change, naming the acting administrator, with a field diff
and never a password hash.  The matrix walks every model registered in the
admin × add, change and delete: each either refuses (403, nothing written)
or writes its entry.  A model registered later fails the completeness test
until it is placed in the matrix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import get_resolver
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken
from viewflow.workflow.models import Process, Task

from approvals import current
from approvals.events import Event
from approvals.models import Agency, AgencyHead, ApprovalStep, AuditEntry, Official
from approvals.roles import Role
from tests.factories import Driver, agency, make_user
from tests.security.admin_forms import form_data
from workflows.models import Blocker, FundingRequest, PilotModel

OPS = ("add", "change", "delete")


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def head_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def no_password_hash(entries: list[AuditEntry]) -> bool:
    hashes = [p for p in User.objects.values_list("password", flat=True) if p]
    text = json.dumps([e.payload for e in entries])
    return not any(h in text for h in hashes) and "md5$" not in text and "pbkdf2" not in text


# --- The matrix ----------------------------------------------------------------


def _url(model: Any, op: str, obj: Any = None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return base + "add/" if op == "add" else f"{base}{obj.pk}/{op}/"


def _token(drive: Driver) -> AuthToken:
    return AuthToken.objects.create(user=drive.p["police"])[0]


def _attempt(drive: Driver) -> AccessAttempt:
    return AccessAttempt.objects.create(
        user_agent="x",
        ip_address="10.0.0.9",
        username="police",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def _access_log(drive: Driver) -> AccessLog:
    return AccessLog.objects.create(
        user_agent="x", ip_address="10.0.0.9", username="police", http_accept="*/*", path_info="/"
    )


def _failure_log(drive: Driver) -> AccessFailureLog:
    return AccessFailureLog.objects.create(
        user_agent="x", ip_address="10.0.0.9", username="police", http_accept="*/*", path_info="/"
    )


def _task_result(drive: Driver) -> DBTaskResult:
    from django.utils import timezone

    return DBTaskResult.objects.create(
        task_path="reports.jobs.render_report_file",
        args_kwargs={"args": [0], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        status="READY",
    )


def _free_agency(drive: Driver) -> Agency:
    return Agency.objects.create(code="SXD", name="Sở Xây dựng", kind="department")


def _lonely_user(drive: Driver) -> User:
    return User.objects.create_user("nguoi_moi", "nguoi.moi@example.vn", "pw-nguoi-moi")


# model → (object maker, {op: (form changes, expected event)}); ops not listed must be refused.
Changes = dict[str, Any]
CASES: dict[type, tuple[Callable[[Driver], Any], dict[str, tuple[Changes, str]]]] = {
    User: (
        lambda d: d.p["police"],
        {
            "add": ({"username": "officer_moi"}, Event.USER_CREATED),
            "change": ({"is_superuser": "on"}, Event.USER_CHANGED),
        },
    ),
    Group: (
        lambda d: Group.objects.create(name="ban_chi_dao"),
        {
            "add": ({"name": "to_cong_tac"}, Event.GROUP_CREATED),
            "change": ({"name": "ban_chi_dao_2025"}, Event.GROUP_RENAMED),
            "delete": ({}, Event.GROUP_DELETED),
        },
    ),
    AuthToken: (_token, {"delete": ({}, Event.TOKEN_DELETED)}),
    AccessAttempt: (_attempt, {"delete": ({}, Event.LOCKOUT_CLEARED)}),
    AccessLog: (_access_log, {}),
    AccessFailureLog: (_failure_log, {}),
    DBTaskResult: (_task_result, {}),
    Agency: (
        _free_agency,
        {
            "add": (
                {"code": "SCT", "name": "Sở Công Thương", "kind": "department"},
                Event.AGENCY_CREATED,
            ),
            "change": ({"name": "Sở Xây dựng tỉnh"}, Event.AGENCY_CHANGED),
            "delete": ({}, Event.AGENCY_DELETED),
        },
    ),
    Official: (
        lambda d: Official.objects.get(user=d.p["inspector"]),
        {
            "add": (
                {"user": "__lonely__", "agency": "__snv__", "title": "Chuyên viên"},
                Event.OFFICIAL_ASSIGNED,
            ),
            "change": ({"title": "Thanh tra viên chính"}, Event.OFFICIAL_CHANGED),
            "delete": ({}, Event.OFFICIAL_REMOVED),
        },
    ),
    ApprovalStep: (lambda d: ApprovalStep.objects.first(), {}),
    AuditEntry: (lambda d: AuditEntry.objects.first(), {}),
    PilotModel: (lambda d: PilotModel.objects.first(), {}),
    FundingRequest: (lambda d: FundingRequest.objects.first(), {}),
    Blocker: (lambda d: Blocker.objects.first(), {}),
    Process: (lambda d: Process.objects.first(), {}),
    Task: (lambda d: Task.objects.first(), {}),
}


def test_the_matrix_covers_every_model_in_the_admin() -> None:
    get_resolver().url_patterns  # noqa: B018  (admin registrations done)
    assert set(admin.site._registry) == set(CASES)


@pytest.fixture
def world(drive: Driver) -> Driver:
    pm = drive.funding_rejected(
        40
    )  # a model, its steps, a funding round, a blocker, a process and tasks
    assert pm.blockers.exists()
    return drive


def _resolve(value: Any, drive: Driver) -> Any:
    if value == "__lonely__":
        return _lonely_user(drive).pk
    if value == "__snv__":
        return agency("SNV").pk
    return value


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("model", list(CASES), ids=lambda m: m._meta.label_lower)
def test_every_admin_change_is_refused_or_audited(
    model: type, op: str, world: Driver, admin_user: User, admin_client: Client
) -> None:
    make, allowed = CASES[model]
    obj = make(world)
    assert obj is not None
    count, seq = model.objects.count(), head_seq()  # type: ignore[attr-defined]
    url = _url(model, op, obj)

    if op not in allowed:
        post = admin_client.post(url, {"post": "yes"})
        assert post.status_code == 403, (url, post.status_code)
        assert model.objects.count() == count  # type: ignore[attr-defined]
        assert since(seq) == []
        return

    changes, event = allowed[op]
    if op == "delete":
        response = admin_client.post(url, {"post": "yes"})
    else:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        data = form_data(
            page.content.decode(), **{k: _resolve(v, world) for k, v in changes.items()}
        )
        seq = head_seq()
        response = admin_client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:2000])
    entries = since(seq)
    assert [e.action for e in entries] == [event], [(e.action, e.payload) for e in entries]
    assert entries[0].actor_username == admin_user.username
    assert no_password_hash(entries)


# --- What the review listed, one by one ------------------------------------------


def _change_user(admin_client: Client, user: User, **changes: Any) -> AuditEntry:
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    seq = head_seq()
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/", form_data(page.content.decode(), **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entries = since(seq)
    assert len(entries) == 1, [(e.action, e.payload) for e in entries]
    return entries[0]


@pytest.mark.parametrize(
    ("field", "on", "off"),
    [("is_superuser", False, True), ("is_staff", False, True), ("is_active", True, False)],
)
def test_turning_an_account_flag_on_or_off_is_one_entry_with_its_diff(
    field: str, on: bool, off: bool, police: User, admin_user: User, admin_client: Client
) -> None:
    first = _change_user(admin_client, police, **{field: "on" if not on else None})
    second = _change_user(
        admin_client, User.objects.get(pk=police.pk), **{field: "on" if not off else None}
    )

    assert first.payload["changes"] == {field: {"from": on, "to": not on}}
    assert second.payload["changes"] == {field: {"from": not on, "to": on}}
    assert {first.actor_username, second.actor_username} == {admin_user.username}
    assert first.object_id == str(police.pk)


def test_a_rename_is_audited_with_the_old_and_new_name(police: User, admin_client: Client) -> None:
    entry = _change_user(admin_client, police, username="police_pc06")

    assert entry.action == Event.USER_CHANGED
    assert entry.payload["changes"] == {"username": {"from": "police", "to": "police_pc06"}}


def test_a_password_reset_is_audited_without_any_hash(police: User, admin_user: User) -> None:
    seq = head_seq()

    with current.acting(admin_user):
        police.set_password("Mat-khau-moi-2026")
        police.save()

    entries = since(seq)
    assert [(e.action, e.actor_username) for e in entries] == [
        (Event.USER_PASSWORD_CHANGED, admin_user.username)
    ]
    assert entries[0].payload["changes"] == {"password": {"changed": True}}
    assert no_password_hash(entries)


def test_a_login_that_only_rehashes_or_stamps_last_login_writes_nothing(
    police: User, settings: Any
) -> None:
    """Django upgrades an old hash at login and stamps the login time: neither is a change of password."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert User.objects.get(pk=police.pk).password.startswith("md5$")
    seq = head_seq()

    response = Client().post("/accounts/login/", {"username": "police", "password": "pw-police"})

    assert response.status_code == 302
    assert User.objects.get(pk=police.pk).password.startswith("pbkdf2_")
    assert [e.action for e in since(seq)] == []


def test_a_head_is_end_dated_never_deleted(admin_client: Client, admin_user: User) -> None:
    cat = agency("CAT")
    head = cat.heads.get()
    page = admin_client.get(f"/admin/approvals/agency/{cat.pk}/change/")
    html = page.content.decode()
    delete_box = "heads-0-DELETE"
    assert delete_box not in html

    seq = head_seq()
    response = admin_client.post(
        f"/admin/approvals/agency/{cat.pk}/change/",
        form_data(html, **{delete_box: "on", "heads-0-until": "31/12/2025"}),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    head.refresh_from_db()
    assert str(head.until) == "2025-12-31"
    entries = since(seq)
    assert [(e.action, e.actor_username) for e in entries] == [
        (Event.AGENCY_HEAD_CHANGED, admin_user.username)
    ]
    assert entries[0].payload["changes"] == {"until": {"from": None, "to": "2025-12-31"}}


def test_deleting_an_official_is_audited(
    inspector: User, admin_client: Client, admin_user: User
) -> None:
    official = Official.objects.get(user=inspector)
    seq = head_seq()

    response = admin_client.post(
        f"/admin/approvals/official/{official.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    entries = since(seq)
    assert [(e.action, e.actor_username, e.object_id) for e in entries] == [
        (Event.OFFICIAL_REMOVED, admin_user.username, str(inspector.pk))
    ]
    assert entries[0].payload == {"username": "inspector", "agency": "SNV", "title": ""}


def test_renaming_and_deleting_a_group_are_audited(leader: User, admin_user: User) -> None:
    group = Group.objects.get(name=Role.LEADER)
    seq = head_seq()

    with current.acting(admin_user):
        group.name = "lanh_dao"
        group.save()
        group.delete()

    entries = since(seq)
    assert [e.action for e in entries] == [Event.GROUP_RENAMED, Event.GROUP_DELETED]
    assert entries[0].payload["changes"] == {"name": {"from": "leader", "to": "lanh_dao"}}
    assert entries[1].payload == {"name": "lanh_dao", "members": ["leader"]}
    assert {e.actor_username for e in entries} == {admin_user.username}


def test_adding_members_from_the_group_side_is_audited(police: User, admin_user: User) -> None:
    newcomer = make_user("leader2", "UBND")
    group = Group.objects.get_or_create(name=Role.LEADER)[0]
    seq = head_seq()

    with current.acting(admin_user):
        group.user_set.add(newcomer)
        group.user_set.remove(newcomer)

    entries = since(seq)
    assert [(e.action, e.payload["change"], e.payload["users"]) for e in entries] == [
        (Event.GROUP_MEMBERS_CHANGED, "add", ["leader2"]),
        (Event.GROUP_MEMBERS_CHANGED, "remove", ["leader2"]),
    ]
    assert {e.actor_username for e in entries} == {admin_user.username}
    assert entries[0].payload["group"] == "leader"


def test_a_save_that_changes_nothing_writes_nothing(police: User, admin_client: Client) -> None:
    page = admin_client.get(f"/admin/auth/user/{police.pk}/change/")
    seq = head_seq()

    admin_client.post(f"/admin/auth/user/{police.pk}/change/", form_data(page.content.decode()))

    assert since(seq) == []


def test_agency_heads_have_no_delete_page_of_their_own(admin_client: Client) -> None:
    head = AgencyHead.objects.filter(agency=agency("CAT")).first()
    assert head is not None
    assert admin_client.get(f"/admin/approvals/agencyhead/{head.pk}/delete/").status_code == 404
