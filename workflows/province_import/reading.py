"""Open the province's workbook and turn its cells into checked rows, writing nothing.

Refused before any row is read: a file that is not an .xlsx (or is too big,
or unpacks to too much), a missing sheet, a missing or unknown header, a
sheet of more than ``MAX_ROWS`` rows.  Then each row is checked cell by
cell (formulas, types, lengths, dates both as Excel dates and dd/mm/yyyy),
for duplicates within its sheet, and for what it refers to: agencies and
officials named in the file or already in the database, and a responsible
officer who is an officer of the model's lead agency.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from approvals.models import Agency, Official
from approvals.roles import Role

from .cells import CellError, convert, text_of
from .outcome import Problem
from .sheets import (
    AGENCIES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MODELS,
    OFFICIALS,
    SHEETS,
    Column,
    Sheet,
)


@dataclass
class Row:
    """One data row: its Excel row number, its typed values, what is wrong with it."""

    sheet: Sheet
    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, column_key: str | None, message: str) -> None:
        header = self.sheet.column(column_key).header if column_key else None
        self.problems.append(Problem(message, self.sheet.name, self.number, header))

    @property
    def key(self) -> str:
        first = self.sheet.columns[0].key
        return text_of(self.values.get(first)) or "?"


@dataclass
class Workbook:
    filename: str = ""
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=lambda: {sheet.name: [] for sheet in SHEETS})

    @property
    def readable(self) -> bool:
        return not self.problems

    def of(self, sheet: Sheet) -> list[Row]:
        return self.rows[sheet.name]


def read(content: bytes, *, filename: str = "") -> Workbook:
    """The workbook's rows, each with its problems; file-level problems stop the reading."""
    book = Workbook(filename=filename, sha256=hashlib.sha256(content).hexdigest())
    problem = _container_problem(content)
    if problem:
        book.problems.append(Problem(problem))
        return book
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same here
        book.problems.append(
            Problem(_("Không đọc được tệp: tệp .xlsx bị hỏng hoặc không đúng định dạng."))
        )
        return book
    try:
        for sheet in SHEETS:
            if sheet.name not in workbook.sheetnames:
                book.problems.append(
                    Problem(
                        _("Thiếu trang tính “%(sheet)s” (cần đủ ba trang: %(all)s).")
                        % {"sheet": sheet.name, "all": ", ".join(s.name for s in SHEETS)}
                    )
                )
                continue
            book.rows[sheet.name] = _read_sheet(sheet, workbook[sheet.name], book.problems)
    finally:
        workbook.close()
    if book.readable:
        _check_duplicates(book)
        _check_references(book)
    return book


def _container_problem(content: bytes) -> str:
    if len(content) > MAX_FILE_BYTES:
        return _("Tệp lớn quá %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _("Đây là tệp .xls (Excel 97–2003): hãy mở bằng Excel và lưu lại dạng .xlsx.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return _("Tệp không phải bảng tính Excel .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return _("Tệp không phải bảng tính Excel .xlsx.")
    if "xl/workbook.xml" not in names:
        return _("Tệp không phải bảng tính Excel .xlsx.")
    if unpacked > MAX_UNPACKED_BYTES:
        return _("Tệp giải nén ra quá lớn; bảng tính của tỉnh không cần nhiều dữ liệu như vậy.")
    return ""


def _header_key(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).casefold()


def _read_sheet(sheet: Sheet, worksheet: Any, problems: list[Problem]) -> list[Row]:
    rows = worksheet.iter_rows()
    header_cells = next(rows, ())
    by_header = {_header_key(c.header): c for c in sheet.columns}
    positions: dict[int, Column] = {}
    seen: set[str] = set()
    bad_header = False
    for index, cell in enumerate(header_cells):
        text = text_of(cell.value)
        if not text:
            continue
        column = by_header.get(_header_key(text))
        if column is None:
            problems.append(
                Problem(_("Cột “%(h)s” không có trong mẫu.") % {"h": text}, sheet.name, 1, text)
            )
            bad_header = True
        elif column.key in seen:
            problems.append(
                Problem(_("Cột “%(h)s” xuất hiện hai lần.") % {"h": text}, sheet.name, 1, text)
            )
            bad_header = True
        else:
            seen.add(column.key)
            positions[index] = column
    for column in sheet.columns:
        if column.required and column.key not in seen:
            problems.append(
                Problem(
                    _("Thiếu cột bắt buộc “%(h)s”.") % {"h": column.header},
                    sheet.name,
                    1,
                    column.header,
                )
            )
            bad_header = True
    if bad_header:
        return []
    out: list[Row] = []
    for number, cells in _data_rows(rows):
        if len(out) == MAX_ROWS:
            problems.append(
                Problem(
                    _("Trang tính có hơn %(n)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"n": f"{MAX_ROWS:,}".replace(",", ".")},
                    sheet.name,
                )
            )
            return []
        out.append(_read_row(sheet, number, cells, positions))
    return out


def _data_rows(rows: Iterator[Any]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Rows that hold anything, with their Excel row number (the header is row 1)."""
    for number, cells in enumerate(rows, start=2):
        if any(cell.value is not None and text_of(cell.value) != "" for cell in cells):
            yield number, cells


def _read_row(
    sheet: Sheet, number: int, cells: tuple[Any, ...], positions: dict[int, Column]
) -> Row:
    row = Row(sheet, number, {})
    for index, cell in enumerate(cells):
        column = positions.get(index)
        if getattr(cell, "data_type", "") == "f":
            header = column.header if column else None
            row.problems.append(
                Problem(
                    _("Ô có công thức (%(f)s); hãy chép giá trị (Paste Values) thay cho công thức.")
                    % {"f": str(cell.value)[:40]},
                    sheet.name,
                    number,
                    header,
                )
            )
            continue
        if column is None:
            if text_of(cell.value):
                row.problems.append(
                    Problem(_("Ô có dữ liệu ở cột không có tiêu đề."), sheet.name, number)
                )
            continue
        try:
            row.values[column.key] = convert(column, cell.value)
        except CellError as error:
            row.fail(column.key, str(error))
    for column in sheet.columns:
        if column.key not in row.values and not any(
            p.column == column.header for p in row.problems
        ):
            try:
                row.values[column.key] = convert(column, None)
            except CellError as error:
                row.fail(column.key, str(error))
    return row


def _check_duplicates(book: Workbook) -> None:
    for sheet, key in ((AGENCIES, "code"), (OFFICIALS, "username"), (MODELS, "number")):
        first: dict[str, int] = {}
        for row in book.of(sheet):
            value = row.values.get(key)
            if value in (None, ""):
                continue
            folded = str(value).casefold()
            if folded in first:
                row.fail(key, _("Trùng với dòng %(row)s.") % {"row": first[folded]})
            else:
                first[folded] = row.number


def _check_references(book: Workbook) -> None:
    """Agencies and officers named must exist (in the file or already in the system) and fit."""
    agencies = {r.values["code"] for r in book.of(AGENCIES) if r.values.get("code")}
    agencies |= set(Agency.objects.values_list("code", flat=True))
    # Who is whose officer: the file says so for its rows, the database for everyone else.
    posts: dict[str, tuple[str, set[str]]] = {}
    for official in Official.objects.select_related("agency", "user").filter(user__is_active=True):
        posts[official.user.username] = (official.agency.code, set())
    user_model = get_user_model()
    for username, group in user_model.objects.filter(groups__name__in=Role.values).values_list(
        "username", "groups__name"
    ):
        if username in posts:
            posts[username][1].add(group)
    for row in book.of(OFFICIALS):
        if row.values.get("agency") and row.values["agency"] not in agencies:
            row.fail(
                "agency",
                _("Không có cơ quan mã “%(code)s” (ở trang Cơ quan hay trong hệ thống).")
                % {"code": row.values["agency"]},
            )
        if row.values.get("username"):
            posts[row.values["username"]] = (
                row.values.get("agency", ""),
                set(row.values.get("roles", [])),
            )
    for row in book.of(MODELS):
        lead = row.values.get("lead_agency", "")
        if lead and lead not in agencies:
            row.fail("lead_agency", _("Không có cơ quan mã “%(code)s”.") % {"code": lead})
        unknown = [
            code for code in row.values.get("coordinating_agencies", []) if code not in agencies
        ]
        if unknown:
            row.fail(
                "coordinating_agencies",
                _("Không có cơ quan mã: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        officer = row.values.get("responsible_officer", "")
        if not officer or not lead:
            continue
        post = posts.get(officer)
        if post is None:
            row.fail(
                "responsible_officer",
                _("Không có cán bộ “%(u)s” (ở trang Cán bộ hay trong hệ thống).") % {"u": officer},
            )
        elif post[0] != lead or Role.OFFICER not in post[1]:
            row.fail(
                "responsible_officer",
                _(
                    "“%(u)s” không phải cán bộ (vai trò officer) của cơ quan chủ trì %(lead)s (đang thuộc %(agency)s)."
                )
                % {"u": officer, "lead": lead, "agency": post[0] or "?"},
            )
