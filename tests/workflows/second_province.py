"""A second province for the import tests: another name, 12 agencies, 25 models, no code of its own.

Hà Tĩnh here is made up for the tests (its agencies and people are
invented): what matters is that nothing in it is Nghệ An's.  The rows are
built relative to today so its deadlines are always ahead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from approvals import clock
from workflows.province_import.template import workbook_bytes

PROVINCE = "Hà Tĩnh"

AGENCIES = [
    ("CA", "Công an tỉnh Hà Tĩnh", "police", "Đại tá Phan Văn Nam", "Giám đốc Công an tỉnh"),
    ("TC", "Sở Tài chính Hà Tĩnh", "finance", "Hoàng Thị Mai", "Giám đốc Sở Tài chính"),
    ("UB", "UBND tỉnh Hà Tĩnh", "leadership", "Trần Văn Bình", "Chủ tịch UBND tỉnh"),
    ("NV", "Sở Nội vụ Hà Tĩnh", "department", "Lê Thị Cúc", "Giám đốc Sở Nội vụ"),
    (
        "KHCN",
        "Sở Khoa học và Công nghệ Hà Tĩnh",
        "department",
        "Nguyễn Văn Dũng",
        "Giám đốc Sở KH&CN",
    ),
    ("YT", "Sở Y tế Hà Tĩnh", "department", "Võ Thị Hạnh", "Giám đốc Sở Y tế"),
    ("GD", "Sở Giáo dục và Đào tạo Hà Tĩnh", "department", "Đinh Văn Giang", "Giám đốc Sở GD&ĐT"),
    ("XD", "Sở Xây dựng Hà Tĩnh", "department", "Bùi Văn Khoa", "Giám đốc Sở Xây dựng"),
    (
        "NN",
        "Sở Nông nghiệp và Môi trường Hà Tĩnh",
        "department",
        "Phạm Thị Lan",
        "Giám đốc Sở NN&MT",
    ),
    ("CT", "Sở Công Thương Hà Tĩnh", "department", "Hồ Văn Minh", "Giám đốc Sở Công Thương"),
    ("TP", "Sở Tư pháp Hà Tĩnh", "department", "Đặng Thị Ngân", "Giám đốc Sở Tư pháp"),
    ("BH", "BHXH tỉnh Hà Tĩnh", "other", "Mai Văn Phong", "Giám đốc BHXH tỉnh"),
]
LEADS = ["CA", "KHCN", "YT", "GD", "XD", "NN", "CT", "TP", "BH"]
COUNT = 25


def officials() -> list[dict[str, Any]]:
    people = [
        {
            "username": "ht_canhsat",
            "full_name": "Nguyễn Văn Sát",
            "agency": "CA",
            "roles": ["police"],
        },
        {
            "username": "ht_taichinh",
            "full_name": "Lê Thị Tiền",
            "agency": "TC",
            "roles": ["finance"],
        },
        {
            "username": "ht_lanhdao",
            "full_name": "Trần Văn Đạo",
            "agency": "UB",
            "roles": ["leader"],
        },
        {
            "username": "ht_thanhtra",
            "full_name": "Phạm Thị Tra",
            "agency": "NV",
            "roles": ["inspector"],
        },
    ]
    people += [
        {
            "username": f"ht_cb_{code.lower()}",
            "full_name": f"Cán bộ {code}",
            "agency": code,
            "roles": ["officer"],
        }
        for code in LEADS
    ]
    for person in people:
        person["email"] = f"{person['username']}@hatinh.example.vn"
        person["title"] = "Chuyên viên"
    return people


def rows(today: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    today = today or clock.today()
    agencies = [
        {
            "code": code,
            "name": name,
            "kind": kind,
            "parent_name": "" if code == "UB" else "UBND tỉnh Hà Tĩnh",
            "head_name": head,
            "head_title": title,
            "head_since": dt.date(2025, 7, 1),
            "head_email": f"thutruong.{code.lower()}@hatinh.example.vn",
        }
        for code, name, kind, head, title in AGENCIES
    ]
    models = []
    for number in range(1, COUNT + 1):
        lead = LEADS[number % len(LEADS)]
        models.append(
            {
                "number": 100 + number,
                "title": f"Mô hình điểm Hà Tĩnh số {number}",
                "tasks": f"Triển khai nhiệm vụ số {number} của Kế hoạch Đề án 06 tỉnh Hà Tĩnh.",
                "lead_agency": lead,
                "coordinating_agencies": ["CA"] if lead != "CA" else [],
                "responsible_officer": f"ht_cb_{lead.lower()}",
                "deadline": today + dt.timedelta(days=60 + 7 * number),
                "needs_funding": number % 2 == 0,
                "needs_population_db_connection": number % 3 == 0,
                "deliverables": [
                    {"name": f"Sản phẩm {number}", "unit": "hồ sơ", "target": 1000 * number}
                ],
                "is_sample": True,
            }
        )
    return {"Cơ quan": agencies, "Cán bộ": officials(), "Mô hình": models}


def workbook(today: dt.date | None = None) -> bytes:
    return workbook_bytes(rows(today))


# What the administrator types on the profile page for this province.
PROFILE = {
    "name": PROVINCE,
    "place": PROVINCE,
    "standing_agency": "CA",
    "finance_agency": "TC",
    "reports_monthly": "on",
    "progress-signing_prefix": "KT. GIÁM ĐỐC",
    "progress-signing_title": "Phó Giám đốc",
    "progress-signing_name": "Thượng tá Lê Văn Hà",
    "progress-recipients": "Như trên;\nBan Chỉ đạo chuyển đổi số tỉnh Hà Tĩnh;\nLưu: VT, PV06.",
    "funding-signing_prefix": "KT. GIÁM ĐỐC",
    "funding-signing_title": "Phó Giám đốc",
    "funding-signing_name": "Võ Văn Tài",
    "funding-recipients": "Như trên;\nLưu: VT, TC.",
}
