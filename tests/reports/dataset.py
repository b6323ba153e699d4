"""A small province built by hand, step by step, on fixed days (DAY0 = Mon 05/01/2026 09:00).

=====  ======  =====================================================================
model  agency  what happens (day: action, days the step took)
=====  ======  =====================================================================
6      SYT     d0 register (deadline 25/01) · d2 approve (2) · d3 request funding ·
               d8 return funding (5) · d10 request again · d14 approve funding (4) ·
               d15 start · d16 leader extends deadline to 28/02 · d20 submit
               completion · d21 verify (1) · d24 sign off (3): completed 29/01,
               late against the original 25/01
7      SYT     d1 register · d5 return registration (4) · d6 resubmit · d12 approve (6)
               · d13 request funding, still pending at d30 (17)
8      SGDDT   d2 register, review still pending at d30 (28)
9      SYT     d3 register (deadline 10/01) · d4 approve (1) · nothing since:
               overdue since 10/01, waiting in "registered" for 26 days
=====  ======  =====================================================================

SYT's head changes on 20/01/2026: "Thủ trưởng SYT" until 19/01, then "Lê Thị Cúc".
The figures are read at d30 (04/02/2026 09:00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from approvals.models import AgencyHead
from tests.factories import (
    Driver,
    approval_data,
    completion_data,
    evidence_pdf,
    funding_data,
    registration_data,
)
from tests.reports.conftest import at
from workflows import services
from workflows.models import PilotModel

NOW_DAY = 30


def build(drive: Driver, people: dict[str, Any]) -> dict[int, PilotModel]:
    officer, other = people["officer"], people["other_officer"]
    with at(0):
        a = services.pilot_model_register(
            actor=officer, data=registration_data(6, deadline="2026-01-25")
        )
    with at(1):
        b = services.pilot_model_register(
            actor=officer, data=registration_data(7, deadline="2026-06-30")
        )
    with at(2):
        a = drive.act("approve_registration", a, "police")
        c = services.pilot_model_register(
            actor=other,
            data=registration_data(
                8, agency_code="SGDDT", officer="officer_sgddt", deadline="2026-06-30"
            ),
        )
    with at(3):
        a = drive.act("request_funding", a, "officer", funding_data(1_250_000_000))
        d = services.pilot_model_register(
            actor=officer, data=registration_data(9, deadline="2026-01-10")
        )
    with at(4):
        d = drive.act("approve_registration", d, "police")
    with at(5):
        b = drive.act("return_registration", b, "police", {"comment": "Bổ sung thuyết minh"})
    with at(6):
        b = drive.act("resubmit_registration", b, "officer", {"tasks": "Bổ sung thuyết minh"})
    with at(8):
        a = drive.act("return_funding", a, "finance", {"comment": "Thiếu báo giá"})
    with at(10):
        a = drive.act(
            "request_funding", a, "officer", funding_data(1_000_000_000, budget_year=2026)
        )
    with at(12):
        b = drive.act("approve_registration", b, "police")
    with at(13):
        b = drive.act(
            "request_funding",
            b,
            "officer",
            funding_data(500_000_000, funding_source="central_support"),
        )
    with at(14):
        a = drive.act("approve_funding", a, "finance", approval_data(800_000_000))
    with at(15):
        a = drive.act("start_deployment", a, "officer", {"start_date": "2026-01-20"})
    with at(16):
        a = drive.act(
            "extend_deadline",
            a,
            "leader",
            {"deadline": "2026-02-28", "decision_number": "15/QĐ-UBND", "comment": "Gia hạn"},
        )
    with at(20):
        a = drive.act("submit_completion", a, "officer", completion_data(), files=[evidence_pdf()])
    with at(21):
        a = drive.act("verify_completion", a, "police")
    with at(24):
        a = drive.act("sign_off", a, "leader")
    head = AgencyHead.objects.get(agency__code="SYT", until__isnull=True)
    head.until = dt.date(2026, 1, 19)
    head.save()
    AgencyHead.objects.create(
        agency=head.agency, name="Lê Thị Cúc", title="Giám đốc", since=dt.date(2026, 1, 20)
    )
    return {6: a, 7: b, 8: c, 9: d}
