"""Officials, managed by the administrator: audited by the receivers, warned of conflicts of duty."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from approvals.models import AuditEntry, Official
from tests.factories import agency, make_user


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_list_groups_officials_by_agency_and_warns_of_officer_and_finance_in_one_agency(
    admin_client: Client, officer: User, people: dict[str, User]
) -> None:
    make_user("ketoan_syt", "SYT", "finance")
    page = admin_client.get("/administration/people/").content.decode()
    assert 'id="agency-SYT"' in page and "officer_syt" in page
    assert "vừa có người thẩm định kinh phí (ketoan_syt, officer_finance_syt)" in page


def test_creating_an_official_sends_a_link_and_is_audited_by_the_receivers(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    agency("SYT")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/administration/people/new/",
            {
                "username": "bs_lan",
                "full_name": "Nguyễn Thị Lan",
                "email": "lan@example.vn",
                "agency": "SYT",
                "roles": ["officer", "finance"],
                "title": "Chuyên viên",
            },
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đã tạo tài khoản bs_lan" in page
    assert "Vừa là cán bộ cơ quan chủ trì vừa thẩm định kinh phí" in page
    user = User.objects.get(username="bs_lan")
    assert roles(user) == {"officer", "finance"} and not user.has_usable_password()
    assert Official.objects.get(user=user).agency.code == "SYT"
    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert actions.count("user.created") == 1 and actions.count("user.password_link_sent") == 1
    assert AuditEntry.objects.filter(action="user.created", actor_username="root").exists()
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]


def test_a_taken_username_is_refused_on_its_field(admin_client: Client, officer: User) -> None:
    response = admin_client.post(
        "/administration/people/new/",
        {
            "username": "OFFICER_SYT",
            "full_name": "X",
            "email": "x@example.vn",
            "agency": "SYT",
            "roles": ["officer"],
        },
    )
    assert response.status_code == 400
    assert "đã có người dùng" in response.content.decode()


def test_changing_roles_deactivating_and_reactivating(admin_client: Client, officer: User) -> None:
    response = admin_client.post(
        f"/administration/people/{officer.pk}/",
        {
            "full_name": "Phan Thị Mai",
            "email": officer.email,
            "agency": "SYT",
            "roles": ["officer", "inspector"],
        },
    )
    assert response.status_code == 302
    assert roles(officer) == {"officer", "inspector"}
    assert AuditEntry.objects.filter(
        action="user.groups_changed", object_id=str(officer.pk), actor_username="root"
    ).exists()
    admin_client.post(f"/administration/people/{officer.pk}/active/", {"active": "0"})
    officer.refresh_from_db()
    assert not officer.is_active
    assert (
        AuditEntry.objects.filter(
            action="user.deactivated", object_id=str(officer.pk), actor_username="root"
        ).count()
        == 1
    )
    admin_client.post(f"/administration/people/{officer.pk}/active/", {"active": "1"})
    officer.refresh_from_db()
    assert officer.is_active


def test_the_administrator_sends_a_password_link_and_it_is_audited(
    admin_client: Client, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/administration/people/{officer.pk}/password-link/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="user.password_link_sent", object_id=str(officer.pk))
    assert entry.payload["purpose"] == "reset" and entry.actor_username == "root"
    # The old password works until the official chooses a new one.
    officer.refresh_from_db()
    assert officer.check_password("pw-officer_syt")


def test_the_administrator_cannot_lock_themselves_out(admin_client: Client, admin: User) -> None:
    response = admin_client.post(
        f"/administration/people/{admin.pk}/active/", {"active": "0"}, follow=True
    )
    assert "Không tự khóa tài khoản của chính mình." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert AuditEntry.objects.filter(
        action="refused.deactivate_official", actor_username="root"
    ).exists()
