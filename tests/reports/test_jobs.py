"""Large reports render in the background (202, then the file); every result is cached by data version."""

from __future__ import annotations

from typing import Any

import pytest

from reports import jobs
from reports.models import ReportFile, ReportStatus
from tests.factories import Driver
from tests.reports.conftest import ClientFor


@pytest.fixture
def two_models(drive: Driver) -> None:
    drive.register(6)
    drive.completed(7)


@pytest.mark.usefixtures("two_models")
@pytest.mark.parametrize(
    "url", ["/reports/progress.pdf", "/reports/funding.xlsx", "/reports/accountability.pdf"]
)
def test_a_report_above_the_threshold_answers_202_then_the_file(
    browser: ClientFor, settings: Any, url: str
) -> None:
    settings.PILOT06_REPORT_SYNC_MAX_ROWS = 0
    waiting = browser("police").get(url)
    assert waiting.status_code == 202
    assert waiting["Refresh"] == "3"
    page = waiting.content.decode()
    assert 'http-equiv="refresh"' in page and "Đang lập báo cáo" in page
    report = ReportFile.objects.get()
    assert report.status == ReportStatus.READY  # the immediate backend ran the task already
    ready = browser("police").get(url)
    assert ready.status_code == 200
    body = b"".join(ready.streaming_content)
    assert body[:4] in (b"%PDF", b"PK\x03\x04")
    assert len(body) == report.size


@pytest.mark.usefixtures("two_models")
def test_a_small_report_answers_200_at_once_and_is_cached_until_the_data_changes(
    browser: ClientFor, drive: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[str] = []
    real = jobs.build

    def counting(kind: str, fmt: str, user: Any, params: dict[str, Any]) -> bytes:
        renders.append(kind)
        return real(kind, fmt, user, params)

    monkeypatch.setattr(jobs, "build", counting)
    first = browser("leader").get("/reports/progress.pdf")
    second = browser("inspector").get("/reports/progress.pdf")
    assert first.status_code == second.status_code == 200
    assert len(renders) == 1
    drive.register(8)  # a new audit entry: a new data version
    assert browser("leader").get("/reports/progress.pdf").status_code == 200
    assert len(renders) == 2
    assert ReportFile.objects.filter(status=ReportStatus.READY).count() == 2


@pytest.mark.usefixtures("two_models")
def test_a_failed_background_render_says_so_instead_of_waiting_forever(
    browser: ClientFor, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PILOT06_REPORT_SYNC_MAX_ROWS = 0

    def broken(*args: Any) -> bytes:
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(jobs, "build", broken)
    assert browser("police").get("/reports/accountability.xlsx").status_code == 202
    report = ReportFile.objects.get()
    assert report.status == ReportStatus.FAILED and "layout exploded" in report.error
    assert browser("police").get("/reports/accountability.xlsx").status_code == 503


def test_a_different_period_is_a_different_report(browser: ClientFor, drive: Driver) -> None:
    drive.register(6)
    assert browser("police").get("/reports/progress.pdf?period=month").status_code == 200
    assert browser("police").get("/reports/progress.pdf?period=year").status_code == 200
    assert ReportFile.objects.count() == 2
