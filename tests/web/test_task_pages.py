"""The viewflow task page offers the node's forms; a stale page says so and writes nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from approvals.models import AuditEntry
from tests.factories import Driver
from workflows.flow_sync import open_tasks


def task_url(pm: Any) -> str:
    return open_tasks(pm.process)[0].reverse("execute")


def test_the_task_page_embeds_the_node_actions(drive: Driver, police: Any, client: Client) -> None:
    pm = drive.register()
    client.force_login(police)
    html = client.get(task_url(pm)).content.decode()
    assert "Chấp thuận đăng ký" in html and "Trả lại hồ sơ đăng ký" in html
    assert f"/pilot-models/{pm.pk}/actions/approve_registration/" in html


def test_deciding_on_the_task_page_goes_through_the_service(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register()
    client.force_login(police)
    response = client.post(
        task_url(pm), {"action": "approve_registration", "version": pm.version, "comment": "Đồng ý"}
    )
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.registration_approved
    assert [t.flow_task.name for t in open_tasks(pm.process)] == ["plan"]


def test_invalid_input_on_the_task_page_shows_errors(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register()
    client.force_login(police)
    response = client.post(
        task_url(pm), {"action": "return_registration", "version": pm.version, "comment": ""}
    )
    assert response.status_code == 400
    assert "Cần ghi rõ lý do" in response.content.decode()


def test_a_stale_task_page_explains_and_writes_nothing(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register()
    url = task_url(pm)
    drive.act("approve_registration", pm, "police2")  # decided meanwhile, elsewhere
    entries = AuditEntry.objects.count()
    client.force_login(police)
    page = client.get(url)
    assert page.status_code == 200
    assert "đã được xử lý xong" in page.content.decode()
    response = client.post(
        url, {"action": "return_registration", "version": pm.version, "comment": "Bổ sung"}
    )
    assert response.status_code == 409
    assert "Không có thay đổi nào được ghi" in response.content.decode()
    assert AuditEntry.objects.count() == entries


def test_a_task_page_of_a_hidden_model_is_404(
    drive: Driver, other_officer: Any, client: Client
) -> None:
    pm = drive.approved()
    client.force_login(other_officer)
    assert client.get(task_url(pm)).status_code == 404
