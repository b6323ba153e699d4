"""Deadline reminders and escalation (SPEC §8), safe to run from cron.

- due within 7 days → the responsible officer;
- overdue → that officer and the lead agency's head (the current term);
- overdue by more than 30 days → also every leader;
- an approval step past its time limit (working days, issue 14) → its
  deciding officer (who holds the task, else everyone in the deciding
  role's queue), and from ``STEP_ESCALATE_AFTER`` working days late on
  also the head of that officer's agency.

Each (model, kind, recipient, day) is recorded in ``Reminder`` before its
mail is queued, under a unique constraint, so a second run on the same day
sends nothing twice.  The django-tasks worker sends it (``mail``), trying a
refused message again later; one it gives up on gives its row back, so the
next run retries it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from viewflow.workflow.models import Task

from approvals import clock
from approvals.models import AgencyHead, ApprovalStep
from approvals.roles import Role

from . import mail, routing, rules
from .models import PilotModel, Reminder, ReminderKind

log = logging.getLogger(__name__)

# Reminders start a week before the deadline (the dashboard's "due soon" is wider).
DUE_SOON_DAYS = 7
ESCALATE_AFTER_DAYS = 30


STEP_ESCALATE_AFTER = 3


@dataclass(frozen=True)
class Notice:
    pilot_model: PilotModel
    kind: str
    recipient: str
    overdue_days: int
    # A late step's notice: which step, and the due date it missed.
    step_kind: str = ""
    due_date: dt.date | None = None


@dataclass(frozen=True)
class Outcome:
    sent: int
    already_sent: int
    failed: int
    queued: int = 0  # handed to the worker, not sent yet


class ReminderNotSent(RuntimeError):
    """The mail server refused a reminder and no try is left: its row was given back."""


def _leader_emails() -> list[str]:
    users = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER).exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notices_for(day: dt.date) -> Iterator[Notice]:
    """Every reminder due on ``day``, one per (model, kind, recipient)."""
    leaders = _leader_emails()
    models = (
        PilotModel.objects.filter(
            rules.open_q(), deadline__lte=day + dt.timedelta(days=DUE_SOON_DAYS)
        )
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


def step_notices_for(day: dt.date) -> Iterator[Notice]:
    """A reminder per late approval step and recipient: three queries, whatever the number of steps."""
    clock = rules.step_clock()
    steps = list(
        ApprovalStep.objects.filter(clock.late_q(day), pilot_model__state__in=rules.OPEN_STATES)
        .select_related("pilot_model__lead_agency", "pilot_model__responsible_officer")
        .order_by("submitted_at", "pk")
    )
    if not steps:
        return
    owners = _task_owners(steps)
    roles = {routing.ROUTES[s.kind].decided_by for s in steps if s.kind in routing.ROUTES}
    members: dict[str, list[tuple[str, int | None]]] = {}
    users = (
        get_user_model().objects.filter(is_active=True, groups__name__in=roles).exclude(email="")
    )
    for email, role, agency_id in users.values_list("email", "groups__name", "official__agency_id"):
        if role in roles:
            members.setdefault(role, []).append((email, agency_id))
    heads = {
        head.agency_id: head.email
        for head in AgencyHead.objects.filter(until__isnull=True).exclude(email="")
    }
    for step in steps:
        timing = clock.timing(step, day)
        if timing is None or step.kind not in routing.ROUTES:
            continue
        owner = owners.get(step.pk)
        deciders = (
            [owner] if owner is not None else members.get(routing.ROUTES[step.kind].decided_by, [])
        )
        late = timing.days_late
        for email in dict.fromkeys(email for email, _agency in deciders):
            yield Notice(
                step.pilot_model, ReminderKind.STEP_LATE, email, late, step.kind, timing.due_date
            )
        if late >= STEP_ESCALATE_AFTER:
            agencies = dict.fromkeys(agency for _email, agency in deciders if agency is not None)
            for email in dict.fromkeys(heads[a] for a in agencies if a in heads):
                yield Notice(
                    step.pilot_model,
                    ReminderKind.STEP_ESCALATED,
                    email,
                    late,
                    step.kind,
                    timing.due_date,
                )


def _task_owners(steps: list[ApprovalStep]) -> dict[int, tuple[str, int | None]]:
    """step id → (email, agency id) of the officer who claimed the task deciding it."""
    by_model = {s.pilot_model_id: s for s in steps}
    tasks = (
        Task.objects.filter(
            status__in=routing.OPEN_TASK, owner__isnull=False, owner__is_active=True
        )
        .filter(
            Q(process__pilot_model__in=list(by_model))
            | Q(process__funding_request__step__in=[s.pk for s in steps])
        )
        .select_related("owner__official", "process__pilot_model", "process__funding_request")
    )
    owners: dict[int, tuple[str, int | None]] = {}
    for open_task in tasks:
        model = _model_id_of_task(open_task)
        step = by_model.get(model) if model is not None else None
        if (
            step is None
            or not open_task.owner.email
            or open_task.flow_task.name != routing.ROUTES[step.kind].node
        ):
            continue
        official = getattr(open_task.owner, "official", None)
        owners[step.pk] = (
            open_task.owner.email,
            official.agency_id if official is not None else None,
        )
    return owners


def _model_id_of_task(task: Task) -> int | None:
    """The model id a task is about, read off its process (main, or an extra funding round's)."""
    process = task.process
    for name in ("pilot_model", "funding_request"):
        try:
            related = getattr(process, name)
        except ObjectDoesNotExist:
            continue
        if related is not None:
            return int(related.pk if name == "pilot_model" else related.pilot_model_id)
    return None


def _message(notice: Notice) -> tuple[str, str]:
    pm = notice.pilot_model
    link = settings.PILOT06_BASE_URL.rstrip("/") + reverse("workflows:detail", kwargs={"pk": pm.pk})
    facts = {
        "n": pm.number,
        "title": pm.title,
        "deadline": pm.deadline.strftime("%d/%m/%Y"),
        "days": notice.overdue_days,
    }
    if notice.kind in (ReminderKind.STEP_LATE, ReminderKind.STEP_ESCALATED):
        return _step_message(notice, link)
    if notice.kind == ReminderKind.DUE_SOON:
        subject = _("[pilot06] Sắp đến hạn: Mô hình %(n)s (hạn %(deadline)s)") % facts
        lead = _("Mô hình %(n)s: %(title)s sẽ đến hạn hoàn thành ngày %(deadline)s.") % facts
    elif notice.kind == ReminderKind.OVERDUE:
        subject = _("[pilot06] Quá hạn %(days)s ngày: Mô hình %(n)s") % facts
        lead = (
            _(
                "Mô hình %(n)s: %(title)s đã quá hạn %(days)s ngày (hạn %(deadline)s) mà chưa hoàn thành."
            )
            % facts
        )
    else:
        subject = _("[pilot06] Báo cáo lãnh đạo: Mô hình %(n)s quá hạn %(days)s ngày") % facts
        lead = (
            _(
                "Mô hình %(n)s: %(title)s đã quá hạn hơn 30 ngày (%(days)s ngày, hạn %(deadline)s). Đề nghị lãnh đạo chỉ đạo xử lý."
            )
            % facts
        )
    body = "\n".join(
        [
            lead,
            _("Cơ quan chủ trì: %(agency)s") % {"agency": pm.lead_agency.name},
            _("Cán bộ phụ trách: %(who)s")
            % {"who": pm.responsible_officer.get_full_name() or pm.responsible_officer.username},
            "",
            link,
        ]
    )
    return str(subject), body


def _step_message(notice: Notice, link: str) -> tuple[str, str]:
    pm = notice.pilot_model
    facts = {
        "n": pm.number,
        "title": pm.title,
        "step": routing.step_label(notice.step_kind),
        "due": notice.due_date.strftime("%d/%m/%Y") if notice.due_date else "",
        "days": notice.overdue_days,
    }
    subject = _("[pilot06] Bước “%(step)s” quá hạn %(days)s ngày làm việc: Mô hình %(n)s") % facts
    lead = (
        _(
            "Mô hình %(n)s: %(title)s. Bước “%(step)s” đến hạn ngày %(due)s và đã quá hạn %(days)s ngày làm việc mà chưa có quyết định."
        )
        % facts
    )
    if notice.kind == ReminderKind.STEP_ESCALATED:
        lead += " " + _("Đề nghị thủ trưởng cơ quan chỉ đạo xử lý.")
    return str(subject), "\n".join([lead, "", link])


def _claim(notice: Notice, day: dt.date) -> Reminder | None:
    """Record the reminder first; None when it was already sent today."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                pilot_model=notice.pilot_model,
                kind=notice.kind,
                recipient=notice.recipient,
                day=day,
                sent_at=clock.now(),
            )
    except IntegrityError:
        return None


def send_reminders(*, day: dt.date | None = None, dry_run: bool = False) -> Outcome:
    """Queue the day's reminders once; a rerun the same day queues nothing again."""
    day = day or clock.today()
    sent = already = failed = queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notice in itertools.chain(notices_for(day), step_notices_for(day)):
            if dry_run:
                if Reminder.objects.filter(
                    pilot_model=notice.pilot_model,
                    kind=notice.kind,
                    recipient=notice.recipient,
                    day=day,
                ).exists():
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
                log.warning(
                    "reminder to %s about model %s not sent",
                    notice.recipient,
                    notice.pilot_model.number,
                )
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
        raise ReminderNotSent(
            f"reminder {reminder_id} to {recipient} not sent; the next run retries it"
        )
