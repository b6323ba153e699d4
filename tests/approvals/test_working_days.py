"""Working days across Tết 2027: holidays, the government's swaps, make-up Saturdays, and the SQL twin."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import DateTimeField, Value

from approvals import working_days
from approvals.models import ApprovalStep, CalendarDay, CalendarDayKind
from approvals.working_days import Calendar, Ordinal
from tests.factories import Driver
from workflows import rules

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date

# Tết Đinh Mùi: mùng 1 is Saturday 06/02/2027; the shipped data and the
# package give Thursday 04/02 to Wednesday 10/02 off.
LAST_WORKING_DAY_BEFORE_TET = D(2027, 2, 3)


def at(day: dt.date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False)


@pytest.fixture
def swap_after_tet(db: Any) -> None:
    """A swap as the government often makes one: Friday 12/02 off, made up on Saturday 20/02."""
    CalendarDay.objects.create(
        day=D(2027, 2, 12), kind=CalendarDayKind.SWAPPED_OFF, source="Thông báo thử nghiệm"
    )
    CalendarDay.objects.create(
        day=D(2027, 2, 20), kind=CalendarDayKind.MAKEUP_WORKDAY, source="Thông báo thử nghiệm"
    )
    working_days.forget()


def test_tet_2027_and_the_weekends_are_off(db: Any) -> None:
    calendar = working_days.current()
    assert calendar.is_working(LAST_WORKING_DAY_BEFORE_TET)
    assert [calendar.is_working(D(2027, 2, d)) for d in range(4, 12)] == [False] * 7 + [True]
    assert not calendar.is_working(D(2027, 2, 13))  # a Saturday


def test_a_step_opened_the_last_working_day_before_tet_falls_due_after_tet(drive: Driver) -> None:
    with at(LAST_WORKING_DAY_BEFORE_TET):
        pm = drive.register(1)
        clock = rules.step_clock()
        step = pm.steps.get()
        # Registration review: 5 working days, counted from the day after: 11, 12, 15, 16, 17/02.
        timing = clock.timing(step, LAST_WORKING_DAY_BEFORE_TET)
        assert timing is not None
        assert timing.due_date == D(2027, 2, 17)
        assert timing.working_days_left == 5
    # Through Tết the count does not move: no working day passes.
    with at(D(2027, 2, 10)):
        assert rules.step_clock().timing(step, D(2027, 2, 10)).working_days_left == 5  # type: ignore[union-attr]
    with at(D(2027, 2, 17)):
        assert rules.step_clock().timing(step, D(2027, 2, 17)).working_days_left == 0  # type: ignore[union-attr]
        assert not rules.step_clock().is_late(step, D(2027, 2, 17))
    with at(D(2027, 2, 18)):
        clock = rules.step_clock()
        assert clock.timing(step, D(2027, 2, 18)).working_days_left == -1  # type: ignore[union-attr]
        assert ApprovalStep.objects.filter(clock.late_q(D(2027, 2, 18))).get() == step
    assert not ApprovalStep.objects.filter(rules.step_clock().late_q(D(2027, 2, 17))).exists()


def test_a_swapped_day_is_off_and_a_make_up_saturday_counts(
    drive: Driver, swap_after_tet: None
) -> None:
    with at(LAST_WORKING_DAY_BEFORE_TET):
        step = drive.register(1).steps.get()
    clock = rules.step_clock()
    assert not clock.calendar.is_working(D(2027, 2, 12))
    assert clock.calendar.is_working(D(2027, 2, 20))
    # 11, 15, 16, 17, 18/02: Friday 12/02 no longer counts.
    assert clock.due_date(step.kind, step.submitted_at) == D(2027, 2, 18)
    # Seven working days: 11, 15, 16, 17, 18, 19 and the make-up Saturday 20/02.
    assert clock.calendar.add(LAST_WORKING_DAY_BEFORE_TET, 7) == D(2027, 2, 20)
    with at(D(2027, 2, 12)):
        assert rules.step_clock().timing(step, D(2027, 2, 12)).working_days_left == 4  # type: ignore[union-attr]
    with at(D(2027, 2, 11)):
        assert rules.step_clock().timing(step, D(2027, 2, 11)).working_days_left == 4  # type: ignore[union-attr]


def test_a_decision_changes_the_count_at_once(drive: Driver) -> None:
    before = working_days.current()
    assert before.is_working(D(2027, 2, 12))
    CalendarDay.objects.create(day=D(2027, 2, 12), kind=CalendarDayKind.SWAPPED_OFF, source="x")
    working_days.forget()
    assert not working_days.current().is_working(D(2027, 2, 12))


def test_the_index_answers_from_memory(django_assert_num_queries: Any, db: Any) -> None:
    working_days.current()
    with django_assert_num_queries(0):
        calendar = working_days.current()
        assert calendar.between(D(2025, 1, 1), D(2027, 12, 31)) > 700


def test_the_shipped_decisions_name_their_source(db: Any) -> None:
    days = {row.day: row for row in CalendarDay.objects.all()}
    assert days[D(2025, 4, 26)].kind == CalendarDayKind.MAKEUP_WORKDAY
    assert days[D(2025, 5, 2)].kind == CalendarDayKind.SWAPPED_OFF
    assert (
        days[D(2026, 1, 2)].kind == CalendarDayKind.SWAPPED_OFF
        and "12729/VPCP-KGVX" in days[D(2026, 1, 2)].source
    )
    assert days[D(2026, 1, 10)].kind == CalendarDayKind.MAKEUP_WORKDAY
    assert "Chưa tìm thấy" in days[D(2027, 2, 4)].source
    assert all(row.source for row in days.values())
    calendar = working_days.current()
    assert calendar.is_working(D(2026, 1, 10)) and not calendar.is_working(D(2026, 1, 2))


def test_the_database_counts_the_same_ordinals(drive: Driver) -> None:
    """Every local day of 2025–2027 at 00:30 and 23:30 Hanoi time, and days outside, on the current engine."""
    pm = drive.register(1)
    step = pm.steps.get()
    calendar = working_days.current()
    # Before the first year and far after the window too: Monday to Friday, then the last correction.
    moments = [
        dt.datetime.combine(day, dt.time(12), tzinfo=TZ)
        for day in (D(2023, 5, 5), D(2023, 12, 31), D(2030, 6, 3))
    ]
    day = D(2025, 1, 1)
    while day <= D(2027, 12, 31):
        moments += [
            dt.datetime.combine(day, dt.time(0, 30), tzinfo=TZ),
            dt.datetime.combine(day, dt.time(23, 30), tzinfo=TZ),
        ]
        day += dt.timedelta(days=1)
    # Python first: the database then counts over every year the calendar has indexed.
    expected = [calendar.ordinal(m.date()) for m in moments]
    for chunk in range(0, len(moments), 100):
        part = moments[chunk : chunk + 100]
        columns = {
            f"o{i}": Ordinal(Value(m, output_field=DateTimeField()), calendar=calendar)
            for i, m in enumerate(part)
        }
        got = ApprovalStep.objects.filter(pk=step.pk).values(**columns).get()
        assert [got[f"o{i}"] for i in range(len(part))] == expected[chunk : chunk + 100]


def test_the_ordinal_is_the_count_of_working_days(db: Any) -> None:
    calendar = Calendar({D(2026, 3, 2): False, D(2026, 3, 7): True})
    day = D(2023, 12, 25)
    while day < D(2028, 1, 10):
        step = calendar.ordinal(day) - calendar.ordinal(day - dt.timedelta(days=1))
        assert step == (1 if calendar.is_working(day) else 0), day
        if calendar.is_working(day):
            assert calendar.working_day_at(calendar.ordinal(day)) == day
        day += dt.timedelta(days=1)
