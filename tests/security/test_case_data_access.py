"""Who reads case data, client addresses and task pages (review items I1, I2, I3).

* I1: the ``admin`` role manages people and agencies; it reads no model,
  evidence, report or trail unless it also holds a reading role (SPEC §10).
* I2: the audit feed shows client IP addresses only to police, leader and
  inspector.
* I3: viewflow's task pages ask for a login before they say whether a task
  exists.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from approvals.roles import Role
from tests.factories import Driver
from workflows.models import EvidenceFile


def token_client(user: User) -> APIClient:
    _instance, key = AuthToken.objects.create(user=user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_reads_no_case_data(drive: Driver, admin_user: User) -> None:
    pm = drive.completion_submitted()
    item = EvidenceFile.objects.get(report__pilot_model=pm)
    api, page = token_client(admin_user), page_client(admin_user)

    assert api.get("/api/v1/pilot-models/").json()["count"] == 0
    assert api.get(f"/api/v1/pilot-models/{pm.pk}/").status_code == 404
    assert api.get(f"/api/v1/pilot-models/{pm.pk}/audit/").status_code == 404
    assert page.get(f"/pilot-models/{pm.pk}/").status_code == 404
    assert page.get(f"/evidence/{item.pk}/").status_code == 404
    assert page.get(f"/reports/pilot-models/{pm.pk}.pdf").status_code == 404
    assert page.get("/reports/progress.xlsx").status_code == 403
    assert api.get("/api/v1/dashboard/").json()["buckets"] == {
        "not_started": 0,
        "in_progress": 0,
        "completed": 0,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/workflows/pilotmodel/",
        "/admin/workflows/fundingrequest/",
        "/admin/approvals/approvalstep/",
        "/admin/approvals/auditentry/",
        "/admin/viewflow/process/",
        "/admin/viewflow/task/",
    ],
)
def test_the_admin_site_hides_case_data_from_the_admin(
    path: str, drive: Driver, admin_user: User
) -> None:
    drive.register()

    assert page_client(admin_user).get(path).status_code == 403


def test_an_admin_who_also_holds_a_reading_role_reads(drive: Driver, admin_user: User) -> None:
    pm = drive.register()
    admin_user.groups.add(Group.objects.get_or_create(name=Role.INSPECTOR)[0])
    reader = User.objects.get(pk=admin_user.pk)

    assert token_client(reader).get(f"/api/v1/pilot-models/{pm.pk}/").status_code == 200
    assert page_client(reader).get("/admin/approvals/auditentry/").status_code == 200


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("officer", False),
        ("finance", False),
        ("police", True),
        ("leader", True),
        ("inspector", True),
    ],
)
def test_client_addresses_in_the_feed_only_for_police_leader_and_inspector(
    who: str, shown: bool, drive: Driver
) -> None:
    pm = drive.register()
    token_client(drive.p["police"]).post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/",
        {"comment": ""},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )

    results = (
        token_client(drive.p[who]).get(f"/api/v1/pilot-models/{pm.pk}/audit/").json()["results"]
    )

    addresses = [row["ip"] for row in results]
    if shown:
        assert "203.0.113.7" in addresses
    else:
        assert set(addresses) == {None}


def _task_url(drive: Driver) -> tuple[str, str]:
    pm = drive.register()
    task = (
        Task.objects.filter(process=pm.process, finished__isnull=True)
        .exclude(flow_task_type="START")
        .first()
    )
    assert task is not None
    node = task.flow_task.name
    return (
        f"/flow/pilot/{pm.process_id}/{node}/{task.pk}/execute/",
        f"/flow/pilot/{pm.process_id}/{node}/{task.pk + 999}/execute/",
    )


def test_task_pages_ask_anonymous_visitors_to_log_in_first(drive: Driver) -> None:
    existing, missing = _task_url(drive)

    answers = [Client().get(url) for url in (existing, missing)]

    assert [r.status_code for r in answers] == [302, 302]
    assert all(r["Location"].startswith("/accounts/login/?next=") for r in answers)


def test_task_pages_still_answer_signed_in_users(drive: Driver) -> None:
    existing, missing = _task_url(drive)
    police = page_client(drive.p["police"])

    assert (police.get(existing).status_code, police.get(missing).status_code) == (200, 404)
