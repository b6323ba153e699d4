"""The home page: each role's tasks with counts; claiming and releasing a task."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from viewflow.workflow.models import Task

from tests.factories import Driver, registration_data
from workflows import services
from workflows.flow_sync import open_tasks


def count(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert match, testid
    return int(match.group(1))


def sgddt_model(other_officer: Any, police: Any, number: int = 7) -> Any:
    pm = services.pilot_model_register(
        actor=other_officer,
        data=registration_data(number, agency_code="SGDDT", officer="officer_sgddt"),
    )
    return services.perform("approve_registration", pilot_model_id=pm.pk, actor=police)


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_police_see_registrations_waiting_for_review(
    drive: Driver, police: Any, client: Client
) -> None:
    drive.register(6)
    drive.register(8)
    client.force_login(police)
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 2
    assert count(html, "queue-count") == 2
    assert "Thẩm định đăng ký" in html
    assert "Chấp thuận đăng ký" in html


def test_an_officer_sees_only_their_agency_tasks(
    drive: Driver, officer: Any, other_officer: Any, police: Any, client: Client
) -> None:
    drive.approved(6)
    sgddt_model(other_officer, police)
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 1
    assert "Mô hình 6" in html
    assert "Mô hình 7" not in html
    client.force_login(other_officer)
    html = client.get("/").content.decode()
    assert "Mô hình 7" in html and "Mô hình 6" not in html


def test_finance_and_leader_see_their_steps(
    drive: Driver, finance: Any, leader: Any, client: Client
) -> None:
    drive.funding_requested(6)
    drive.verified(8)
    client.force_login(finance)
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 1 and "Thẩm định kinh phí" in html
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 1 and "Lãnh đạo ký duyệt" in html


def test_the_inspector_reads_without_tasks(drive: Driver, inspector: Any, client: Client) -> None:
    drive.register()
    client.force_login(inspector)
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 0
    assert "chỉ xem" in html
    assert "Đăng ký mô hình" not in html


def test_claiming_moves_a_task_to_mine_and_colleagues_see_who_holds_it(
    drive: Driver, police: Any, people: dict[str, Any], client: Client
) -> None:
    pm = drive.register()
    task = open_tasks(pm.process)[0]
    client.force_login(police)
    response = client.post(f"/tasks/{task.pk}/claim/", {"next": "/"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner_id == police.pk
    html = client.get("/").content.decode()
    assert count(html, "mine-count") == 1 and count(html, "queue-count") == 0
    client.force_login(people["police2"])
    html = client.get("/").content.decode()
    assert count(html, "todo-count") == 0
    assert "Đồng nghiệp đang xử lý" in html


def test_a_stale_claim_gets_a_message_and_writes_nothing(
    drive: Driver, police: Any, people: dict[str, Any], client: Client
) -> None:
    pm = drive.register()
    task = open_tasks(pm.process)[0]
    client.force_login(police)
    client.post(f"/tasks/{task.pk}/claim/")
    client.force_login(people["police2"])
    response = client.post(f"/tasks/{task.pk}/claim/", {"next": "/"}, follow=True)
    assert "đã có người nhận" in response.content.decode()
    task.refresh_from_db()
    assert task.owner_id == police.pk
    response = client.post(f"/tasks/{task.pk}/unclaim/", follow=True)
    assert "không còn giữ việc này" in response.content.decode()
    task.refresh_from_db()
    assert task.owner_id == police.pk


def test_releasing_a_task_puts_it_back_in_the_queue(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register()
    task = open_tasks(pm.process)[0]
    client.force_login(police)
    client.post(f"/tasks/{task.pk}/claim/")
    client.post(f"/tasks/{task.pk}/unclaim/")
    task.refresh_from_db()
    assert task.owner_id is None and task.status == "NEW"


def test_a_task_outside_your_queue_cannot_be_claimed(
    drive: Driver, finance: Any, other_officer: Any, client: Client
) -> None:
    pm = drive.approved()
    task = open_tasks(pm.process)[0]  # the SYT agency's "plan" task
    for outsider in (finance, other_officer):
        client.force_login(outsider)
        assert client.post(f"/tasks/{task.pk}/claim/").status_code == 404
    assert Task.objects.get(pk=task.pk).owner_id is None


def test_claiming_needs_a_post(drive: Driver, police: Any, client: Client) -> None:
    pm = drive.register()
    client.force_login(police)
    assert client.get(f"/tasks/{open_tasks(pm.process)[0].pk}/claim/").status_code == 405
