"""The template a province fills in, and the command that writes and imports it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.workflows import second_province
from workflows.models import PilotModel
from workflows.province_import.sheets import SHEETS
from workflows.province_import.template import template_bytes, workbook_bytes

pytestmark = pytest.mark.usefixtures("vietnamese")


def test_the_template_has_the_three_sheets_with_vietnamese_headers_notes_and_one_example_row() -> (
    None
):
    book = load_workbook(io.BytesIO(template_bytes()))
    assert book.sheetnames == ["Cơ quan", "Cán bộ", "Mô hình"]
    for sheet in SHEETS:
        ws = book[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert ws.max_row == 2 and ws.freeze_panes == "A2"
        assert all(
            ws.cell(row=1, column=i + 1).comment for i, c in enumerate(sheet.columns) if c.note
        )
    assert [c.value for c in book["Cơ quan"][1]][:3] == ["Mã cơ quan", "Tên cơ quan", "Loại"]


def test_the_template_offers_drop_down_lists_from_fixed_lists_and_from_the_other_sheets() -> None:
    book = load_workbook(io.BytesIO(template_bytes()))

    def lists(sheet: str) -> dict[str, str]:
        return {
            str(v.sqref).split(":")[0]: v.formula1
            for v in book[sheet].data_validations.dataValidation
        }

    assert lists("Cơ quan")["C2"] == '"Công an,Tài chính,Lãnh đạo tỉnh,Sở ngành,Khác"'
    assert lists("Cán bộ")["D2"] == "'Cơ quan'!$A$2:$A$2001"
    assert lists("Cán bộ")["E2"] == '"officer,police,finance,leader,inspector,admin,clerk"'
    assert lists("Mô hình")["D2"] == "'Cơ quan'!$A$2:$A$2001"
    assert lists("Mô hình")["F2"] == "'Cán bộ'!$A$2:$A$2001"
    assert lists("Mô hình")["H2"] == '"Có,Không"'


def test_the_same_rows_give_the_same_file() -> None:
    rows = second_province.rows()
    assert workbook_bytes(rows) == workbook_bytes(rows)


def test_the_command_writes_the_template_and_imports_it(
    admin: User, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "mau.xlsx"
    call_command("import_province", template=str(target))
    call_command("import_province", str(target), dry_run=True)
    assert (
        "3 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi. Chạy thử: chưa ghi gì."
        in capsys.readouterr().out
    )
    assert not PilotModel.objects.exists()
    call_command("import_province", str(target), as_user="root")
    assert "Đã ghi vào hệ thống." in capsys.readouterr().out
    assert PilotModel.objects.count() == 1


def test_the_command_exits_non_zero_on_any_error_and_writes_nothing(
    admin: User, tmp_path: Path, capsys: Any
) -> None:
    rows = second_province.rows()
    rows["Cán bộ"][0]["agency"] = "KHONGCO"
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(workbook_bytes(rows))
    with pytest.raises(CommandError) as failed:
        call_command("import_province", str(bad))
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "Cán bộ, dòng 2 (ht_canhsat): lỗi" in out and "Không có cơ quan mã “KHONGCO”" in out
    assert "Không ghi gì vì còn lỗi." in out
    assert not PilotModel.objects.exists()


def test_the_command_needs_an_administrator(db: Any, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    target.write_bytes(template_bytes())
    with pytest.raises(CommandError, match="createsuperuser"):
        call_command("import_province", str(target), dry_run=True)


def test_the_command_asks_which_administrator_when_there_are_two(
    admin: User, tmp_path: Path
) -> None:
    User.objects.create_superuser("root2", "root2@example.vn", "x")
    target = tmp_path / "mau.xlsx"
    target.write_bytes(template_bytes())
    with pytest.raises(CommandError, match="--as USERNAME"):
        call_command("import_province", str(target), dry_run=True)
    call_command("import_province", str(target), dry_run=True, as_user="root2")
