"""What every document shares under Nghị định 30/2020: header, date line, signature, recipients.

A generated PDF is a draft for the văn thư: the Số line keeps the number
blank (``Số:      /BC-CAT``) because the clerk assigns it, and the signing
block comes from the issuing Agency's own settings, so a change of head
needs no code change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from approvals.models import Agency, AgencyKind

# Who issues which document (SPEC §7): the provincial police is the standing
# agency that consolidates and reports; Finance consolidates the money.
ISSUER_OF = {
    "progress": ("CAT", AgencyKind.POLICE),
    "accountability": ("CAT", AgencyKind.POLICE),
    "pilot_model": ("CAT", AgencyKind.POLICE),
    "funding": ("STC", AgencyKind.FINANCE),
}
FALLBACK_NAMES = {AgencyKind.POLICE: "Công an tỉnh", AgencyKind.FINANCE: "Sở Tài chính"}


def date_line(day: dt.date, place: str | None = None) -> str:
    """``Nghệ An, ngày 05 tháng 02 năm 2026``: days below 10 and months 1 and 2 get a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place or settings.PILOT06_PROVINCE,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def vnd(amount: Any) -> str:
    """Whole VND with dots between thousands: 1250000000 → ``1.250.000.000``."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".")


def _recipients(kind: str, issuer_code: str) -> list[str]:
    store = _("Lưu: VT, PC06.") if issuer_code == "CAT" else _("Lưu: VT.")
    if kind == "progress":
        lines = [
            _("Như trên;"),
            _("Tổ công tác Đề án 06 tỉnh (để b/c);"),
            _("Giám đốc Công an tỉnh (để b/c);"),
            _("Các sở, ngành chủ trì mô hình điểm;"),
        ]
    elif kind == "funding":
        lines = [_("Như trên;"), _("Công an tỉnh (PC06);"), _("Sở Khoa học và Công nghệ;")]
    elif kind == "accountability":
        lines = [_("Như trên;"), _("Sở Nội vụ;"), _("Giám đốc Công an tỉnh (để b/c);")]
    else:
        lines = [_("Cơ quan chủ trì mô hình;")]
    return [*lines, store]


def header(kind: str, *, today: dt.date) -> dict[str, Any]:
    """The two-column header, the signing block and the recipients of document ``kind``."""
    code, agency_kind = ISSUER_OF[kind]
    agency = Agency.objects.filter(code=code).first() or Agency.objects.filter(kind=agency_kind).order_by("code").first()
    if agency is None:
        name, parent, symbol_code = FALLBACK_NAMES[agency_kind], "UBND TỈNH " + settings.PILOT06_PROVINCE, code
        signing = {"prefix": "", "title": "", "name": ""}
    else:
        name, parent, symbol_code = agency.name, agency.parent_name, agency.code
        signing = {"prefix": agency.signing_prefix, "title": agency.signing_title, "name": agency.signing_name}
    return {
        "parent": parent.upper(),
        "issuer": name.upper(),
        "symbol": f"BC-{symbol_code}",
        "date_line": date_line(today),
        "place": settings.PILOT06_PROVINCE,
        "addressee": _("Ủy ban nhân dân tỉnh %(province)s") % {"province": settings.PILOT06_PROVINCE},
        "signing": {key: value.upper() if key != "name" else value for key, value in signing.items()},
        "recipients": _recipients(kind, symbol_code),
    }
