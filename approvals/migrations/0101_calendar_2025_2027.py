"""The government's decisions of 2025–2027 about working days, each with its source.

Public holidays themselves come from the ``holidays`` package; these rows
are the swaps and make-up Saturdays the yearly notices add.  No notice for
Tết 2027 could be found when this was written: its rows say so, and follow
the five Tết days the package places (Labor Code 2019, art. 112); replace
them on the administration pages once the notice is out.
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

VPCP_2025 = (
    "Văn bản 8726/VPCP-KGVX ngày 26/11/2024 của Văn phòng Chính phủ (ý kiến Thủ tướng Chính phủ); "
    "Thông báo 6150/TB-BLĐTBXH của Bộ Lao động – Thương binh và Xã hội"
)
VPCP_2026_NEW_YEAR = "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (ý kiến Phó Thủ tướng Chính phủ)"
BNV_2026 = (
    "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ (nghỉ Tết Âm lịch và Quốc khánh năm 2026)"
)
NOT_FOUND_2027 = (
    "Chưa tìm thấy thông báo nghỉ Tết Đinh Mùi 2027 của Thủ tướng Chính phủ/Bộ Nội vụ; "
    "theo Điều 112 Bộ luật Lao động 2019, 5 ngày Tết do gói holidays xếp (dự kiến)"
)

DAYS = [
    (
        dt.date(2025, 1, 27),
        "extra_off",
        VPCP_2025,
        "Tết Ất Tỵ: nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025",
    ),
    (dt.date(2025, 4, 26), "makeup_workday", VPCP_2025, "Làm bù cho thứ Sáu 02/5/2025"),
    (
        dt.date(2025, 5, 2),
        "swapped_off",
        VPCP_2025,
        "Hoán đổi với thứ Bảy 26/4/2025: nghỉ 30/4 đến hết 04/5/2025",
    ),
    (
        dt.date(2026, 1, 2),
        "swapped_off",
        VPCP_2026_NEW_YEAR,
        "Hoán đổi với thứ Bảy 10/01/2026: nghỉ 01/01 đến hết 04/01/2026",
    ),
    (dt.date(2026, 1, 10), "makeup_workday", VPCP_2026_NEW_YEAR, "Làm bù cho thứ Sáu 02/01/2026"),
    (dt.date(2026, 8, 22), "makeup_workday", BNV_2026, "Làm bù cho thứ Hai 31/8/2026"),
    (
        dt.date(2026, 8, 31),
        "swapped_off",
        BNV_2026,
        "Hoán đổi với thứ Bảy 22/8/2026: nghỉ 29/8 đến hết 02/9/2026",
    ),
    (
        dt.date(2027, 2, 4),
        "extra_off",
        NOT_FOUND_2027,
        "Tết Đinh Mùi (mùng 1 là thứ Bảy 06/02/2027)",
    ),
    (
        dt.date(2027, 2, 10),
        "extra_off",
        NOT_FOUND_2027,
        "Tết Đinh Mùi: nghỉ bù cho Chủ nhật 07/02/2027",
    ),
]


def add_days(apps, schema_editor):
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    for day, kind, source, note in DAYS:
        CalendarDay.objects.update_or_create(
            day=day, defaults={"kind": kind, "source": source, "note": note}
        )


def remove_days(apps, schema_editor):
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    CalendarDay.objects.filter(day__in=[row[0] for row in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0100_calendar_day")]

    operations = [migrations.RunPython(add_days, remove_days)]
