"""Two provinces from their own workbooks, with no code of their own: Nghệ An's demo and a second one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from approvals.models import Agency
from province.forms import profile_data
from province.profile import load
from province.services import profile_update, stored_reports
from reports.dashboard import dashboard_summary
from tests.reports.helpers import flat_text, needs_poppler
from tests.workflows import second_province
from workflows.demo.province import SETUP_DAY
from workflows.demo.replay import Timeline
from workflows.demo.workbook import demo_workbook
from workflows.province_import import applying, reading

pytestmark = pytest.mark.usefixtures("vietnamese")


def test_the_shipped_demo_workbook_imports_into_an_empty_database_with_its_38_models(
    admin: User,
) -> None:
    timeline = Timeline(timezone.now())
    # As on the demo's first day: every deadline is still ahead then.
    with time_machine.travel(timeline.moment(SETUP_DAY, 0), tick=False):
        outcome = applying.run(
            reading.read(demo_workbook(timeline.date_of)), actor=admin, commit=True
        )
        assert outcome.ok, outcome.lines()
        assert outcome.counts() == {
            "created": 11 + 18 + 38,  # agencies, officials (the two clerks among them), models
            "updated": 0,
            "unchanged": 0,
            "error": 0,
        }
        client = Client()
        client.force_login(User.objects.get(username="police"))
        page = client.get("/dashboard/").content.decode()
        assert "Tổng 38 mô hình" in page
        assert (
            dashboard_summary(User.objects.get(username="police"))["buckets"]["not_started"] == 38
        )


def test_the_demo_workbook_is_the_same_file_for_the_same_day() -> None:
    timeline = Timeline(timezone.now())
    assert demo_workbook(timeline.date_of) == demo_workbook(timeline.date_of)


def _second_province(admin: User) -> None:
    outcome = applying.run(reading.read(second_province.workbook()), actor=admin, commit=True)
    assert outcome.ok, outcome.lines()
    profile = load()
    data = profile_data(profile, stored_reports(profile))
    data.update(second_province.PROFILE)
    data.pop("reports_quarterly", None)
    profile_update(actor=admin, data=data)


@needs_poppler
@pytest.mark.parametrize(
    ("url", "issuer", "symbol", "signer", "recipient"),
    [
        (
            "/reports/progress.pdf",
            "CÔNG AN TỈNH HÀ TĨNH",
            "BC-CA",
            "Thượng tá Lê Văn Hà",
            "Ban Chỉ đạo chuyển đổi số tỉnh Hà Tĩnh;",
        ),
        ("/reports/funding.pdf", "SỞ TÀI CHÍNH HÀ TĨNH", "BC-TC", "Võ Văn Tài", "Lưu: VT, TC."),
    ],
)
def test_a_second_province_s_documents_carry_its_own_name_issuer_signer_and_recipients(
    admin: User, url: str, issuer: str, symbol: str, signer: str, recipient: str
) -> None:
    _second_province(admin)
    client = Client()
    client.force_login(User.objects.get(username="ht_canhsat"))
    response = client.get(url)
    assert response.status_code == 200
    text = flat_text(response.content)
    assert "UBND TỈNH HÀ TĨNH" in text and issuer in text and f"/{symbol}" in text
    today = dt.date.today()
    assert f"Hà Tĩnh, ngày {today.day:02d}" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh" in text
    assert signer in text and recipient in text
    assert "PHÓ GIÁM ĐỐC" in text
    assert "Nghệ An" not in text and "NGHỆ AN" not in text


def test_the_second_province_s_name_heads_every_page(admin: User, client: Any) -> None:
    _second_province(admin)
    client.force_login(User.objects.get(username="ht_canhsat"))
    assert "Hà Tĩnh" in client.get("/").content.decode()
    assert Agency.objects.count() == 12
