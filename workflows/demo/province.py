"""The demo province: who it is (agencies, heads, officials, signers), as data.

``workflows.demo.workbook`` writes this into the province's import workbook,
the file a real province fills in; ``seed_demo`` imports that file through
the same importer, then replays the history in ``workflows.demo.story``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from approvals.roles import Role

from ..states import Bucket
from .script import Day

HISTORY_DAYS = 150
"""Five months, as in the Nghệ An report the demo mirrors."""

SETUP_DAY = -14
"""Agencies and accounts exist a fortnight before the first registration."""

EXPECTED_BUCKETS = {Bucket.COMPLETED: 6, Bucket.IN_PROGRESS: 20, Bucket.NOT_STARTED: 12}

REAL_NUMBERS = (6, 21, 22, 25, 37, 38)
IOC_NUMBER = 12
"""The report names the IOC without a number; 12 is ours."""


@dataclass(frozen=True)
class AgencySeed:
    code: str
    name: str
    kind: str
    parent_name: str = "UBND tỉnh Nghệ An"


@dataclass(frozen=True)
class HeadSeed:
    """One term of an agency head; ``until`` None means still in post."""

    agency: str
    name: str
    title: str
    email: str
    since: dt.date | Day
    until: dt.date | Day | None = None


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    agency: str
    roles: tuple[str, ...]
    title: str
    superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username.replace('_', '.')}@example.vn"


AGENCIES: tuple[AgencySeed, ...] = (
    AgencySeed("CAT", "Công an tỉnh", "police"),
    AgencySeed("STC", "Sở Tài chính", "finance"),
    AgencySeed("UBND", "UBND tỉnh", "leadership", parent_name=""),
    AgencySeed("SKHCN", "Sở Khoa học và Công nghệ", "department"),
    AgencySeed("SNV", "Sở Nội vụ", "department"),
    AgencySeed("SYT", "Sở Y tế", "department"),
    AgencySeed("SGDDT", "Sở Giáo dục và Đào tạo", "department"),
    AgencySeed("BHXH", "BHXH tỉnh", "other", parent_name="Bảo hiểm xã hội Việt Nam"),
    AgencySeed("SNNMT", "Sở Nông nghiệp và Môi trường", "department"),
    AgencySeed("SXD", "Sở Xây dựng", "department"),
    AgencySeed("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department"),
)

# Who signs each document for the province (the profile; the rest of it is
# the default Nghệ An profile the migration creates).
SIGNERS: dict[str, tuple[str, str, str]] = {
    "progress": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đại tá Trần Ngọc Lâm"),
    "accountability": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đại tá Trần Ngọc Lâm"),
    "pilot_model": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đại tá Trần Ngọc Lâm"),
    "funding": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Hồng Vân"),
}

# The 2025 reorganisation (effective 01/03/2025) merged several departments;
# their heads' terms start then.
_MERGER = dt.date(2025, 3, 1)

HEADS: tuple[HeadSeed, ...] = (
    HeadSeed(
        "CAT",
        "Nguyễn Minh Đức",
        "Giám đốc Công an tỉnh",
        "giamdoc.cat@example.vn",
        dt.date(2024, 8, 15),
    ),
    HeadSeed(
        "STC", "Phan Thị Thanh Bình", "Giám đốc Sở Tài chính", "giamdoc.stc@example.vn", _MERGER
    ),
    HeadSeed(
        "UBND",
        "Hoàng Nghĩa Sơn",
        "Chủ tịch UBND tỉnh",
        "chutich.ubnd@example.vn",
        dt.date(2024, 6, 20),
    ),
    HeadSeed(
        "SKHCN",
        "Trần Quốc Việt",
        "Giám đốc Sở Khoa học và Công nghệ",
        "giamdoc.skhcn@example.vn",
        _MERGER,
    ),
    HeadSeed("SNV", "Lương Văn Khải", "Giám đốc Sở Nội vụ", "giamdoc.snv@example.vn", _MERGER),
    HeadSeed(
        "SYT", "Bùi Đình Long", "Giám đốc Sở Y tế", "giamdoc.syt@example.vn", dt.date(2023, 5, 10)
    ),
    HeadSeed(
        "SGDDT",
        "Thái Thị Kim Liên",
        "Giám đốc Sở Giáo dục và Đào tạo",
        "giamdoc.sgddt@example.vn",
        dt.date(2022, 9, 1),
    ),
    HeadSeed(
        "BHXH",
        "Cao Xuân Thịnh",
        "Giám đốc BHXH tỉnh",
        "giamdoc.bhxh@example.vn",
        dt.date(2023, 1, 3),
    ),
    HeadSeed(
        "SNNMT",
        "Nguyễn Hữu Phước",
        "Giám đốc Sở Nông nghiệp và Môi trường",
        "nguyen.huu.phuoc@example.vn",
        _MERGER,
    ),
    HeadSeed("SXD", "Đoàn Văn Mạnh", "Giám đốc Sở Xây dựng", "giamdoc.sxd@example.vn", _MERGER),
    HeadSeed(
        "SVHTTDL",
        "Chu Thị Ngọc Anh",
        "Giám đốc Sở Văn hóa, Thể thao và Du lịch",
        "giamdoc.svhttdl@example.vn",
        _MERGER,
    ),
)

_OFFICER = (Role.OFFICER.value,)

PEOPLE: tuple[Person, ...] = (
    Person("police", "Trần Văn Hùng", "CAT", (Role.POLICE.value,), "Cán bộ Phòng PC06"),
    Person("police2", "Nguyễn Thị Thu Hà", "CAT", (Role.POLICE.value,), "Phó Trưởng phòng PC06"),
    Person(
        "finance",
        "Lê Minh Tuấn",
        "STC",
        (Role.FINANCE.value,),
        "Chuyên viên Phòng Quản lý ngân sách",
    ),
    Person(
        "finance2",
        "Phạm Thị Lan Anh",
        "STC",
        (Role.FINANCE.value,),
        "Phó Trưởng phòng Tài chính đầu tư",
    ),
    Person(
        "leader",
        "Đặng Quốc Khánh",
        "UBND",
        (Role.LEADER.value,),
        "Phó Chủ tịch Thường trực UBND tỉnh",
    ),
    Person(
        "inspector",
        "Bùi Thị Hồng Nhung",
        "SNV",
        (Role.INSPECTOR.value,),
        "Thanh tra viên Sở Nội vụ",
    ),
    Person("clerk_cat", "Võ Thị Hằng", "CAT", (Role.CLERK.value,), "Văn thư Công an tỉnh"),
    Person("clerk_stc", "Ngô Văn Dũng", "STC", (Role.CLERK.value,), "Văn thư Sở Tài chính"),
    Person(
        "admin", "Đỗ Mạnh Cường", "SKHCN", (Role.ADMIN.value,), "Quản trị hệ thống", superuser=True
    ),
    Person("officer_syt", "Phan Thị Mai", "SYT", _OFFICER, "Chuyên viên Phòng Nghiệp vụ Y"),
    Person("officer_sgddt", "Hồ Văn Long", "SGDDT", _OFFICER, "Chuyên viên Văn phòng Sở"),
    Person(
        "officer_bhxh", "Lương Thị Ngọc", "BHXH", _OFFICER, "Chuyên viên Phòng Công nghệ thông tin"
    ),
    Person("officer_snnmt", "Nguyễn Văn Bình", "SNNMT", _OFFICER, "Chuyên viên Phòng Đất đai"),
    Person("officer_sxd", "Trịnh Quang Huy", "SXD", _OFFICER, "Chuyên viên Phòng Quản lý nhà"),
    Person(
        "officer_svhttdl",
        "Chu Thị Thanh Tâm",
        "SVHTTDL",
        _OFFICER,
        "Chuyên viên Phòng Quản lý du lịch",
    ),
    Person("officer_cat", "Thái Văn Dũng", "CAT", _OFFICER, "Cán bộ Đội Quản lý cư trú"),
    Person("officer_skhcn", "Ngô Thị Phương", "SKHCN", _OFFICER, "Chuyên viên Phòng Chuyển đổi số"),
    Person(
        "officer_finance_syt",
        "Cao Văn Phúc",
        "SYT",
        (Role.OFFICER.value, Role.FINANCE.value),
        "Chuyên viên Phòng Kế hoạch – Tài chính",
    ),
)
