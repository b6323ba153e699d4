"""Late approval steps: the deciding officer hears first, that agency's head from the third working day late."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from tests.factories import Driver, agency
from workflows.models import Reminder, ReminderKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(7), tzinfo=TZ), tick=False)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def police_queue() -> list[str]:
    return sorted(User.objects.filter(groups__name="police").values_list("email", flat=True))


def test_a_late_registration_review_reminds_the_police_then_their_head(
    drive: Driver, police: Any
) -> None:
    assert agency("CAT").current_head.email == "head.cat@example.vn"  # type: ignore[union-attr]
    with at(dt.date(2026, 3, 2)):  # Monday; due Monday 09/03 (5 working days)
        pm = drive.register(1)
    mail.outbox.clear()
    with at(dt.date(2026, 3, 9)):
        call_command("send_reminders")
    assert mail.outbox == []  # due today: not late yet
    with at(dt.date(2026, 3, 10)):
        call_command("send_reminders")
        call_command("send_reminders")  # a rerun the same day sends nothing twice
    assert recipients() == police_queue()  # nobody claimed the task: the whole queue
    assert "quá hạn 1 ngày làm việc" in mail.outbox[0].subject
    assert "09/03/2026" in mail.outbox[0].body
    mail.outbox.clear()
    with at(dt.date(2026, 3, 12)):  # three working days late
        call_command("send_reminders")
    assert recipients() == sorted(["head.cat@example.vn", *police_queue()])
    kinds = set(Reminder.objects.filter(pilot_model=pm).values_list("kind", flat=True))
    assert kinds == {ReminderKind.STEP_LATE, ReminderKind.STEP_ESCALATED}


def test_a_claimed_task_reminds_only_the_officer_who_holds_it(
    drive: Driver, people: dict[str, Any]
) -> None:
    from viewflow.workflow.models import Task

    from tests.factories import make_user

    other = make_user("police_b", "CAT", "police")
    with at(dt.date(2026, 3, 2)):
        pm = drive.register(1)
    Task.objects.filter(process=pm.process, status="NEW").update(owner=other, status="ASSIGNED")
    mail.outbox.clear()
    with at(dt.date(2026, 3, 10)):
        call_command("send_reminders")
    assert recipients() == [other.email]
