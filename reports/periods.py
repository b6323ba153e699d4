"""Report periods: week, month, quarter, half-year and year, each "to date".

``?period=month&date=2026-02-05`` covers 01/02/2026–05/02/2026: provincial
reports are cut on the day they are written, not at the end of the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

PERIODS = ("week", "month", "quarter", "half", "year")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class BadPeriod(ValueError):
    """The query string names no period or no date we understand."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """How the title names the period, e.g. "quý I năm 2026"."""
        end = self.end
        if self.kind == "week":
            return _("tuần từ ngày %(start)s đến ngày %(end)s") % {
                "start": self.start.strftime("%d/%m/%Y"),
                "end": end.strftime("%d/%m/%Y"),
            }
        if self.kind == "month":
            return _("tháng %(month)s năm %(year)s") % {
                "month": f"{end.month:02d}",
                "year": end.year,
            }
        if self.kind == "quarter":
            return _("quý %(quarter)s năm %(year)s") % {
                "quarter": ROMAN[(end.month - 1) // 3 + 1],
                "year": end.year,
            }
        if self.kind == "half":
            if end.month <= 6:
                return _("6 tháng đầu năm %(year)s") % {"year": end.year}
            return _("6 tháng cuối năm %(year)s") % {"year": end.year}
        return _("năm %(year)s") % {"year": end.year}

    def as_params(self) -> dict[str, str]:
        return {"period": self.kind, "date": self.end.isoformat()}


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that contains ``day``, cut at ``day``."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
    elif kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == "half":
        start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    elif kind == "year":
        start = dt.date(day.year, 1, 1)
    else:
        raise BadPeriod(kind)
    return Period(kind=kind, start=start, end=day)


def parse_period(
    kind: str | None, date: str | None, *, today: dt.date, first_year: int = 1
) -> Period:
    """Read ``?period=`` and ``?date=``; default: the month to date.

    A date in the future or before ``first_year`` (the programme's start) is
    refused: each date is a render of its own, so the dates a report can be
    asked for are bounded (review item L2).
    """
    kind = kind or "month"
    if kind not in PERIODS:
        raise BadPeriod(kind)
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise BadPeriod(date) from None
        if day > today or day.year < first_year:
            raise BadPeriod(date)
    else:
        day = today
    return period_of(kind, day)
