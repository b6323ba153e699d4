"""Working days (ngày làm việc): the calendar every administrative time limit runs on.

A day is a working day when, in this order:

1. a government decision (``CalendarDay``: a swapped day, a make-up
   Saturday, an extra day off) says so;
2. the ``holidays`` package (Vietnam) makes it a public holiday, Tết and the
   Hùng Kings' day on the lunar calendar, or a make-up Saturday it knows;
3. otherwise Monday to Friday.

Durations and due dates must be cheap on pages of 100,000 models, so each
year is turned once into a day index: the *ordinal* of every day, the
number of working days from ``EPOCH`` up to and including it.  Counting
the working days between two dates is then one subtraction, and the n-th
working day after a date one list lookup.  The index is built per year on
first use and kept per process; a change to the decisions clears the cached
rows (``forget``), and the next call builds a fresh index.

The database gets the same ordinal as an expression (``Ordinal``):
Monday-to-Friday arithmetic on the day number, minus a correction that is
a step function of the day, written as a balanced CASE over the days where
the calendar departs from Monday-to-Friday.  Years before ``FIRST_YEAR``
(no data of pilot06's is that old) count Monday to Friday only, in Python
and in SQL alike, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
import threading
from array import array
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import holidays
from django.core.cache import cache
from django.db.models import Expression, Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from . import clock

# A Monday: day number 0.  Ordinals count working days from here.
EPOCH = dt.date(2000, 1, 3)
# The first year whose holidays and decisions count (a year before the pilot began).
FIRST_YEAR = 2024
# Due dates never reach this far; a guard against a runaway loop on bad input.
LAST_YEAR = 2100

CACHE_KEY = "pilot06:calendar-days"
CACHE_SECONDS = 300


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def weekdays_through(n: int) -> int:
    """Mondays to Fridays from EPOCH (day 0) to day ``n``, inclusive."""
    return 5 * (n // 7) + min(n % 7 + 1, 5)


def _ordinal_before_first_year() -> int:
    return weekdays_through(day_number(dt.date(FIRST_YEAR, 1, 1)) - 1)


@lru_cache(maxsize=128)
def public_days(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The package's holidays of ``year`` (with their Vietnamese names) and its make-up weekend days.

    Built with the year before as well: a substitution declared under one
    year can fall in the next.
    """
    calendar = holidays.country_holidays("VN", years=(year - 1, year), language="vi")
    off = {day: str(name) for day, name in calendar.items() if day.year == year}
    makeup = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    return off, makeup


class _Year:
    """One year's index: the ordinal of each of its days, and its working days in order."""

    __slots__ = ("first", "ordinals", "working")

    def __init__(self, year: int, base: int, is_working: Any) -> None:
        self.first = dt.date(year, 1, 1)
        size = (dt.date(year + 1, 1, 1) - self.first).days
        self.ordinals = array("l", bytes(array("l").itemsize * size))
        self.working: list[dt.date] = []
        count = base
        for offset in range(size):
            day = self.first + dt.timedelta(days=offset)
            if is_working(day):
                count += 1
                self.working.append(day)
            self.ordinals[offset] = count

    @property
    def last_ordinal(self) -> int:
        return int(self.ordinals[-1])


class Calendar:
    """Working days under a given set of decisions; immutable once built, grown one year at a time."""

    def __init__(self, decisions: Mapping[dt.date, bool]) -> None:
        # day → True for a working day, False for a day off
        self.decisions = dict(decisions)
        self._years: list[_Year] = []
        self._breakpoints: tuple[int, list[tuple[int, int]]] | None = None
        self._growing = threading.Lock()
        self._array: tuple[int, tuple[int, int, str]] | None = None

    # Single days --------------------------------------------------------

    def is_working(self, day: dt.date) -> bool:
        if day.year < FIRST_YEAR:
            return day.weekday() < 5
        decided = self.decisions.get(day)
        if decided is not None:
            return decided
        off, makeup = public_days(day.year)
        if day in makeup:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str:
        return public_days(day.year)[0].get(day, "") if day.year >= FIRST_YEAR else ""

    # The index ----------------------------------------------------------

    def _year(self, year: int) -> _Year:
        if year > LAST_YEAR:
            raise ValueError(f"working days are not counted beyond {LAST_YEAR}")
        if len(self._years) <= year - FIRST_YEAR:
            # Threads of one process share the calendar: one of them grows it at a time.
            with self._growing:
                while len(self._years) <= year - FIRST_YEAR:
                    built = FIRST_YEAR + len(self._years)
                    base = (
                        self._years[-1].last_ordinal
                        if self._years
                        else _ordinal_before_first_year()
                    )
                    self._years.append(_Year(built, base, self.is_working))
        return self._years[year - FIRST_YEAR]

    def ordinal(self, day: dt.date) -> int:
        """Working days from EPOCH to ``day`` inclusive: O(1) once the year is indexed."""
        if day.year < FIRST_YEAR:
            return weekdays_through(day_number(day))
        index = self._year(day.year)
        return int(index.ordinals[(day - index.first).days])

    def working_day_at(self, ordinal: int) -> dt.date:
        """The working day whose ordinal is ``ordinal``."""
        before = _ordinal_before_first_year()
        if ordinal <= before:
            k = ordinal - 1
            return EPOCH + dt.timedelta(days=7 * (k // 5) + k % 5)
        year = FIRST_YEAR
        while self._year(year).last_ordinal < ordinal:
            year += 1
        previous = self._year(year - 1).last_ordinal if year > FIRST_YEAR else before
        return self._year(year).working[ordinal - previous - 1]

    # Questions the pages ask --------------------------------------------

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end is earlier)."""
        return self.ordinal(end) - self.ordinal(start)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``days`` ≥ 1)."""
        return self.working_day_at(self.ordinal(start) + days)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        ordinal = self.ordinal(day - dt.timedelta(days=1))
        return self.working_day_at(ordinal)

    def days_of_year(self, year: int) -> Iterable[dt.date]:
        first = dt.date(year, 1, 1)
        return (first + dt.timedelta(days=k) for k in range((dt.date(year + 1, 1, 1) - first).days))

    # The same ordinal in SQL --------------------------------------------

    def breakpoints(self, through_year: int) -> list[tuple[int, int]]:
        """(day number, correction) where ``weekdays_through(n) − ordinal`` changes, up to ``through_year``."""
        self._year(through_year)
        built = len(self._years)
        if self._breakpoints is None or self._breakpoints[0] != built:
            points: list[tuple[int, int]] = []
            correction = 0
            for index in self._years:
                n0 = day_number(index.first)
                for offset, ordinal in enumerate(index.ordinals):
                    value = weekdays_through(n0 + offset) - int(ordinal)
                    if value != correction:
                        points.append((n0 + offset, value))
                        correction = value
            self._breakpoints = (built, points)
        return self._breakpoints[1]

    def correction_array(self, through_year: int) -> tuple[int, int, str]:
        """(first day number, array size, SQL array literal): 0, then ``weekdays_through(n) − ordinal(n)`` per day."""
        self._year(through_year)
        built = len(self._years)
        if self._array is None or self._array[0] != built:
            first = day_number(self._years[0].first)
            values = [0]
            for index in self._years:
                n0 = day_number(index.first)
                values += [weekdays_through(n0 + k) - int(v) for k, v in enumerate(index.ordinals)]
            self._array = (built, (first, len(values), "{" + ",".join(map(str, values)) + "}"))
        return self._array[1]


_BUILT: dict[tuple[tuple[dt.date, str], ...], Calendar] = {}


def _rows() -> tuple[tuple[dt.date, str], ...]:
    from .models import CalendarDay

    rows: tuple[tuple[dt.date, str], ...] | None = cache.get(CACHE_KEY)
    if rows is None:
        rows = tuple(CalendarDay.objects.order_by("day").values_list("day", "kind"))
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def current() -> Calendar:
    """The calendar in force: one query when the decisions are not cached, none otherwise.

    Calendars are kept per set of decisions, so a process that sees the
    same rows again reuses the index it built.
    """
    from .models import CalendarDayKind

    rows = _rows()
    calendar = _BUILT.get(rows)
    if calendar is None:
        if len(_BUILT) >= 8:
            _BUILT.clear()
        calendar = Calendar({day: kind == CalendarDayKind.MAKEUP_WORKDAY for day, kind in rows})
        _BUILT[rows] = calendar
    return calendar


def forget() -> None:
    """Drop the cached decisions (after a change): the next ``current()`` reads them again."""
    cache.delete(CACHE_KEY)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# SQL ------------------------------------------------------------------------


def _utc_offset_minutes() -> int:
    """The province's offset from UTC (Asia/Ho_Chi_Minh keeps +07:00 all year)."""
    zone = timezone.get_default_timezone()
    offset = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


class LocalDayNumber(Func):
    """The day number (days since EPOCH) of a datetime's date in the province's time zone."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        minutes = _utc_offset_minutes()
        # date() then julianday(): two whole-day values, so the difference is exact.
        epoch = EPOCH.isoformat()
        return (
            f"CAST(julianday(date({sql}, '{minutes:+d} minutes')) - julianday('{epoch}') AS INTEGER)",
            tuple(params),
        )

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        # Seconds since 1970 shifted by the province's offset, in whole days: plain
        # arithmetic, several times cheaper per row than AT TIME ZONE.
        sql, params = compiler.compile(self.get_source_expressions()[0])
        offset = _utc_offset_minutes() * 60
        epoch = (EPOCH - dt.date(1970, 1, 1)).days
        return (
            f"(CAST(FLOOR((date_part('epoch', {sql}) + {offset}) / 86400.0) AS integer) - {epoch})",
            tuple(params),
        )

    def as_sql(self, compiler: SQLCompiler, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotImplementedError(f"LocalDayNumber has no SQL for {connection.vendor}")


class Ordinal(Func):
    """``Calendar.ordinal`` of a datetime's local date, computed by the database.

    Mondays to Fridays by arithmetic, minus the calendar's correction on that
    day, found by a balanced CASE (a dozen comparisons for a decade).
    """

    arity = 1
    output_field = IntegerField()

    def __init__(
        self, moment: Any, *, calendar: Calendar | None = None, through_year: int | None = None
    ) -> None:
        super().__init__(LocalDayNumber(moment))
        self.calendar = calendar or current()
        self.through_year = through_year or (clock.today().year + 1)

    def _sql(self, compiler: SQLCompiler, connection: Any) -> Any:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        n = f"({sql})"
        uses = 3
        points = self.calendar.breakpoints(self.through_year)

        def tree(lo: int, hi: int) -> str:
            # The answer is the correction of the last breakpoint at or before n (index lo..hi; 0 = none).
            nonlocal uses
            if lo == hi:
                return str(points[lo - 1][1]) if lo else "0"
            mid = (lo + hi + 1) // 2
            uses += 1
            return f"CASE WHEN {n} >= {points[mid - 1][0]} THEN {tree(mid, hi)} ELSE {tree(lo, mid - 1)} END"

        correction = tree(0, len(points))
        weekdays = f"(5 * ({n} / 7) + CASE WHEN ({n} %% 7) >= 4 THEN 5 ELSE ({n} %% 7) + 1 END)"
        return f"({weekdays} - ({correction}))", tuple(params) * uses

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        return self._sql(compiler, connection)

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        """PostgreSQL reads the correction off an array, one subscript per row, the day number used four times."""
        sql, params = compiler.compile(self.get_source_expressions()[0])
        n = f"({sql})"
        first, size, array = self.calendar.correction_array(self.through_year)
        weekdays = f"(5 * ({n} / 7) + CASE WHEN ({n} %% 7) >= 4 THEN 5 ELSE ({n} %% 7) + 1 END)"
        # Index 1 holds 0 (before the window), the last one the correction after it.
        index = f"LEAST(GREATEST({n} - {first - 2}, 1), {size})"
        return f"({weekdays} - ('{array}'::integer[])[{index}])", tuple(params) * 4

    def as_sql(self, compiler: SQLCompiler, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotImplementedError(f"Ordinal has no SQL for {connection.vendor}")


def ordinal_sql(moment: Expression | Any, calendar: Calendar | None = None) -> Ordinal:
    return Ordinal(moment, calendar=calendar)
