"""Bad workbooks: each gets a clear Vietnamese error at its sheet, row and column, and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook, load_workbook

from approvals.models import Agency, AuditEntry
from tests.workflows import second_province
from workflows.models import PilotModel
from workflows.province_import import applying, reading
from workflows.province_import.template import workbook_bytes

Rows = dict[str, list[dict[str, Any]]]

pytestmark = pytest.mark.usefixtures("vietnamese")


def edited(change: Callable[[Rows], None]) -> bytes:
    rows = second_province.rows()
    change(rows)
    return workbook_bytes(rows)


def with_sheet(change: Callable[[Any], None]) -> bytes:
    """The second province's workbook with ``change`` made to it in openpyxl, as Excel would save it."""
    book = load_workbook(io.BytesIO(second_province.workbook()))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ten_thousand_rows() -> bytes:
    book = load_workbook(io.BytesIO(second_province.workbook()))
    sheet = book["Cán bộ"]
    for n in range(10_000):
        sheet.append([f"user{n}", f"Người {n}", f"user{n}@example.vn", "CA", "officer", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_cell(sheet: str, cell: str, value: Any) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet][cell] = value

    return change


def plain_xlsx_without_sheets() -> bytes:
    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def officer_of_another_agency(rows: Rows) -> None:
    rows["Mô hình"][0]["responsible_officer"] = "ht_cb_yt"  # model 101 is led by KHCN


CASES: list[tuple[str, Callable[[], bytes], tuple[str | None, int | None, str | None], str]] = [
    (
        "not an xlsx",
        lambda: b"Ma,Ten\nCA,Cong an\n",
        (None, None, None),
        "không phải bảng tính Excel .xlsx",
    ),
    (
        "an old .xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        (None, None, None),
        ".xls",
    ),
    (
        "a damaged zip",
        lambda: second_province.workbook()[:3000],
        (None, None, None),
        "không phải bảng tính",
    ),
    (
        "a sheet missing",
        plain_xlsx_without_sheets,
        (None, None, None),
        "Thiếu trang tính “Cơ quan”",
    ),
    (
        "a formula",
        lambda: with_sheet(set_cell("Mô hình", "B3", '=A2&" mới"')),
        ("Mô hình", 3, "Tên mô hình"),
        "công thức",
    ),
    ("10,000 rows", ten_thousand_rows, ("Cán bộ", None, None), "hơn 2.000 dòng"),
    (
        "a wrong header",
        lambda: with_sheet(set_cell("Cơ quan", "B1", "Tên đơn vị")),
        ("Cơ quan", 1, "Tên đơn vị"),
        "không có trong mẫu",
    ),
    (
        "a missing header",
        lambda: with_sheet(lambda b: b["Mô hình"].delete_cols(7)),
        ("Mô hình", 1, "Thời hạn"),
        "Thiếu cột bắt buộc",
    ),
    (
        "a duplicate number",
        lambda: edited(lambda r: r["Mô hình"][4].update(number=101)),
        ("Mô hình", 6, "Số mô hình"),
        "Trùng với dòng 2",
    ),
    (
        "a duplicate username",
        lambda: edited(lambda r: r["Cán bộ"][5].update(username="HT_canhsat")),
        ("Cán bộ", 7, "Tên đăng nhập"),
        "Trùng với dòng 2",
    ),
    (
        "an unknown agency",
        lambda: edited(lambda r: r["Cán bộ"][2].update(agency="UBT")),
        ("Cán bộ", 4, "Cơ quan"),
        "Không có cơ quan mã “UBT”",
    ),
    (
        "an unknown lead agency",
        lambda: edited(lambda r: r["Mô hình"][1].update(lead_agency="SYT")),
        ("Mô hình", 3, "Cơ quan chủ trì"),
        "Không có cơ quan mã “SYT”",
    ),
    (
        "a date that is not dd/mm/yyyy",
        lambda: with_sheet(set_cell("Mô hình", "G2", "2030-12-31")),
        ("Mô hình", 2, "Thời hạn"),
        "dd/mm/yyyy",
    ),
    (
        "a date not on the calendar",
        lambda: with_sheet(set_cell("Mô hình", "G2", "31/02/2030")),
        ("Mô hình", 2, "Thời hạn"),
        "không có trên lịch",
    ),
    (
        "a head since date with a two-digit year",
        lambda: with_sheet(set_cell("Cơ quan", "G2", "1/3/25")),
        ("Cơ quan", 2, "Thủ trưởng từ ngày"),
        "dd/mm/yyyy",
    ),
    (
        "an officer not of the lead agency",
        lambda: edited(officer_of_another_agency),
        ("Mô hình", 2, "Cán bộ phụ trách"),
        "không phải cán bộ (vai trò officer) của cơ quan chủ trì KHCN",
    ),
    (
        "a role that does not exist",
        lambda: edited(lambda r: r["Cán bộ"][0].update(roles=["police", "boss"])),
        ("Cán bộ", 2, "Vai trò"),
        "Vai trò “boss” không có",
    ),
    (
        "a bad deliverable",
        lambda: with_sheet(set_cell("Mô hình", "J2", "Bệnh viện: nhiều lắm")),
        ("Mô hình", 2, "Sản phẩm (tên: chỉ tiêu đơn vị)"),
        "Tên sản phẩm: chỉ tiêu đơn vị",
    ),
    (
        "a required cell left empty",
        lambda: with_sheet(set_cell("Cán bộ", "C3", None)),
        ("Cán bộ", 3, "Email"),
        "không được để trống",
    ),
    (
        "a bad e-mail",
        lambda: with_sheet(set_cell("Cán bộ", "C3", "ht.gmail.com")),
        ("Cán bộ", 3, "Email"),
        "không phải địa chỉ email",
    ),
]


@pytest.mark.parametrize(
    ("make", "where", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_bad_workbook_is_refused_with_a_clear_error_and_writes_nothing(
    admin: User,
    make: Callable[[], bytes],
    where: tuple[str | None, int | None, str | None],
    message: str,
) -> None:
    before = (
        Agency.objects.count(),
        User.objects.count(),
        PilotModel.objects.count(),
        AuditEntry.objects.count(),
    )
    outcome = applying.run(reading.read(make(), filename="tinh.xlsx"), actor=admin, commit=True)
    assert not outcome.ok and not outcome.committed
    found = [(p.sheet, p.row, p.column, p.message) for p in outcome.problems]
    assert any((s, r, c) == where and message in m for s, r, c, m in found), found
    after = (
        Agency.objects.count(),
        User.objects.count(),
        PilotModel.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize("deadline", [dt.datetime(2031, 5, 4), "04/05/2031", "4/5/2031"])
def test_dates_work_as_real_excel_dates_and_as_dd_mm_yyyy_text(admin: User, deadline: Any) -> None:
    content = with_sheet(set_cell("Mô hình", "G2", deadline))
    outcome = applying.run(reading.read(content), actor=admin, commit=True)
    assert outcome.ok, outcome.lines()
    assert PilotModel.objects.get(number=101).deadline == dt.date(2031, 5, 4)


def test_a_formula_anywhere_is_refused_even_in_a_column_without_header(admin: User) -> None:
    outcome = applying.run(
        reading.read(with_sheet(set_cell("Cơ quan", "Z5", "=SUM(1,2)"))), actor=admin, commit=False
    )
    assert [(p.sheet, p.row, p.column) for p in outcome.problems][0] == ("Cơ quan", 5, None)
    # Rows that name the agency of that row cannot be applied either, and say why.
    inspector = next(r for r in outcome.rows if r.key == "ht_thanhtra")
    assert "dòng của cơ quan này có lỗi" in inspector.problems[0].message


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(admin: User) -> None:
    content = edited(lambda rows: rows["Mô hình"][0].update(title="=Mô hình có dấu bằng"))
    outcome = applying.run(reading.read(content), actor=admin, commit=True)
    assert outcome.ok, outcome.lines()
    assert PilotModel.objects.get(number=101).title == "=Mô hình có dấu bằng"
