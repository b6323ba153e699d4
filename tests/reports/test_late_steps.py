"""The dashboard's late-step panel and the inbox order: most overdue first, counted in working days."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from reports.dashboard import dashboard_summary
from tests.factories import Driver
from workflows import page_context

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), tick=False)


def test_late_steps_are_counted_by_deciding_agency_and_listed_most_overdue_first(
    drive: Driver, police: Any, client: Client
) -> None:
    with at(dt.date(2026, 3, 2)):
        funding = drive.funding_requested(1)  # funding appraisal: 15 working days, due 23/03
        registration = drive.register(2)  # registration review: 5 working days, due 09/03
    with at(dt.date(2026, 3, 12)):
        summary = dashboard_summary(police)
        late = summary["late_steps"]
        assert late["total"] == 1
        assert [(r["role"], r["count"]) for r in late["by_agency"] if r["count"]] == [("police", 1)]
        assert [(r["number"], r["days_late"]) for r in late["steps"]] == [(registration.number, 3)]
    with at(dt.date(2026, 3, 25)):
        late = dashboard_summary(police)["late_steps"]
        assert {r["role"]: r["count"] for r in late["by_agency"]} == {
            "police": 1,
            "finance": 1,
            "leader": 0,
        }
        assert [r["number"] for r in late["steps"]] == [registration.number, funding.number]
        client.force_login(police)
        page = client.get("/dashboard/").content.decode()
    assert 'data-testid="late-steps"' in page and "Bước phê duyệt quá hạn" in page
    assert 'data-role="finance"' in page and 'data-role="police"' in page


def test_the_inbox_puts_the_most_overdue_step_first_whatever_came_first(
    drive: Driver, police: Any
) -> None:
    with at(dt.date(2026, 3, 2)):
        verification = drive.completion_submitted(1)  # 10 working days: due 16/03
    with at(dt.date(2026, 3, 4)):
        registration = drive.register(2)  # 5 working days: due 11/03
    with at(dt.date(2026, 3, 5)):
        rows = page_context.inbox_for(police).queued
    assert [row.pilot_model.number for row in rows] == [registration.number, verification.number]
    assert [row.timing.due_date for row in rows] == [dt.date(2026, 3, 11), dt.date(2026, 3, 16)]  # type: ignore[union-attr]
    assert [row.timing.working_days_left for row in rows] == [4, 7]  # type: ignore[union-attr]
