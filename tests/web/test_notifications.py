"""Emails on commit: the people who must act next, and the submitter when a step is decided."""

from __future__ import annotations

from typing import Any

from django.core import mail

from tests.factories import Driver, approval_data, funding_data


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def test_registering_tells_the_police(
    drive: Driver, police: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pm = drive.register()
    notices = sent_to(police.email)
    assert len(notices) == 1
    assert "Thẩm định đăng ký" in notices[0].subject
    assert f"/flow/pilot/{pm.process_id}/registration_review/" in notices[0].body


def test_a_decision_tells_the_submitter_and_the_next_actors(
    drive: Driver, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pm = drive.register()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drive.act("return_registration", pm, "police", {"comment": "Bổ sung sản phẩm"})
    subjects = [m.subject for m in sent_to(officer.email)]
    assert any("Trả lại" in s for s in subjects)  # the decision
    assert any("Hoàn thiện, gửi lại" in s for s in subjects)  # the next task
    decided = next(m for m in sent_to(officer.email) if "Trả lại" in m.subject)
    assert "Bổ sung sản phẩm" in decided.body


def test_an_extra_funding_round_does_not_re_announce_older_tasks(
    drive: Driver, officer: Any, finance: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    import time_machine

    pm = drive.deploying()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            pm = drive.act("request_funding", pm, "officer", funding_data(500_000_000))
        assert len(sent_to(finance.email)) == 1
        assert sent_to(officer.email) == []  # the open "deploy" task is not new
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            drive.act("approve_funding", pm, "finance", approval_data(400_000_000))
        assert [m.subject for m in sent_to(officer.email)] and all(
            "Thẩm định kinh phí" in m.subject for m in sent_to(officer.email)
        )


# Off the request path: a job row in the action's transaction, sent by the worker.

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def queued_jobs() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.order_by("enqueued_at"))


def run_jobs() -> None:
    """What ``manage.py db_worker`` does with each ready job, in order."""
    from django_tasks_db.models import DBTaskResult

    for job in DBTaskResult.objects.ready().order_by("enqueued_at"):
        job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        job.delete()


def test_an_action_queues_its_notices_in_its_own_transaction_and_sends_nothing_itself(
    drive: Driver, officer: Any, finance: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_QUEUE
    pm = drive.funding_requested()
    for job in queued_jobs():
        job.delete()
    mail.outbox.clear()

    drive.act("approve_funding", pm, "finance", approval_data())

    assert mail.outbox == []
    assert [job.task_path for job in queued_jobs()] == ["workflows.mail.deliver_notices"]
    run_jobs()
    subjects = [m.subject for m in sent_to(officer.email)]
    assert any("Thẩm định kinh phí" in s for s in subjects)  # the decision, to the submitter
    assert any("Bắt đầu triển khai" in s for s in subjects)  # the new task, to the agency


def test_a_refused_action_queues_no_notice(drive: Driver, settings: Any) -> None:
    import pytest

    from approvals.exceptions import Conflict

    settings.TASKS = DATABASE_QUEUE
    pm = drive.funding_requested()
    before = len(queued_jobs())

    with pytest.raises(Conflict):
        drive.act("approve_funding", pm, "finance", approval_data(version=pm.version + 7))

    assert len(queued_jobs()) == before


def test_a_mail_server_that_refuses_is_logged_and_tried_again_later(
    drive: Driver, officer: Any, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    from django.utils import timezone

    from workflows import mail as mailer

    settings.TASKS = DATABASE_QUEUE
    pm = drive.funding_requested()
    for job in queued_jobs():
        job.delete()
    drive.act("approve_funding", pm, "finance", approval_data())

    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError("421 service not available")

    monkeypatch.setattr(mailer, "send_mail", refused)
    run_jobs()  # the worker: every message refused

    assert "failed (try 1); retrying" in caplog.text
    retries = queued_jobs()
    assert retries and {job.task_path for job in retries} == {"workflows.mail.send_message"}
    assert all(job.run_after > timezone.now() for job in retries)
    monkeypatch.undo()
    mail.outbox.clear()
    for job in retries:  # later: the server is back
        job.task.call(*job.args_kwargs["args"])
    assert len(mail.outbox) == len(retries) and sent_to(officer.email)


def test_with_no_try_left_a_refused_mail_is_given_up_and_logged_never_raised(
    monkeypatch: Any, caplog: Any
) -> None:
    from workflows import mail as mailer

    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(mailer, "send_mail", refused)

    sent = mailer.send(
        "Chủ đề", "Nội dung", ["officer@example.vn"], attempt=len(mailer.RETRY_DELAYS) + 1
    )

    assert sent is False
    assert "giving up" in caplog.text
