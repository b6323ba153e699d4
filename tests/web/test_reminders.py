"""send_reminders: due soon → officer; overdue → officer and head; > 30 days → leaders too; never twice a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command

from tests.factories import Driver
from workflows.models import Reminder

HOUR = dt.timedelta(hours=1)


def at(pm: Any, days_after_deadline: int) -> Any:
    """Noon in Hà Nội time on (deadline + n days)."""
    day = pm.deadline + dt.timedelta(days=days_after_deadline)
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 5, 0, tzinfo=dt.UTC), tick=False
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_model_due_within_7_days_reminds_its_officer(drive: Driver) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, -5):
        call_command("send_reminders")
    assert recipients() == ["officer_syt@example.vn"]
    assert f"Mô hình {pm.number}" in mail.outbox[0].subject
    assert f"/pilot-models/{pm.pk}/" in mail.outbox[0].body


def test_a_model_due_later_sends_nothing(drive: Driver) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, -8):
        call_command("send_reminders")
    assert mail.outbox == []


def test_overdue_reminds_the_officer_and_the_agency_head(drive: Driver) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, 3):
        call_command("send_reminders")
    assert recipients() == ["head.syt@example.vn", "officer_syt@example.vn"]
    assert "Quá hạn 3 ngày" in mail.outbox[0].subject


def test_more_than_30_days_overdue_also_reaches_the_leaders(drive: Driver, leader: Any) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, 30):
        call_command("send_reminders")
    assert leader.email not in recipients()
    mail.outbox.clear()
    with at(pm, 31):
        call_command("send_reminders")
    assert recipients() == ["head.syt@example.vn", leader.email, "officer_syt@example.vn"]


def test_a_rerun_the_same_day_sends_nothing_twice(drive: Driver, leader: Any) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, 40):
        call_command("send_reminders")
        first = len(mail.outbox)
        call_command("send_reminders")
        assert len(mail.outbox) == first == 3
    assert Reminder.objects.count() == 3
    with at(pm, 41):
        call_command("send_reminders")
    assert len(mail.outbox) == 6


def test_completed_and_cancelled_models_are_left_alone(drive: Driver) -> None:
    done = drive.completed(6)
    cancelled = drive.act(
        "cancel", drive.approved(8), "leader", {"decision_number": "1/QĐ-UBND", "comment": "Dừng"}
    )
    mail.outbox.clear()
    with at(done, 5):
        call_command("send_reminders")
    with at(cancelled, 5):
        call_command("send_reminders")
    assert mail.outbox == []


def test_a_failed_mail_is_retried_on_the_next_run(drive: Driver, monkeypatch: Any) -> None:
    from workflows import reminders

    pm = drive.approved()
    mail.outbox.clear()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    with at(pm, -1):
        monkeypatch.setattr(reminders, "send_mail", broken)
        outcome = reminders.send_reminders()
        assert outcome.failed == 1 and Reminder.objects.count() == 0
        monkeypatch.undo()
        assert reminders.send_reminders().sent == 1
    assert recipients() == ["officer_syt@example.vn"]


def test_dry_run_records_nothing(drive: Driver) -> None:
    pm = drive.approved()
    mail.outbox.clear()
    with at(pm, 2):
        call_command("send_reminders", "--dry-run")
    assert mail.outbox == [] and Reminder.objects.count() == 0


def test_with_the_worker_queue_a_reminder_is_recorded_now_and_sent_by_the_worker(
    drive: Driver, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from workflows import reminders

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    pm = drive.approved()
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    with at(pm, -5):
        outcome = reminders.send_reminders()
        assert (outcome.queued, outcome.sent, mail.outbox) == (1, 0, [])
        assert Reminder.objects.count() == 1
        job = DBTaskResult.objects.get()
        assert job.task_path == "workflows.reminders.send_reminder"
        job.task.call(*job.args_kwargs["args"])
    assert recipients() == ["officer_syt@example.vn"]
