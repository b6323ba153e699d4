"""Emails, sent after the commit (SPEC §8).

Each function takes ids, re-reads what it needs, and never raises into the
caller: a mail server that is down must not undo a decision already made.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from approvals.models import ApprovalStep
from approvals.roles import Role

from .bridge import open_tasks
from .models import PilotModel

log = logging.getLogger(__name__)

_ROLE_OF_PERMISSION = {f"workflows.role_{role}": role for role in (Role.POLICE, Role.FINANCE, Role.LEADER)}


def _recipients_for_permission(permission: str) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if permission in _ROLE_OF_PERMISSION:
        users = users.filter(groups__name=_ROLE_OF_PERMISSION[permission])
    elif permission.startswith("workflows.officer_agency_"):
        agency_id = int(permission.rsplit("_", 1)[1])
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


def task_created(pilot_model_id: int) -> None:
    """Tell the people who must act next that a task waits for them."""
    pilot_model = PilotModel.objects.filter(pk=pilot_model_id).select_related("process").first()
    if pilot_model is None or pilot_model.process is None:
        return
    processes = [pilot_model.process] + [
        r.process for r in pilot_model.funding_requests.exclude(process=None).select_related("process")
    ]
    for process in processes:
        for task in open_tasks(process):
            title = str(task.flow_task.task_title or task.flow_task.name)
            subject = f"[pilot06] Việc cần làm: {title} – Mô hình {pilot_model.number}"
            body = (
                f"Mô hình {pilot_model.number}: {pilot_model.title}\n"
                f"Việc cần làm: {title}\n"
                f"Thời hạn: {pilot_model.deadline:%d/%m/%Y}\n\n"
                "Vui lòng đăng nhập pilot06 để xử lý."
            )
            _send(subject, body, _recipients_for_permission(task.owner_permission or ""))


def step_decided(step_id: int) -> None:
    """Tell the submitter how their step was decided."""
    step = ApprovalStep.objects.filter(pk=step_id).select_related("pilot_model", "submitted_by").first()
    if step is None or not step.submitted_by.email:
        return
    subject = f"[pilot06] {step.get_kind_display()}: {step.get_outcome_display()} – Mô hình {step.pilot_model.number}"
    body = (
        f"Mô hình {step.pilot_model.number}: {step.pilot_model.title}\n"
        f"Bước: {step.get_kind_display()}\n"
        f"Kết quả: {step.get_outcome_display()}\n"
        f"Ý kiến: {step.comment or '—'}\n"
    )
    _send(subject, body, [step.submitted_by.email])
