"""The three sheets of the province's workbook, declared once.

The template writer and the reader both work from these declarations: a
header, what a cell holds, whether it is required, and where its drop-down
list comes from.  Errors name the sheet, the row and the header, so a
province's IT officer finds the cell without reading code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from approvals.models import AgencyKind
from approvals.roles import Role

MAX_ROWS = 2000
"""Data rows per sheet: a province has dozens of agencies and models, a few hundred officials."""

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""An .xlsx is a zip: its parts, unpacked, may not exceed this (a zip bomb is refused unread)."""

YES, NO = "Có", "Không"


class Kind(Enum):
    TEXT = "text"
    CODE = "code"  # an agency code
    USERNAME = "username"
    EMAIL = "email"
    NUMBER = "number"  # a whole number
    DATE = "date"
    YES_NO = "yes_no"
    AGENCY_KIND = "agency_kind"
    CODES = "codes"  # several agency codes
    ROLES = "roles"
    DELIVERABLES = "deliverables"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int = 0
    width: float = 18
    note: str = ""
    # The drop-down: a fixed list, or the cells of another sheet's column.
    choices: tuple[str, ...] = ()
    choices_from: tuple[str, str] | None = None
    # The service input this column feeds, when its name differs from ``key``:
    # an error the service raises about that input is shown on this column.
    field: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    example: dict[str, Any] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def column_for_field(self, name: str) -> Column | None:
        return next((c for c in self.columns if (c.field or c.key) == name), None)


AGENCY_KIND_NAMES: dict[str, str] = {
    AgencyKind.POLICE: "Công an",
    AgencyKind.FINANCE: "Tài chính",
    AgencyKind.LEADERSHIP: "Lãnh đạo tỉnh",
    AgencyKind.DEPARTMENT: "Sở ngành",
    AgencyKind.OTHER: "Khác",
}
"""Drop-down names of the agency kinds (an Excel list cannot hold the comma of "Sở, ngành")."""

AGENCIES = Sheet(
    "Cơ quan",
    (
        Column(
            "code",
            "Mã cơ quan",
            Kind.CODE,
            required=True,
            max_length=20,
            width=14,
            note="Chữ không dấu, số, '-' hoặc '_'; ví dụ CAT, STC, SYT. Các trang khác gọi cơ quan bằng mã này.",
        ),
        Column("name", "Tên cơ quan", required=True, max_length=200, width=34),
        Column(
            "kind",
            "Loại",
            Kind.AGENCY_KIND,
            width=16,
            choices=tuple(AGENCY_KIND_NAMES.values()),
            note="Để trống: Sở ngành.",
        ),
        Column(
            "parent_name",
            "Cơ quan chủ quản",
            max_length=200,
            width=28,
            note="Dòng trên tên cơ quan ở đầu văn bản, ví dụ UBND tỉnh (tên tỉnh).",
        ),
        Column("head_name", "Họ tên thủ trưởng", max_length=100, width=24),
        Column("head_title", "Chức vụ thủ trưởng", max_length=100, width=30),
        Column(
            "head_since",
            "Thủ trưởng từ ngày",
            Kind.DATE,
            width=16,
            note="dd/mm/yyyy. Người khác với thủ trưởng hiện tại: nhiệm kỳ cũ kết thúc trước ngày này.",
        ),
        Column(
            "head_email",
            "Email thủ trưởng",
            Kind.EMAIL,
            max_length=254,
            width=28,
            note="Nhận nhắc việc khi mô hình của cơ quan quá hạn.",
        ),
    ),
    example={
        "code": "CAT",
        "name": "Công an tỉnh",
        "kind": "Công an",
        "parent_name": "UBND tỉnh",
        "head_name": "Nguyễn Văn A",
        "head_title": "Giám đốc Công an tỉnh",
        "head_since": dt.date(2025, 3, 1),
        "head_email": "giamdoc.cat@example.vn",
    },
)

OFFICIALS = Sheet(
    "Cán bộ",
    (
        Column(
            "username",
            "Tên đăng nhập",
            Kind.USERNAME,
            required=True,
            max_length=150,
            width=20,
            note="Không dấu, không khoảng trắng. Không có cột mật khẩu: cán bộ mới nhận email để tự đặt mật khẩu.",
        ),
        Column("full_name", "Họ và tên", required=True, max_length=150, width=24),
        Column("email", "Email", Kind.EMAIL, required=True, max_length=254, width=28),
        Column(
            "agency",
            "Cơ quan",
            Kind.CODE,
            required=True,
            max_length=20,
            width=12,
            choices_from=("Cơ quan", "code"),
            note="Mã ở trang Cơ quan.",
        ),
        Column(
            "roles",
            "Vai trò",
            Kind.ROLES,
            required=True,
            width=18,
            choices=tuple(Role.values),
            note="officer (cán bộ chủ trì), police (Công an tỉnh), finance (Sở Tài chính), leader (lãnh đạo), "
            "inspector (thanh tra), admin (quản trị), clerk (văn thư). "
            "Nhiều vai trò: ngăn bằng dấu phẩy.",
        ),
        Column("title", "Chức vụ", max_length=100, width=30),
    ),
    example={
        "username": "canbo_cat",
        "full_name": "Trần Thị B",
        "email": "canbo.cat@example.vn",
        "agency": "CAT",
        "roles": "officer",
        "title": "Cán bộ Phòng PC06",
    },
)

MODELS = Sheet(
    "Mô hình",
    (
        Column("number", "Số mô hình", Kind.NUMBER, required=True, width=10),
        Column("title", "Tên mô hình", required=True, max_length=300, width=40),
        Column("tasks", "Nhiệm vụ", required=True, max_length=10000, width=40),
        Column(
            "lead_agency",
            "Cơ quan chủ trì",
            Kind.CODE,
            required=True,
            max_length=20,
            width=14,
            choices_from=("Cơ quan", "code"),
        ),
        Column(
            "coordinating_agencies",
            "Cơ quan phối hợp",
            Kind.CODES,
            width=18,
            note="Các mã cơ quan, ngăn bằng dấu phẩy.",
        ),
        Column(
            "responsible_officer",
            "Cán bộ phụ trách",
            Kind.USERNAME,
            required=True,
            max_length=150,
            width=20,
            choices_from=("Cán bộ", "username"),
            note="Tên đăng nhập của một cán bộ (vai trò officer) thuộc cơ quan chủ trì.",
        ),
        Column(
            "deadline", "Thời hạn", Kind.DATE, required=True, width=14, note="dd/mm/yyyy, chưa qua."
        ),
        Column("needs_funding", "Cần kinh phí", Kind.YES_NO, width=12, choices=(YES, NO)),
        Column(
            "needs_population_db_connection",
            "Cần kết nối CSDL dân cư",
            Kind.YES_NO,
            width=14,
            choices=(YES, NO),
        ),
        Column(
            "deliverables",
            "Sản phẩm (tên: chỉ tiêu đơn vị)",
            Kind.DELIVERABLES,
            required=True,
            width=44,
            note="Mỗi dòng một sản phẩm, ví dụ “Bệnh viện áp dụng: 45 cơ sở”. Xuống dòng trong ô: Alt+Enter.",
        ),
        Column(
            "is_sample",
            "Dữ liệu mẫu",
            Kind.YES_NO,
            width=12,
            choices=(YES, NO),
            note="Có: tên mô hình minh họa, không phải mô hình của tỉnh.",
        ),
    ),
    example={
        "number": 1,
        "title": "Tố giác tội phạm qua ứng dụng VNeID",
        "tasks": "Tiếp nhận, xử lý tin báo, tố giác tội phạm qua VNeID tại Công an các xã, phường.",
        "lead_agency": "CAT",
        "coordinating_agencies": "",
        "responsible_officer": "canbo_cat",
        "deadline": dt.date(2030, 12, 31),
        "needs_funding": NO,
        "needs_population_db_connection": YES,
        "deliverables": "Công an xã, phường tiếp nhận tin báo: 130 đơn vị\nTin báo được xử lý: 900 tin",
        "is_sample": NO,
    },
)

SHEETS: tuple[Sheet, ...] = (AGENCIES, OFFICIALS, MODELS)
