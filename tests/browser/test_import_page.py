"""The administrator imports a province's workbook through the page: dry run first, then apply.

A fresh installation: one superuser, no agencies.  The administrator
downloads nothing by hand here; the second province's workbook stands for
the file a province fills in from the template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from approvals.models import Agency
from tests.browser.conftest import ARTIFACTS
from tests.workflows import second_province
from workflows.models import PilotModel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_audit"),
]


def test_the_administrator_runs_the_import_dry_then_applies_it(
    open_as: Any, tmp_path: Path
) -> None:
    User.objects.create_superuser("root", "root@example.vn", "pw-root-browser")
    workbook = tmp_path / "ha-tinh.xlsx"
    workbook.write_bytes(second_province.workbook())

    page = open_as("root", "pw-root-browser")
    page.get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Nhập dữ liệu từ bảng tính").click()
    assert (
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").get_attribute("href")
        == "/administration/import/template.xlsx"
    )

    page.set_input_files("#id_workbook", str(workbook))
    page.get_by_role("button", name="Chạy thử").click()
    page.wait_for_load_state()
    summary = page.get_by_test_id("import-summary").inner_text()
    assert summary == "50 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi. Chạy thử: chưa ghi gì."
    assert page.locator(".import-report tbody tr").count() == 50
    assert Agency.objects.count() == 0 and PilotModel.objects.count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-dry-run.png"), full_page=True)

    page.get_by_role("button", name="Ghi vào hệ thống").click()
    page.wait_for_load_state()
    assert "Đã ghi vào hệ thống" in page.get_by_test_id("import-summary").inner_text()
    assert Agency.objects.count() == 12 and PilotModel.objects.count() == 25
    page.screenshot(path=str(ARTIFACTS / "import-applied.png"), full_page=True)

    # The administrator reads no case data (review I1): its dashboard answers, and counts nothing.
    response = page.goto(page.url.split("/administration/")[0] + "/dashboard/")
    assert response is not None and response.status == 200
    assert "Tổng 0 mô hình" in page.locator("main").inner_text()
