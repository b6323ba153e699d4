"""The import page: upload, read the dry run row by row, then apply what was checked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from approvals.models import Agency, AuditEntry
from tests.workflows import second_province
from workflows.models import PilotModel
from workflows.province_import.template import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client: Client, content: bytes, name: str = "ha-tinh.xlsx") -> Any:
    return client.post(
        "/administration/import/",
        {"workbook": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def test_the_template_downloads_as_an_xlsx(admin_client: Client) -> None:
    response = admin_client.get("/administration/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response.content[:2] == b"PK" and "attachment" in response["Content-Disposition"]


def test_a_dry_run_shows_every_row_and_writes_nothing_then_apply_writes_it_all(
    admin_client: Client,
) -> None:
    dry = upload(admin_client, second_province.workbook())
    assert dry.status_code == 200
    page = dry.content.decode()
    assert "50 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi. Chạy thử: chưa ghi gì." in page
    assert page.count('class="status-created"') == 50
    assert PilotModel.objects.count() == 0 and Agency.objects.count() == 0
    token = dry.context["token"]
    applied = admin_client.post("/administration/import/apply/", {"token": token})
    assert applied.status_code == 200
    assert "Đã ghi vào hệ thống" in applied.content.decode()
    assert PilotModel.objects.count() == 25 and Agency.objects.count() == 12
    entry = AuditEntry.objects.get(action="province.imported")
    assert entry.actor_username == "root" and entry.payload["file"] == "ha-tinh.xlsx"
    # The checked file is used once.
    again = admin_client.post("/administration/import/apply/", {"token": token})
    assert again.status_code == 302


def test_a_workbook_with_errors_shows_them_and_offers_no_apply(admin_client: Client) -> None:
    rows = second_province.rows()
    rows["Mô hình"][2]["lead_agency"] = "XYZ"
    response = upload(admin_client, workbook_bytes(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không có cơ quan mã “XYZ”" in page and "Cơ quan chủ trì" in page
    assert 'data-testid="apply-form"' not in page
    assert PilotModel.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(admin_client: Client) -> None:
    response = upload(admin_client, b"%PDF-1.4 not a workbook", "bao-cao.xlsx")
    assert response.status_code == 400
    assert "không phải bảng tính Excel .xlsx" in response.content.decode()


def test_apply_needs_the_file_this_session_ran_dry(admin_client: Client, admin: User) -> None:
    response = admin_client.post("/administration/import/apply/", {"token": "0" * 32})
    assert response.status_code == 302 and response["Location"] == "/administration/import/"
    assert Agency.objects.count() == 0


def test_only_the_administrator_reaches_the_pages(
    client: Client, officer: User, police: User
) -> None:
    for who in (officer, police):
        client.force_login(who)
        for url in (
            "/administration/",
            "/administration/import/",
            "/administration/people/",
            "/administration/profile/",
        ):
            assert client.get(url).status_code == 403, url
        assert upload(client, second_province.workbook()).status_code == 403
    client.logout()
    assert client.get("/administration/import/").status_code == 302
