"""The e-mails of SPEC §8: who is told what, composed from committed data.

Each function takes ids, re-reads what it needs and returns the messages;
``mail`` sends them from the django-tasks worker, never inside a request,
and a mail server that is down never undoes a decision already made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from approvals.backends import agency_of_permission, role_of_permission
from approvals.models import ApprovalStep
from approvals.roles import Role

from .models import PilotModel
from .routing import OPEN_TASK


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


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    recipients: list[str]


def _link(path: str) -> str:
    return settings.PILOT06_BASE_URL.rstrip("/") + path


def task_created(task_ids: Sequence[int]) -> list[Message]:
    """Tell the people who must act next that a task waits for them.

    ``task_ids`` are the tasks the action opened (a task already open, like
    the main "deploy" task while an extra funding round is decided, was
    announced when it appeared); one done meanwhile is not announced.
    """
    tasks = list(
        Task.objects.filter(pk__in=list(task_ids), status__in=OPEN_TASK)
        .select_related("owner", "process__pilot_model", "process__funding_request__pilot_model")
        .order_by(
            # The main process's tasks first, then the extra rounds'.
            Case(
                When(process__pilot_model__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "process_id",
            "id",
        )
    )
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        for task in tasks:
            pilot_model = _pilot_model_of(task)
            if pilot_model is None:
                continue
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
            if recipients:
                messages.append(Message(str(subject), body, recipients))
    return messages


def _pilot_model_of(task: Task) -> PilotModel | None:
    process = task.process
    for name in ("pilot_model", "funding_request"):
        try:
            related = getattr(process, name)
        except ObjectDoesNotExist:
            continue
        if related is not None:
            return related if name == "pilot_model" else related.pilot_model
    return None


def step_decided(step_id: int) -> list[Message]:
    """Tell the submitter how their step was decided, with the comment."""
    step = (
        ApprovalStep.objects.filter(pk=step_id)
        .select_related("pilot_model", "submitted_by", "decided_by")
        .first()
    )
    if step is None or not step.submitted_by.email:
        return []
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
    return [Message(str(subject), body, [step.submitted_by.email])]
