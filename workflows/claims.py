"""Claiming and releasing a queued task: the write side of the inbox.

viewflow's ``assign`` and ``unassign`` do not check who calls them
(VIEWFLOW.md, "Assignment is not checked"), so the check is made here:
the user must hold the task's ``owner_permission``, which is how queues are
scoped by role and agency.  Both run under the flow-process lock, re-read
the task, and refuse a stale click with ``Conflict`` and no write.

A claim records who is working on a task; it decides nothing, so it is not
one of SPEC §4's actions and writes no audit entry.  Acting on a task that a
colleague claimed still works: the service reassigns it to whoever decides.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals.exceptions import Conflict, NotFound
from approvals.permissions import can_see

from .selectors import check_actor, pilot_model_of_task
from .services.pipeline import is_lock_error


def _task_for(actor: Any, task_id: Any) -> Task:
    """The task, or NotFound when it is unknown or not in the actor's queue (ids leak nothing)."""
    check_actor(actor)
    try:
        task = Task.objects.select_related("process").get(pk=int(task_id))
    except (Task.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Không tìm thấy việc này.")) from None
    if not task.owner_permission or task.owner_permission not in actor.get_all_permissions():
        raise NotFound(_("Không tìm thấy việc này."))
    pilot_model = pilot_model_of_task(task)
    if pilot_model is None or not can_see(
        actor,
        lead_agency_id=pilot_model.lead_agency_id,
        coordinating_ids=pilot_model.coordinating_agencies.values_list("pk", flat=True),
    ):
        raise NotFound(_("Không tìm thấy việc này."))
    return task


def _busy() -> Conflict:
    return Conflict(_("Việc này đang được người khác xử lý; hãy thử lại."))


def _locked(task: Task) -> Any:
    return task.flow_task.flow_class.lock(task.process_id)


def task_claim(*, task_id: Any, actor: Any) -> Task:
    """Take a queued task: it then shows as the actor's own, and colleagues see who holds it."""
    task = _task_for(actor, task_id)
    try:
        with transaction.atomic(), _locked(task):
            task.refresh_from_db()
            if task.status != STATUS.NEW or task.owner_id is not None:
                raise Conflict(
                    _("Việc này đã có người nhận hoặc đã được xử lý; hãy tải lại trang.")
                )
            task.flow_task.activation_class(task).assign(actor)
    except FlowLockFailed:
        raise _busy() from None
    except DatabaseError as error:
        if is_lock_error(error):
            raise _busy() from None
        raise
    return task


def task_unclaim(*, task_id: Any, actor: Any) -> Task:
    """Give a claimed task back to the queue; only whoever holds it may."""
    task = _task_for(actor, task_id)
    try:
        with transaction.atomic(), _locked(task):
            task.refresh_from_db()
            if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk:
                raise Conflict(
                    _("Bạn không còn giữ việc này (đã được xử lý hoặc trả lại); hãy tải lại trang.")
                )
            task.flow_task.activation_class(task).unassign()
    except FlowLockFailed:
        raise _busy() from None
    except DatabaseError as error:
        if is_lock_error(error):
            raise _busy() from None
        raise
    return task
