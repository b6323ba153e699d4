"""The default profile: Nghệ An, as pilot06 behaved before the profile was data.

The province name comes from ``PILOT06_PROVINCE`` when a deployment had set
it; an existing installation keeps the signing block its CAT and STC agencies
carried.  After this, the profile page is where these facts change.
"""

import os

from django.db import migrations

RECIPIENTS = {
    "progress": [
        "Như trên;",
        "Tổ công tác Đề án 06 tỉnh (để b/c);",
        "Giám đốc Công an tỉnh (để b/c);",
        "Các sở, ngành chủ trì mô hình điểm;",
        "Lưu: VT, PC06.",
    ],
    "funding": ["Như trên;", "Công an tỉnh (PC06);", "Sở Khoa học và Công nghệ;", "Lưu: VT."],
    "accountability": ["Như trên;", "Sở Nội vụ;", "Giám đốc Công an tỉnh (để b/c);", "Lưu: VT, PC06."],
    "pilot_model": ["Cơ quan chủ trì mô hình;", "Lưu: VT, PC06."],
}
ISSUER = {"progress": "CAT", "funding": "STC", "accountability": "CAT", "pilot_model": "CAT"}


def create(apps, schema_editor):
    Profile = apps.get_model("province", "ProvinceProfile")
    Report = apps.get_model("province", "ReportProfile")
    Agency = apps.get_model("approvals", "Agency")
    if Profile.objects.exists():
        return
    name = os.environ.get("PILOT06_PROVINCE", "").strip() or "Nghệ An"
    profile = Profile.objects.create(
        pk=1, name=name, place=name, standing_agency="CAT", finance_agency="STC",
        reports_weekly=False, reports_monthly=True, reports_quarterly=True,
    )
    for kind, lines in RECIPIENTS.items():
        agency = Agency.objects.filter(code=ISSUER[kind]).first()
        Report.objects.create(
            profile=profile,
            kind=kind,
            issuer="",
            addressee="",
            signing_prefix=agency.signing_prefix if agency else "KT. GIÁM ĐỐC",
            signing_title=agency.signing_title if agency else "PHÓ GIÁM ĐỐC",
            signing_name=agency.signing_name if agency else "",
            recipients="\n".join(lines),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("province", "0001_profile"),
        ("approvals", "0002_initial"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
