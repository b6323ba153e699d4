"""The .xlsx twins of the reports, written with openpyxl in write-only (streaming) mode.

* Numbers are numbers and dates are dates, with Vietnamese-looking formats
  (``#,##0`` shows 1.250.000.000 under a vi locale; ``dd/mm/yyyy``).
* Text is always text: a cell that starts with ``=``, ``+``, ``-`` or ``@``
  is written as a string with the quote prefix, so a title such as
  ``=SUM(1)`` never becomes a formula in Excel or LibreOffice.
* Headers are Vietnamese, the header row is frozen and has an autofilter.
* Write-only mode keeps one row in memory at a time, so 100,000 models fit.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MONEY = "#,##0"
COUNT = "#,##0"
DAYS = "0.0"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[str, float]  # (Vietnamese header, width in characters)


def _cell(
    ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None, bold: bool = False
) -> Any:
    """One typed cell.  Strings are forced to text, whatever they start with."""
    if isinstance(value, dt.datetime):
        value = (
            timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        )
        number_format = number_format or DATETIME
    elif isinstance(value, dt.date):
        number_format = number_format or DATE
    elif value is not None and not isinstance(value, int | float | bool):
        value = str(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _table(
    wb: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None],
    totals: Sequence[Any] | None = None,
) -> None:
    """A sheet with a bold, frozen, filterable header row and typed cells."""
    ws: WriteOnlyWorksheet = wb.create_sheet(title=title)
    ws.freeze_panes = "A2"
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header = []
    for name, _width in columns:
        cell = _cell(ws, name, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_cell(ws, value, fmt) for value, fmt in zip(row, formats, strict=True)])
        count += 1
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    if totals is not None:
        ws.append(
            [_cell(ws, value, fmt, bold=True) for value, fmt in zip(totals, formats, strict=True)]
        )


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _workbook() -> Workbook:
    return Workbook(write_only=True)


def progress_workbook(context: dict[str, Any]) -> bytes:
    """Sheets: every model; the summary; the bottlenecks."""
    with translation.override("vi"):
        wb = _workbook()
        summary = context["summary"]
        _table(
            wb,
            _("Mô hình"),
            [
                (_("Số"), 6),
                (_("Tên mô hình"), 60),
                (_("Dữ liệu mẫu"), 10),
                (_("Cơ quan chủ trì"), 28),
                (_("Trạng thái"), 20),
                (_("Thời hạn"), 12),
                (_("Thời hạn ban đầu"), 12),
                (_("Tiến độ (%)"), 10),
                (_("Quá hạn (ngày)"), 10),
                (_("Vướng mắc"), 40),
            ],
            (
                (
                    r["number"],
                    r["title"],
                    _("Có") if r["is_sample"] else "",
                    r["lead_agency"],
                    r["state_label"],
                    r["deadline"],
                    r["original_deadline"],
                    r["progress_percent"],
                    r["overdue_days"] or None,
                    "; ".join(r["blockers"]),
                )
                for r in context["rows"]
            ),
            [None, None, None, None, None, DATE, DATE, COUNT, COUNT, None],
        )
        figures: list[tuple[str, Any]] = [
            (_("Hoàn thành"), summary["buckets"]["completed"]),
            (_("Đang triển khai"), summary["buckets"]["in_progress"]),
            (_("Chưa triển khai"), summary["buckets"]["not_started"]),
            (_("Đã hủy"), summary["cancelled"]),
            (_("Quá hạn"), summary["overdue"]),
            (_("Đến hạn trong %(n)s ngày") % {"n": summary["due_soon_days"]}, summary["due_soon"]),
            (
                _("Không có thao tác trong %(n)s ngày") % {"n": summary["stuck_days"]},
                summary["stuck"],
            ),
            (_("Đang có vướng mắc"), summary["blocked"]),
        ]
        figures += [(row["label"], row["count"]) for row in context["states"]]
        _table(
            wb,
            _("Tổng hợp"),
            [(_("Chỉ tiêu"), 40), (_("Số mô hình"), 14)],
            figures,
            [None, COUNT],
        )
        _comparison_sheet(wb, context["comparison"])
        _bottleneck_sheet(wb, summary["bottlenecks"])
        _anchor_sheet(wb, context)
        return _save(wb)


def _comparison_sheet(wb: Workbook, comparison: dict[str, Any]) -> None:
    """The report's "so với kỳ trước": the three buckets, then each lead agency."""
    before = comparison["before_day"].strftime("%d/%m/%Y")
    now = comparison["now_day"].strftime("%d/%m/%Y")
    rows: list[tuple[Any, ...]] = [
        (_("Toàn tỉnh"), b["label"], b["before"], b["now"], b["delta"])
        for b in comparison["buckets"]
    ]
    for agency in comparison["agencies"]:
        for bucket in comparison["buckets"]:
            cell = agency[bucket["key"]]
            rows.append(
                (agency["name"], bucket["label"], cell["before"], cell["now"], cell["this"])
            )
    _table(
        wb,
        _("So với kỳ trước"),
        [
            (_("Cơ quan chủ trì"), 36),
            (_("Nhóm"), 20),
            (_("Cuối ngày %(d)s") % {"d": before}, 16),
            (_("Cuối ngày %(d)s") % {"d": now}, 16),
            (_("Tăng/giảm"), 12),
        ],
        rows,
        [None, None, COUNT, COUNT, COUNT],
    )


def _bottleneck_sheet(wb: Workbook, bottlenecks: dict[str, Any]) -> None:
    groups = [
        (_("Bước phê duyệt"), bottlenecks["steps"]),
        (_("Cơ quan quyết định"), bottlenecks["deciding_agencies"]),
        (_("Cơ quan chủ trì (mô hình chờ)"), bottlenecks["lead_agencies"]),
        (_("Đang chờ ở bước"), bottlenecks["waiting_steps"]),
        (_("Đang chờ ở trạng thái"), bottlenecks["waiting_states"]),
    ]
    _table(
        wb,
        _("Điểm nghẽn"),
        [
            (_("Nhóm"), 30),
            (_("Nội dung"), 36),
            (_("Số lượt"), 10),
            (_("Trung vị (ngày làm việc)"), 14),
            (_("Bình quân (ngày làm việc)"), 14),
            (_("Dài nhất (ngày làm việc)"), 14),
            (_("Trung vị (ngày)"), 14),
            (_("Bình quân (ngày)"), 14),
            (_("Dài nhất (ngày)"), 14),
        ],
        (
            (
                group,
                row["label"],
                row["count"],
                row["median_wdays"],
                row["mean_wdays"],
                row["max_wdays"],
                row["median_days"],
                row["mean_days"],
                row["max_days"],
            )
            for group, rows in groups
            for row in rows
        ),
        [None, None, COUNT, DAYS, DAYS, DAYS, DAYS, DAYS, DAYS],
    )


def _anchor_sheet(wb: Workbook, context: dict[str, Any]) -> None:
    anchor = context["anchor"]
    _table(
        wb,
        _("Xác thực"),
        [(_("Mục"), 30), (_("Giá trị"), 70)],
        [
            (_("Ngày lập"), context["today"]),
            (_("Đầu chuỗi nhật ký: mục số"), anchor["seq"]),
            (_("Đầu chuỗi nhật ký: mã băm SHA-256"), anchor["hash"]),
            (_("Đầu chuỗi nhật ký: ghi lúc"), anchor["at"]),
        ],
        [None, None],
    )


def funding_workbook(context: dict[str, Any]) -> bytes:
    """Sheets: per model, per budget year, per funding source, each with a total row."""
    with translation.override("vi"):
        wb = _workbook()
        funding = context["funding"]
        totals = funding["totals"]
        money = [MONEY, MONEY, MONEY]
        _table(
            wb,
            _("Theo mô hình"),
            [
                (_("Số"), 6),
                (_("Tên mô hình"), 60),
                (_("Dữ liệu mẫu"), 10),
                (_("Cơ quan chủ trì"), 28),
                (_("Trạng thái"), 20),
                (_("Số đợt"), 8),
                (_("Đề nghị (đồng)"), 18),
                (_("Phê duyệt (đồng)"), 18),
                (_("Chênh lệch (đồng)"), 18),
                (_("Trả lại/từ chối"), 12),
            ],
            (
                (
                    r["pilot_model__number"],
                    r["pilot_model__title"],
                    _("Có") if r["pilot_model__is_sample"] else "",
                    r["pilot_model__lead_agency__name"],
                    r["state_label"],
                    r["rounds"],
                    r["requested"],
                    r["approved"],
                    r["gap"],
                    r["sent_back"],
                )
                for r in funding["per_model"]
            ),
            [None, None, None, None, None, COUNT, *money, COUNT],
            totals=[
                None,
                _("Tổng cộng"),
                None,
                None,
                None,
                totals["rounds"],
                totals["requested"],
                totals["approved"],
                totals["gap"],
                totals["sent_back"],
            ],
        )
        _table(
            wb,
            _("Theo năm ngân sách"),
            [
                (_("Năm ngân sách"), 14),
                (_("Số đợt"), 8),
                (_("Đề nghị (đồng)"), 18),
                (_("Phê duyệt (đồng)"), 18),
                (_("Chênh lệch (đồng)"), 18),
            ],
            (
                (r["budget_year"], r["rounds"], r["requested"], r["approved"], r["gap"])
                for r in funding["per_year"]
            ),
            ["0", COUNT, *money],
            totals=[
                _("Tổng cộng"),
                totals["rounds"],
                totals["requested"],
                totals["approved"],
                totals["gap"],
            ],
        )
        _table(
            wb,
            _("Theo nguồn kinh phí"),
            [
                (_("Nguồn kinh phí"), 32),
                (_("Số đợt"), 8),
                (_("Đề nghị (đồng)"), 18),
                (_("Phê duyệt (đồng)"), 18),
                (_("Chênh lệch (đồng)"), 18),
            ],
            (
                (r["label"], r["rounds"], r["requested"], r["approved"], r["gap"])
                for r in funding["per_source"]
            ),
            [None, COUNT, *money],
            totals=[
                _("Tổng cộng"),
                totals["rounds"],
                totals["requested"],
                totals["approved"],
                totals["gap"],
            ],
        )
        _anchor_sheet(wb, context)
        return _save(wb)


def accountability_workbook(context: dict[str, Any]) -> bytes:
    """One row per lead agency and head in post, with totals; then the bottlenecks."""
    with translation.override("vi"):
        wb = _workbook()
        totals = context["totals"]
        _table(
            wb,
            _("Trách nhiệm"),
            [
                (_("Mã cơ quan"), 10),
                (_("Cơ quan chủ trì"), 30),
                (_("Người đứng đầu"), 26),
                (_("Chức vụ"), 16),
                (_("Từ ngày"), 12),
                (_("Đến ngày"), 12),
                (_("Chủ trì"), 9),
                (_("Hoàn thành"), 11),
                (_("Hoàn thành trễ"), 11),
                (_("Quá hạn"), 9),
                (_("Bị trả lại"), 10),
                (_("Bình quân ngày làm việc/bước"), 12),
                (_("Bình quân ngày/bước"), 12),
            ],
            (
                (
                    r["agency"]["code"],
                    r["agency"]["name"],
                    (r["head"] or {}).get("name", ""),
                    (r["head"] or {}).get("title", ""),
                    (r["head"] or {}).get("since"),
                    (r["head"] or {}).get("until"),
                    r["led"],
                    r["completed"],
                    r["completed_late"],
                    r["overdue"],
                    r["returns"],
                    r["avg_step_wdays"],
                    r["avg_step_days"],
                )
                for r in context["rows"]
            ),
            [None, None, None, None, DATE, DATE, COUNT, COUNT, COUNT, COUNT, COUNT, DAYS, DAYS],
            totals=[
                None,
                _("Tổng cộng"),
                None,
                None,
                None,
                None,
                totals["led"],
                totals["completed"],
                totals["completed_late"],
                totals["overdue"],
                totals["returns"],
                None,
                None,
            ],
        )
        _table(
            wb,
            _("Quyết định trễ hạn"),
            [
                (_("Mã cơ quan"), 10),
                (_("Cơ quan quyết định"), 30),
                (_("Số bước đã quyết định"), 14),
                (_("Quyết định trễ hạn"), 14),
                (_("Tỷ lệ trễ (%)"), 10),
                (_("Bình quân ngày làm việc/bước"), 14),
            ],
            (
                (
                    r["agency"]["code"],
                    r["agency"]["name"],
                    r["decided"],
                    r["late"],
                    r["late_percent"],
                    r["avg_wdays"],
                )
                for r in context["decided_late"]
            ),
            [None, None, COUNT, COUNT, COUNT, DAYS],
        )
        _bottleneck_sheet(wb, context["bottlenecks"])
        _anchor_sheet(wb, context)
        return _save(wb)
