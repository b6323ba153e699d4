"""Emails, sent after the commit (SPEC §8).

Each function takes ids, re-reads what it needs, and never raises into the
caller: a mail server that is down must not undo a decision already made.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from approvals.backends import agency_of_permission, role_of_permission
from approvals.models import ApprovalStep
from approvals.roles import Role

from .models import PilotModel
from .routing import OPEN_TASK

log = logging.getLogger(__name__)


def _recipients_for_permission(permission: str) -> list[str]:
    """Who holds a task's queue: a role's members, or the officers of an agency."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    role = role_of_permission(permission)
    agency_id = agency_of_permission(permission)
    if role is not None:
        users = users.filter(groups__name=role)
    elif agency_id is not None:
        users = users.filter(groups__name=Role.OFFICER, official__agency_id=agency_id)
    else:
        return []
    return sorted(set(users.values_list("email", flat=True)))


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # the decision stands; the mail is logged as failed
        log.exception("could not send %r to %s", subject, recipients)


# A task "appears" in the action that creates it; the notice runs right after
# that commit.  Older open tasks (e.g. the main "deploy" task while an extra
# funding round is decided) were announced when they appeared.
NEW_TASK_WINDOW = dt.timedelta(minutes=10)


def _link(path: str) -> str:
    return settings.PILOT06_BASE_URL.rstrip("/") + path


def task_created(pilot_model_id: int) -> None:
    """Tell the people who must act next that a task waits for them (new tasks only)."""
    pilot_model = PilotModel.objects.filter(pk=pilot_model_id).first()
    if pilot_model is None or pilot_model.process_id is None:
        return
    since = timezone.now() - NEW_TASK_WINDOW
    # The new open tasks of the main process, then of the extra rounds, in one read.
    tasks = (
        Task.objects.filter(
            Q(process_id=pilot_model.process_id)
            | Q(process__funding_request__pilot_model=pilot_model),
            status__in=OPEN_TASK,
            created__gte=since,
        )
        .select_related("owner")
        .order_by(
            Case(
                When(process_id=pilot_model.process_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "process_id",
            "id",
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for task in tasks:
            title = str(task.flow_task.task_title or task.flow_task.name)
            facts = {"title": title, "n": pilot_model.number}
            subject = _("[pilot06] Việc cần làm: %(title)s – Mô hình %(n)s") % facts
            body = "\n".join(
                [
                    _("Mô hình %(n)s: %(title)s")
                    % {"n": pilot_model.number, "title": pilot_model.title},
                    _("Việc cần làm: %(title)s") % facts,
                    _("Thời hạn mô hình: %(d)s") % {"d": pilot_model.deadline.strftime("%d/%m/%Y")},
                    "",
                    _("Xử lý tại: %(url)s") % {"url": _link(task.reverse("execute"))},
                ]
            )
            if task.owner_id is not None and task.owner.email:
                recipients = [task.owner.email]
            else:
                recipients = _recipients_for_permission(task.owner_permission or "")
            _send(str(subject), body, recipients)


def step_decided(step_id: int) -> None:
    """Tell the submitter how their step was decided, with the comment."""
    step = (
        ApprovalStep.objects.filter(pk=step_id)
        .select_related("pilot_model", "submitted_by", "decided_by")
        .first()
    )
    if step is None or not step.submitted_by.email:
        return
    pm = step.pilot_model
    with translation.override(settings.LANGUAGE_CODE):
        facts = {"kind": step.kind_label, "outcome": step.get_outcome_display(), "n": pm.number}
        subject = _("[pilot06] %(kind)s: %(outcome)s – Mô hình %(n)s") % facts
        decider = (
            step.decided_by.get_full_name() or step.decided_by.username if step.decided_by else "—"
        )
        body = "\n".join(
            [
                _("Mô hình %(n)s: %(title)s") % {"n": pm.number, "title": pm.title},
                _("Bước: %(kind)s") % facts,
                _("Kết quả: %(outcome)s") % facts,
                _("Người quyết định: %(who)s") % {"who": decider},
                _("Ý kiến: %(comment)s") % {"comment": step.comment or "—"},
                "",
                _link(reverse("workflows:detail", kwargs={"pk": pm.pk})),
            ]
        )
    _send(str(subject), body, [step.submitted_by.email])
