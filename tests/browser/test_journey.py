"""A model's whole life, clicked through the pages as each official would.

SYT officer registers → police approve → officer requests 1.250.000.000 đ →
finance returns it with a reason → officer asks again → finance approves
1.000.000.000 đ with a decision number → officer starts deployment →
officer submits completion with an evidence PDF → police verify → leader
signs off.  Every check is on what the user sees: inbox counts, the state
badge, the timeline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from approvals import clock

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_audit"),
]


def badge(page: Any) -> str:
    return str(page.locator(".page-head .badge.state").first.inner_text()).strip()


def todo(page: Any) -> int:
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/")
    return int(page.get_by_test_id("todo-count").inner_text())


def act_from_inbox(page: Any, button: str) -> None:
    """Open the home page and click the inbox button of the task."""
    todo(page)
    page.locator(".inbox-table").get_by_role("link", name=button, exact=True).first.click()


def text(page: Any) -> str:
    """What the user reads on the page (no-break spaces as plain spaces)."""
    return str(page.locator("main").inner_text()).replace("\u00a0", " ")


def submit(page: Any) -> None:
    page.locator("form.action-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_model_goes_from_registration_to_sign_off_through_the_pages(
    open_as: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    deadline = (clock.today() + dt.timedelta(days=180)).strftime("%d/%m/%Y")
    today = clock.today().strftime("%d/%m/%Y")

    officer = open_as("officer_syt", "pw-officer_syt")
    assert todo(officer) == 0
    officer.get_by_role("link", name="+ Đăng ký mô hình").click()
    officer.fill("#id_number", "6")
    officer.fill("#id_title", "Khám chữa bệnh sử dụng thẻ căn cước công dân và VNeID")
    officer.fill("#id_tasks", "Triển khai tại các bệnh viện tuyến tỉnh")
    officer.fill("#id_deadline", deadline)
    officer.fill("input[name=deliverables-0-name]", "Bệnh viện áp dụng")
    officer.fill("input[name=deliverables-0-unit]", "cơ sở")
    officer.fill("input[name=deliverables-0-target]", "10")
    submit(officer)
    assert badge(officer) == "Đã đăng ký"
    assert "Đã đăng ký Mô hình 6" in officer.locator(".messages").inner_text()

    police = open_as("police", "pw-police")
    assert todo(police) == 1
    act_from_inbox(police, "Chấp thuận đăng ký")
    police.fill("#id_comment", "Hồ sơ đầy đủ")
    submit(police)
    assert todo(police) == 0

    assert todo(officer) == 1
    act_from_inbox(officer, "Đề xuất kinh phí")
    officer.fill("#id_amount", "1.250.000.000")
    officer.select_option("#id_funding_source", "provincial_recurrent")
    officer.select_option("#id_spending_kind", "recurrent")
    officer.fill("input[name=lines-0-item]", "Thiết bị đọc thẻ CCCD")
    officer.fill("input[name=lines-0-amount]", "1.250.000.000")
    officer.fill("#id_justification", "Theo kế hoạch triển khai Đề án 06")
    submit(officer)
    assert badge(officer) == "Đã đề xuất kinh phí"
    assert "1.250.000.000 đ" in text(officer)

    finance = open_as("finance", "pw-finance")
    assert todo(finance) == 1
    act_from_inbox(finance, "Trả lại đề xuất kinh phí")
    submit(finance)  # the reason is required
    assert "Cần ghi rõ lý do" in text(finance)
    finance.fill("#id_comment", "Bổ sung thuyết minh chi tiết")
    submit(finance)
    assert badge(finance) == "Đã đăng ký"
    assert (
        finance.locator('.tl-item[data-kind="funding_appraisal"][data-outcome="returned"]').count()
        == 1
    )

    assert todo(officer) == 1
    act_from_inbox(officer, "Đề xuất kinh phí")
    officer.fill("#id_amount", "1.250.000.000")
    officer.select_option("#id_funding_source", "provincial_recurrent")
    officer.select_option("#id_spending_kind", "recurrent")
    officer.fill("input[name=lines-0-item]", "Thiết bị đọc thẻ CCCD")
    officer.fill("input[name=lines-0-amount]", "1.000.000.000")
    officer.fill("input[name=lines-1-item]", "Tập huấn")
    officer.fill("input[name=lines-1-amount]", "250.000.000")
    officer.fill("#id_justification", "Đã bổ sung thuyết minh chi tiết")
    submit(officer)
    assert badge(officer) == "Đã đề xuất kinh phí"

    act_from_inbox(finance, "Phê duyệt kinh phí")
    assert "1.250.000.000 đ" in text(finance)
    finance.fill("#id_approved_amount", "1.000.000.000")
    finance.fill("#id_decision_number", "1234/QĐ-UBND")
    finance.fill("#id_decision_date", today)
    submit(finance)
    assert badge(finance) == "Đã bố trí kinh phí"
    assert "1.000.000.000 đ" in text(finance)

    act_from_inbox(officer, "Bắt đầu triển khai")
    submit(officer)  # today is filled in
    assert badge(officer) == "Đang triển khai"

    evidence = tmp_path / "bien-ban-nghiem-thu.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    act_from_inbox(officer, "Báo cáo hoàn thành")
    officer.fill("input[name=deliverables-0-achieved]", "10")
    officer.fill("#id_summary", "Đã triển khai tại 10 bệnh viện")
    officer.set_input_files("#id_files", str(evidence))
    submit(officer)
    assert "bien-ban-nghiem-thu.pdf" in text(officer)

    assert todo(police) == 1
    act_from_inbox(police, "Xác nhận kết quả")
    submit(police)

    leader = open_as("leader", "pw-leader")
    assert todo(leader) == 1
    act_from_inbox(leader, "Ký duyệt hoàn thành")
    leader.fill("#id_comment", "Đồng ý ký duyệt")
    submit(leader)
    assert badge(leader) == "Hoàn thành"
    assert todo(leader) == 0

    leader.goto(officer.url)
    outcomes = leader.locator(".tl-item").evaluate_all(
        "items => items.map(i => i.dataset.kind + ':' + i.dataset.outcome)"
    )
    assert outcomes == [
        "registration_review:approved",
        "funding_appraisal:returned",
        "funding_appraisal:approved",
        "completion_verification:approved",
        "completion_signoff:approved",
    ]
    assert todo(officer) == 0
