"""The peer: the same approval as a plain viewflow task, cookbook style.

Start (from code) → approve (a ``View`` for finance) → End, on viewflow's own
``Process`` and ``Task`` tables, so it needs no migration of its own.  No FSM
guard, no approval step, no audit entry: what viewflow alone costs for one
human decision.  viewflow stores the flow as the string ``bench/peer.PeerFlow``
in each process row, so this module must stay importable under that name.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.models import Process, Task

from approvals.backends import role_permission
from approvals.roles import Role


class PeerFlow(flow.Flow):  # type: ignore[misc]
    """helloworld-shaped: one approval by finance, then the end."""

    process_class = Process
    # The same lock as pilot06's flows, so the comparison is about the work, not the lock.
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)

    start = flow.StartHandle(this.start_process).Next(this.approve)
    approve = (
        flow.View(UpdateProcessView.as_view(fields=["data"]))
        .Permission(role_permission(Role.FINANCE))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, amount: int) -> Any:
        activation.process.data = {"amount": amount}
        activation.process.save()
        return activation.process


def start(amount: int) -> Process:
    process: Process = PeerFlow.start.run(amount=amount)
    return process


def approve(process_pk: int, actor: Any, approved_amount: int) -> None:
    """What viewflow's task view does on POST: lock, claim, start, save the form, execute."""
    with PeerFlow.lock(process_pk), transaction.atomic():
        task = Task.objects.get(
            process_id=process_pk, flow_task=PeerFlow.approve, status__in=["NEW", "ASSIGNED"]
        )
        activation = task.flow_task.activation_class(task)
        if task.status == "NEW":
            activation.assign(actor)
        activation.start(None)
        process = activation.process
        process.data = {**process.data, "approved_amount": approved_amount}
        process.save()
        activation.execute()
