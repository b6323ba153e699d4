"""Periods, the NĐ 30 date line and VND: the small rules documents live by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from reports.documents import date_line, vnd
from reports.periods import BadPeriod, parse_period, period_of

TODAY = dt.date(2026, 2, 5)


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    """Documents speak Vietnamese; so do these checks, whatever ran before."""
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt.date(2026, 2, 5), "Nghệ An, ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 1, 31), "Nghệ An, ngày 31 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "Nghệ An, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 20), "Nghệ An, ngày 20 tháng 11 năm 2026"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_months_one_and_two(day: dt.date, line: str) -> None:
    assert date_line(day, "Nghệ An") == line


def test_money_is_written_with_dots() -> None:
    assert vnd(1_250_000_000) == "1.250.000.000"
    assert vnd(0) == "0"
    assert vnd(None) == ""


@pytest.mark.parametrize(
    ("kind", "start", "label"),
    [
        ("week", dt.date(2026, 2, 2), "tuần từ ngày 02/02/2026 đến ngày 05/02/2026"),
        ("month", dt.date(2026, 2, 1), "tháng 02 năm 2026"),
        ("quarter", dt.date(2026, 1, 1), "quý I năm 2026"),
        ("half", dt.date(2026, 1, 1), "6 tháng đầu năm 2026"),
        ("year", dt.date(2026, 1, 1), "năm 2026"),
    ],
)
def test_each_period_runs_from_its_start_to_the_given_day(
    kind: str, start: dt.date, label: str
) -> None:
    period = period_of(kind, TODAY)
    assert (period.start, period.end, period.label) == (start, TODAY, label)


def test_the_default_is_the_month_to_date() -> None:
    period = parse_period(None, None, today=TODAY)
    assert (period.kind, period.start, period.end) == ("month", dt.date(2026, 2, 1), TODAY)
    assert period_of("half", dt.date(2026, 8, 1)).label == "6 tháng cuối năm 2026"
    assert period_of("quarter", dt.date(2026, 8, 1)).label == "quý III năm 2026"


@pytest.mark.parametrize(
    ("kind", "date"), [("decade", None), ("month", "2026-13-01"), ("month", "2026-02-06")]
)
def test_unknown_periods_and_future_dates_are_refused(kind: str, date: str | None) -> None:
    with pytest.raises(BadPeriod):
        parse_period(kind, date, today=TODAY)
