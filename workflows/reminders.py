"""Deadline reminders and escalation (SPEC §8), safe to run from cron.

- due within 7 days → the responsible officer;
- overdue → that officer and the lead agency's head (the current term);
- overdue by more than 30 days → also every leader.

Each (model, kind, recipient, day) is recorded in ``Reminder`` before its
mail is queued, under a unique constraint, so a second run on the same day
sends nothing twice.  The django-tasks worker sends it (``mail``), trying a
refused message again later; one it gives up on gives its row back, so the
next run retries it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from approvals import clock
from approvals.roles import Role

from . import mail, rules
from .models import PilotModel, Reminder, ReminderKind

log = logging.getLogger(__name__)

# Reminders start a week before the deadline (the dashboard's "due soon" is wider).
DUE_SOON_DAYS = 7
ESCALATE_AFTER_DAYS = 30


@dataclass(frozen=True)
class Notice:
    pilot_model: PilotModel
    kind: str
    recipient: str
    overdue_days: int


@dataclass(frozen=True)
class Outcome:
    sent: int
    already_sent: int
    failed: int
    queued: int = 0  # handed to the worker, not sent yet


class ReminderNotSent(RuntimeError):
    """The mail server refused a reminder and no try is left: its row was given back."""


def _leader_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notices_for(day: dt.date) -> Iterator[Notice]:
    """Every reminder due on ``day``, one per (model, kind, recipient)."""
    leaders = _leader_emails()
    models = (
        PilotModel.objects.filter(rules.open_q(), deadline__lte=day + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("responsible_officer", "lead_agency")
        .order_by("deadline", "number")
    )
    for pm in models:
        officer = pm.responsible_officer.email if pm.responsible_officer.is_active else ""
        if not rules.is_overdue(pm, day):
            if officer:
                yield Notice(pm, ReminderKind.DUE_SOON, officer, 0)
            continue
        overdue = rules.days_overdue(pm, day)
        head = pm.lead_agency.current_head
        recipients = [officer, head.email if head is not None else ""]
        for email in dict.fromkeys(r for r in recipients if r):
            yield Notice(pm, ReminderKind.OVERDUE, email, overdue)
        if overdue > ESCALATE_AFTER_DAYS:
            for email in leaders:
                yield Notice(pm, ReminderKind.ESCALATED, email, overdue)


def _message(notice: Notice) -> tuple[str, str]:
    pm = notice.pilot_model
    link = settings.PILOT06_BASE_URL.rstrip("/") + reverse("workflows:detail", kwargs={"pk": pm.pk})
    facts = {"n": pm.number, "title": pm.title, "deadline": pm.deadline.strftime("%d/%m/%Y"), "days": notice.overdue_days}
    if notice.kind == ReminderKind.DUE_SOON:
        subject = _("[pilot06] Sắp đến hạn: Mô hình %(n)s (hạn %(deadline)s)") % facts
        lead = _("Mô hình %(n)s: %(title)s sẽ đến hạn hoàn thành ngày %(deadline)s.") % facts
    elif notice.kind == ReminderKind.OVERDUE:
        subject = _("[pilot06] Quá hạn %(days)s ngày: Mô hình %(n)s") % facts
        lead = _("Mô hình %(n)s: %(title)s đã quá hạn %(days)s ngày (hạn %(deadline)s) mà chưa hoàn thành.") % facts
    else:
        subject = _("[pilot06] Báo cáo lãnh đạo: Mô hình %(n)s quá hạn %(days)s ngày") % facts
        lead = _("Mô hình %(n)s: %(title)s đã quá hạn hơn 30 ngày (%(days)s ngày, hạn %(deadline)s). Đề nghị lãnh đạo chỉ đạo xử lý.") % facts
    body = "\n".join(
        [
            lead,
            _("Cơ quan chủ trì: %(agency)s") % {"agency": pm.lead_agency.name},
            _("Cán bộ phụ trách: %(who)s") % {"who": pm.responsible_officer.get_full_name() or pm.responsible_officer.username},
            "",
            link,
        ]
    )
    return str(subject), body


def _claim(notice: Notice, day: dt.date) -> Reminder | None:
    """Record the reminder first; None when it was already sent today."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                pilot_model=notice.pilot_model, kind=notice.kind, recipient=notice.recipient, day=day, sent_at=clock.now()
            )
    except IntegrityError:
        return None


def send_reminders(*, day: dt.date | None = None, dry_run: bool = False) -> Outcome:
    """Queue the day's reminders once; a rerun the same day queues nothing again."""
    day = day or clock.today()
    sent = already = failed = queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notice in notices_for(day):
            if dry_run:
                if Reminder.objects.filter(pilot_model=notice.pilot_model, kind=notice.kind, recipient=notice.recipient, day=day).exists():
                    already += 1
                else:
                    sent += 1
                continue
            row = _claim(notice, day)
            if row is None:
                already += 1
                continue
            subject, body = _message(notice)
            result = send_reminder.enqueue(row.pk, subject, body, notice.recipient, 1)
            if result.status == TaskResultStatus.SUCCESSFUL:
                sent += 1
            elif result.status == TaskResultStatus.FAILED:
                log.warning("reminder to %s about model %s not sent", notice.recipient, notice.pilot_model.number)
                failed += 1
            else:
                queued += 1
    return Outcome(sent=sent, already_sent=already, failed=failed, queued=queued)


@task()
def send_reminder(reminder_id: int, subject: str, body: str, recipient: str, attempt: int) -> None:
    """The worker's half: send one reminder; when the last try fails, give its row back."""
    gave_up = False

    def give_back() -> None:
        nonlocal gave_up
        gave_up = True
        Reminder.objects.filter(pk=reminder_id).delete()

    mail.send(
        subject,
        body,
        [recipient],
        attempt=attempt,
        on_give_up=give_back,
        retry=send_reminder,
        retry_args=[reminder_id, subject, body, recipient],
        deliver=send_mail,
    )
    if gave_up:
        raise ReminderNotSent(f"reminder {reminder_id} to {recipient} not sent; the next run retries it")
