"""The .xlsx twins round-trip through openpyxl with their types: numbers, dates, text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import Driver
from tests.reports.conftest import ClientFor, at
from tests.reports.helpers import workbook


@pytest.fixture
def province(drive: Driver) -> None:
    with at(0):
        drive.completed(6, deadline="2026-03-31")
        drive.deploying(21, title="=SUM(1)", deadline="2026-01-20", is_sample=True)
        drive.register(22, title="@cmd|' /C calc'!A0", deadline="2026-06-30")
        drive.funding_requested(23, title="-2+3", deadline="2026-06-30")


def get_xlsx(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return workbook(content)


def rows_by_number(sheet: Any) -> dict[int, Any]:
    return {
        row[0].value: row for row in sheet.iter_rows(min_row=2) if isinstance(row[0].value, int)
    }


@pytest.mark.usefixtures("province")
def test_the_progress_workbook_keeps_numbers_dates_and_text_apart(browser: ClientFor) -> None:
    with at(40):
        book = get_xlsx(browser("police"), "/reports/progress.xlsx")
    sheet = book["Mô hình"]
    assert [c.value for c in sheet[1]][:6] == [
        "Số",
        "Tên mô hình",
        "Dữ liệu mẫu",
        "Cơ quan chủ trì",
        "Trạng thái",
        "Thời hạn",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J5"
    rows = rows_by_number(sheet)
    assert set(rows) == {6, 21, 22, 23}
    formula_like = rows[21][1]
    assert formula_like.value == "=SUM(1)" and formula_like.data_type == "s"
    assert rows[22][1].value == "@cmd|' /C calc'!A0" and rows[22][1].data_type == "s"
    assert rows[23][1].value == "-2+3" and rows[23][1].data_type == "s"
    deadline = rows[21][5]
    assert deadline.is_date and deadline.value == dt.datetime(2026, 1, 20)
    assert deadline.number_format == "dd/mm/yyyy"
    overdue_days = rows[21][8]
    assert overdue_days.data_type == "n" and overdue_days.value == 25
    assert {"Tổng hợp", "Điểm nghẽn", "Xác thực"} <= set(book.sheetnames)


@pytest.mark.usefixtures("province")
def test_the_funding_workbook_has_money_as_numbers_with_totals(browser: ClientFor) -> None:
    with at(40):
        book = get_xlsx(browser("finance"), "/reports/funding.xlsx")
    sheet = book["Theo mô hình"]
    rows = rows_by_number(sheet)
    requested = rows[6][6]
    assert requested.value == 1_250_000_000 and requested.data_type == "n"
    assert requested.number_format == "#,##0"
    total = list(sheet.iter_rows(min_row=sheet.max_row))[0]
    assert total[1].value == "Tổng cộng"
    assert (
        total[6].value == 3_750_000_000
        and total[7].value == 2_000_000_000
        and total[8].value == 1_750_000_000
    )
    years = book["Theo năm ngân sách"]
    assert years["A2"].value == 2026 and years["A2"].data_type == "n"
    assert book["Theo nguồn kinh phí"]["A2"].value == "NS tỉnh – chi thường xuyên"


@pytest.mark.usefixtures("province")
def test_the_accountability_workbook_has_one_row_per_agency_and_head(browser: ClientFor) -> None:
    with at(40):
        book = get_xlsx(browser("inspector"), "/reports/accountability.xlsx")
    sheet = book["Trách nhiệm"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mã cơ quan", "Cơ quan chủ trì", "Người đứng đầu"]
    first = [c.value for c in sheet[2]]
    assert first[0] == "SYT" and first[2] == "Thủ trưởng SYT"
    assert first[6:10] == [4, 1, 0, 1]  # led, completed, completed late, overdue
    assert sheet["E2"].is_date
