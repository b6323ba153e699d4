"""What every document shares under Nghị định 30/2020: header, date line, signature, recipients.

A generated PDF is a draft for the văn thư: the Số line keeps the number
blank (``Số:      /BC-CAT``) because the clerk assigns it; the issued copy
(``issued_header``) carries the number and the issue date.  Who issues,
signs and receives each document is the province's profile
(``province.profile``), so another province, a new signer or a new list of
recipients needs no code change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from province.profile import document_facts


def date_line(day: dt.date, place: str) -> str:
    """``Nghệ An, ngày 05 tháng 02 năm 2026``: days below 10 and months 1 and 2 get a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def vnd(amount: Any) -> str:
    """Whole VND with dots between thousands: 1250000000 → ``1.250.000.000``."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".")


def header(kind: str, *, today: dt.date) -> dict[str, Any]:
    """The two-column header, the signing block and the recipients of document ``kind``."""
    facts = document_facts(kind)
    signing = facts.signing
    return {
        "parent": facts.parent.upper(),
        "issuer": facts.issuer_name.upper(),
        "symbol": f"BC-{facts.issuer_code}",
        "date_line": date_line(today, facts.place),
        "place": facts.place,
        "addressee": facts.addressee,
        "signing": {
            "prefix": signing.prefix.upper(),
            "title": signing.title.upper(),
            "name": signing.name,
        },
        "recipients": list(facts.recipients),
    }


def register_number(number: int) -> str:
    """``5`` → ``05``: Nghị định 30 writes numbers below 10 with a leading zero."""
    return f"{number:02d}"


def issued_header(draft: dict[str, Any], *, number: int, day: dt.date) -> dict[str, Any]:
    """The draft's header with the register number on the Số line and the issue date."""
    return {**draft, "number": register_number(number), "date_line": date_line(day, draft["place"])}
