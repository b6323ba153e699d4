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
