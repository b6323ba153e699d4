"""Report renders cannot be flooded (review finding L2).

Before: any date back to 0001-01-01 was a valid period, each a render of
its own, and nothing bounded how many background renders one person
queued.  Now the date lies within the programme's years and each person
has at most a few renders waiting.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from reports import jobs
from reports.models import ReportFile, ReportStatus
from tests.factories import Driver
from tests.reports.conftest import ClientFor


@pytest.mark.parametrize("date", ["0001-01-01", "1999-12-31", "2021-12-31"])
def test_a_period_before_the_programme_is_refused(
    date: str, browser: ClientFor, drive: Driver
) -> None:
    drive.register()

    response = browser("police").get(f"/reports/progress.pdf?period=month&date={date}")

    assert response.status_code == 400
    assert not ReportFile.objects.exists()


def test_the_first_day_of_the_programme_is_accepted(
    browser: ClientFor, drive: Driver, settings: Any
) -> None:
    drive.register()

    response = browser("police").get(
        f"/reports/progress.xlsx?period=year&date={settings.PILOT06_PROGRAMME_START_YEAR}-01-01"
    )

    assert response.status_code == 200


def test_pending_renders_are_capped_per_person(
    browser: ClientFor, drive: Driver, settings: Any, monkeypatch: Any
) -> None:
    settings.PILOT06_REPORT_SYNC_MAX_ROWS = 0
    settings.PILOT06_REPORT_MAX_PENDING_PER_USER = 2
    monkeypatch.setattr(
        jobs, "render_report_file", SimpleNamespace(enqueue=lambda *args: None)
    )  # the worker is busy
    drive.register()
    dates = ["2026-01-05", "2025-12-31", "2025-11-30"]

    answers = [
        browser("police").get(f"/reports/progress.pdf?period=month&date={d}").status_code
        for d in dates
    ]
    others = browser("leader").get("/reports/progress.pdf?period=month&date=2025-11-30").status_code

    assert answers == [202, 202, 429]
    assert others == 202
    assert ReportFile.objects.filter(status=ReportStatus.PENDING).count() == 3


def test_a_cached_report_is_served_whatever_the_queue(
    browser: ClientFor, drive: Driver, settings: Any, monkeypatch: Any
) -> None:
    settings.PILOT06_REPORT_SYNC_MAX_ROWS = 0
    settings.PILOT06_REPORT_MAX_PENDING_PER_USER = 1
    monkeypatch.setattr(jobs, "render_report_file", SimpleNamespace(enqueue=lambda *args: None))
    drive.register()

    first = browser("police").get("/reports/progress.pdf?period=month&date=2026-01-05")
    again = browser("police").get("/reports/progress.pdf?period=month&date=2026-01-05")

    assert (first.status_code, again.status_code) == (202, 202)
