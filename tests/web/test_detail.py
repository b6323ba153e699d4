"""A model's page: every SPEC §3 field, the decisions, the trail, and the buttons for this user."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.factories import Driver


def test_the_page_shows_the_record(drive: Driver, officer: Any, client: Client) -> None:
    pm = drive.deploying(6)
    drive.act(
        "report_progress",
        pm,
        "officer",
        {"percent": 40, "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 4}]},
    )
    client.force_login(officer)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    for text in (
        "Mô hình 6",
        pm.title,
        "Triển khai khám chữa bệnh bằng CCCD gắn chip",
        "SYT – Sở Y tế",
        "officer_syt",
        pm.deadline.strftime("%d/%m/%Y"),
        "Bệnh viện áp dụng",
        "4 / 10 cơ sở",
        "1.250.000.000\u00a0đ",
        "1.000.000.000\u00a0đ",
        "1234/QĐ-UBND",
        "Thiết bị đọc CCCD",
        "Đang triển khai",
        'data-state="deploying"',
    ):
        assert text in html, text
    assert '<progress class="bar" max="100" value="40"' in html


def test_the_timeline_and_the_audit_trail_are_shown(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register()
    pm = drive.act("return_registration", pm, "police", {"comment": "Bổ sung sản phẩm"})
    client.force_login(police)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert 'data-kind="registration_review" data-outcome="returned"' in html
    assert "Bổ sung sản phẩm" in html
    assert "registration.submitted" in html and "registration.returned" in html
    assert "Nhật ký kiểm toán" in html


def test_refusals_appear_in_the_trail(drive: Driver, finance: Any, client: Client) -> None:
    pm = drive.register()
    client.force_login(finance)
    client.post(f"/pilot-models/{pm.pk}/actions/approve_registration/", {"comment": "x"})
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert "refused.approve_registration" in html


def test_sample_models_carry_the_sample_badge(drive: Driver, police: Any, client: Client) -> None:
    pm = drive.register(is_sample=True)
    client.force_login(police)
    assert "Dữ liệu mẫu" in client.get(f"/pilot-models/{pm.pk}/").content.decode()


def test_missing_population_db_permission_is_an_open_blocker_until_recorded(
    drive: Driver, police: Any, client: Client
) -> None:
    pm = drive.register(needs_population_db_connection=True)
    client.force_login(police)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert 'data-reason="no_population_db_permission"' in html
    drive.act(
        "record_db_permission",
        pm,
        "police",
        {"document_number": "12/C06", "date": pm.registered_at.date().isoformat()},
    )
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert 'data-reason="no_population_db_permission"' not in html
    assert "12/C06" in html


def test_buttons_are_the_actions_this_user_may_take_now(
    drive: Driver, police: Any, officer: Any, inspector: Any, client: Client
) -> None:
    pm = drive.register()
    client.force_login(police)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert (
        'data-action="approve_registration"' in html and 'data-action="return_registration"' in html
    )
    client.force_login(officer)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert 'data-action="approve_registration"' not in html and 'data-action="withdraw"' in html
    client.force_login(inspector)
    assert "data-action=" not in client.get(f"/pilot-models/{pm.pk}/").content.decode()


def test_another_agency_gets_404_not_403(drive: Driver, other_officer: Any, client: Client) -> None:
    pm = drive.register()
    client.force_login(other_officer)
    assert client.get(f"/pilot-models/{pm.pk}/").status_code == 404
    assert client.get("/pilot-models/999999/").status_code == 404


def test_register_page_creates_a_model_from_what_an_officer_types(
    officer: Any, police: Any, client: Client
) -> None:
    from approvals import clock

    client.force_login(officer)
    assert client.get("/pilot-models/new/").status_code == 200
    deadline = clock.today().replace(year=clock.today().year + 1).strftime("%d/%m/%Y")
    response = client.post(
        "/pilot-models/new/",
        {
            "number": "6",
            "title": "Khám chữa bệnh bằng CCCD",
            "tasks": "Triển khai",
            "lead_agency": "SYT",
            "responsible_officer": "officer_syt",
            "deadline": deadline,
            "needs_funding": "on",
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-unit": "cơ sở",
            "deliverables-0-target": "10",
            "deliverables-1-name": "",
            "deliverables-1-unit": "",
            "deliverables-1-target": "",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Mô hình 6" in html and "Đã đăng ký Mô hình 6" in html
    client.force_login(police)
    assert client.get("/pilot-models/new/").status_code == 403


def test_register_page_refuses_bad_input_with_field_errors(officer: Any, client: Client) -> None:
    from workflows.models import PilotModel

    client.force_login(officer)
    response = client.post(
        "/pilot-models/new/",
        {
            "number": "6",
            "title": "X",
            "tasks": "Y",
            "lead_agency": "SYT",
            "responsible_officer": "officer_syt",
            "deadline": "01/01/2020",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Thời hạn không được ở trong quá khứ" in html
    assert "Cần ít nhất 1 dòng" in html
    assert not PilotModel.objects.exists()
