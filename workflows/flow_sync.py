"""Keep each pilot model's viewflow processes in step with its state.

The service decides; this module then completes the matching open task so
the flow's gateways route on the saved outcome, and checks that the open
tasks are exactly what the state and pending step imply (``routing``).
Any mismatch raises, and the whole action rolls back with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.utils.module_loading import import_string
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.backends import agency_permission
from approvals.models import ApprovalStep, Outcome

from . import routing
from .models import FundingRequest, PilotModel
from .routing import OPEN_TASK
from .states import State


class OutOfStep(RuntimeError):
    """The flow disagrees with the state machine: a bug, never a user error."""


def main_flow() -> Any:
    """The flow every model runs; a deployment may name a subclass that adds a node."""
    return import_string(settings.PILOT06_MAIN_FLOW)


def round_flow() -> Any:
    """The flow of an additional funding round."""
    return import_string(settings.PILOT06_ROUND_FLOW)


def open_tasks(process: Any) -> list[Task]:
    tasks = list(Task.objects.filter(process=process, status__in=OPEN_TASK).order_by("id"))
    for task in tasks:
        # Share the caller's process: an activation and the gateways after it
        # would otherwise load it (and its pilot model) again, one query each.
        task.process = process
    return tasks


def start_main_process(pilot_model: PilotModel) -> None:
    main_flow().start.run(pilot_model=pilot_model)


def start_round_process(funding_request: FundingRequest) -> None:
    round_flow().start.run(funding_request=funding_request)


def complete(
    process: Any, nodes: Collection[str], actor: Any, *, tasks: Iterable[Task] | None = None
) -> None:
    """Complete the single open task among ``nodes`` on behalf of ``actor``.

    ``tasks``: the open tasks to choose from; by default those an action's
    ``recording`` holds (read once under the lock), else the process's, read here.
    """
    writes = _WRITES.get()
    if tasks is None:
        tasks = writes.open_tasks() if writes is not None else open_tasks(process)
    found = [t for t in tasks if t.process_id == process.pk and t.flow_task.name in nodes]
    if len(found) != 1:
        raise OutOfStep(f"expected one open task of {sorted(nodes)}, found {len(found)}")
    task = found[0]
    # The service has already checked role and agency: assignment here only
    # records who acted (viewflow's assign does not check permission).  It
    # is viewflow's assign without its save: execute() writes the task once.
    if task.status == STATUS.NEW or (task.status == STATUS.ASSIGNED and task.owner_id != actor.pk):
        task.owner = actor
        task.status = STATUS.ASSIGNED
    activation = task.flow_task.activation_class(task)
    if task.status != STATUS.STARTED:
        activation.start(None)
    activation.execute()


def cancel(process: Any) -> None:
    flow_class = process.flow_class
    if process.status in (PROCESS.CANCELED, PROCESS.DONE):
        return
    flow_class.instance.cancel(process)


def rescope_agency_tasks(pilot_model: PilotModel) -> None:
    """After a reassignment the agency's open tasks belong to the new lead agency."""
    if pilot_model.process is None:
        return
    permission = agency_permission(pilot_model.lead_agency_id)
    officers = set(
        get_user_model()
        .objects.filter(official__agency_id=pilot_model.lead_agency_id)
        .values_list("pk", flat=True)
    )
    for task in open_tasks(pilot_model.process):
        if task.flow_task.name not in routing.AGENCY_NODES:
            continue
        task.owner_permission = permission
        if task.owner_id is not None and task.owner_id not in officers:
            task.owner = None
            task.status = STATUS.NEW
        task.save(update_fields=["owner_permission", "owner", "status"])


def expected_main_nodes(pilot_model: PilotModel) -> set[str]:
    """The open tasks of the main process that the state and pending step imply."""
    pending = pilot_model.pending_step
    return routing.expected_main_nodes(pilot_model, pending.kind if pending else None)


def _names(tasks: Iterable[Task]) -> list[str]:
    return sorted(t.flow_task.name for t in tasks)


def model_processes(pilot_model: PilotModel) -> Any:
    """The ids of every process of a model, its main one and its extra rounds', as a subquery.

    ``UNION ALL`` of two indexed lookups rather than ``process = main OR
    process IN (rounds)``: PostgreSQL cannot use an index for that OR and
    hash-joins every open task in the province instead (120–220 ms at
    100,000 models, against 0.3 ms for this form).
    """
    main = Process.objects.filter(pk=pilot_model.process_id).order_by().values("pk")
    rounds = FundingRequest.objects.filter(
        pilot_model_id=pilot_model.pk, process__isnull=False
    ).order_by()
    return main.union(rounds.values("process_id"), all=True)


def model_open_tasks(
    pilot_model: PilotModel, shared: Mapping[int, Any] = MappingProxyType({})
) -> list[Task]:
    """The open tasks of all the model's processes, in one indexed read.

    A task of a process in ``shared`` gets that instance as its process, so
    the activations and gateways that follow read and write one object.
    """
    tasks = list(
        Task.objects.filter(process_id__in=model_processes(pilot_model), status__in=OPEN_TASK)
        .select_related("process__funding_request")
        .order_by("id")
    )
    for task in tasks:
        if task.process_id in shared:
            task.process = shared[task.process_id]
    return tasks


def assert_in_step(pilot_model: PilotModel) -> None:
    """The open tasks of the main process and of every extra round are what the state implies.

    Inside an action's ``recording`` of this model it checks from what was
    read under the lock and what the action wrote (``Writes.assert_in_step``).
    Elsewhere it reads the database: the process, the pending step and the
    open tasks of all the model's processes (``model_open_tasks``, index
    lookups at any size).
    """
    writes = _WRITES.get()
    if writes is not None and writes.pilot_model is pilot_model:
        writes.assert_in_step()
        return
    process = pilot_model.process
    if process is None:
        raise OutOfStep(f"model {pilot_model.number} has no process")
    process.refresh_from_db()
    pending = (
        pilot_model.steps.filter(outcome=Outcome.PENDING).select_related("funding_request").first()
    )
    tasks = model_open_tasks(pilot_model)
    rounds = {t.process_id: t.process.funding_request for t in tasks if t.process_id != process.pk}
    _check(
        pilot_model, pending, process.status, tasks, rounds, _pending_request(pilot_model, pending)
    )


def _pending_request(pilot_model: PilotModel, pending: Any) -> FundingRequest | None:
    """The funding request of a pending round step (already loaded with the step), else None."""
    if pending is None or not routing.is_round_step(pilot_model.state, pending.kind):
        return None
    return getattr(pending, "funding_request", None)


def _check(
    pilot_model: PilotModel,
    pending: Any,
    process_status: str,
    tasks: Iterable[Task],
    rounds: Mapping[int, FundingRequest],
    pending_request: FundingRequest | None,
) -> None:
    """The one rule, whether its facts were read or derived.

    ``tasks`` are the open tasks of all the model's processes; ``rounds``
    names the funding request of each round process among them.  Only the
    pending round may have an open task, and it must.
    """
    process_id = pilot_model.process_id
    pending_kind = pending.kind if pending is not None else None
    expected = routing.names(routing.expected_main_nodes(pilot_model, pending_kind))
    by_process: dict[int, list[Task]] = {}
    for task in tasks:
        by_process.setdefault(task.process_id, []).append(task)
    actual = _names(by_process.pop(process_id, []) if process_id is not None else [])
    if actual != expected:
        raise OutOfStep(f"model {pilot_model.number}: open tasks {actual}, expected {expected}")
    wanted_status = {
        State.COMPLETED: PROCESS.DONE,
        State.CANCELLED: PROCESS.CANCELED,
    }.get(pilot_model.state, PROCESS.NEW)
    if process_status != wanted_status:
        raise OutOfStep(
            f"model {pilot_model.number}: process {process_status}, expected {wanted_status}"
        )
    pending_process = pending_request.process_id if pending_request is not None else None
    if pending_process is not None:
        by_process.setdefault(pending_process, [])
    round_expected = routing.names(routing.expected_round_nodes(pilot_model.state, pending_kind))
    for round_process, round_tasks in by_process.items():
        round_open = _names(round_tasks)
        if round_open != (round_expected if round_process == pending_process else []):
            request = rounds.get(round_process)
            name = request.round if request is not None else f"process {round_process}"
            raise OutOfStep(f"model {pilot_model.number} round {name}: open tasks {round_open}")


class Writes:
    """What one action did to its model's flow and steps, followed while it runs.

    ``services.pipeline`` reads the open tasks once under the lock; every
    task, process, step and funding request the action then saves is seen
    here (``post_save``, only inside ``recording``), so the in-step check
    and the notices need no second read.  viewflow writes tasks and
    processes only through ``save()``.
    """

    def __init__(
        self, pilot_model: PilotModel, tasks: Iterable[Task], pending: ApprovalStep | None
    ) -> None:
        self.pilot_model = pilot_model
        self.tasks: dict[int, Task] = {t.pk: t for t in tasks}
        self.created: list[int] = []
        self.processes: dict[int, Any] = (
            {pilot_model.process_id: pilot_model.process} if pilot_model.process_id else {}
        )
        self.steps: dict[int, ApprovalStep] = {pending.pk: pending} if pending is not None else {}
        self.requests: dict[int, FundingRequest] = {}  # round process id → its request

    def open_tasks(self) -> list[Task]:
        return sorted((t for t in self.tasks.values() if t.status in OPEN_TASK), key=lambda t: t.pk)

    def new_open_tasks(self) -> list[int]:
        """Tasks this action opened and left open: who must act next."""
        return [pk for pk in self.created if self.tasks[pk].status in OPEN_TASK]

    def assert_in_step(self) -> None:
        """``assert_in_step``, from what was read under the lock and what the action wrote."""
        pilot_model = self.pilot_model
        process = self.processes.get(pilot_model.process_id) if pilot_model.process_id else None
        if process is None:
            raise OutOfStep(f"model {pilot_model.number} has no process")
        pending_steps = [s for s in self.steps.values() if s.outcome == Outcome.PENDING]
        if len(pending_steps) > 1:
            raise OutOfStep(f"model {pilot_model.number}: {len(pending_steps)} pending steps")
        pending = pending_steps[0] if pending_steps else None
        _check(
            pilot_model,
            pending,
            process.status,
            self.open_tasks(),
            self.requests,
            _pending_request(pilot_model, pending),
        )


_WRITES: ContextVar[Writes | None] = ContextVar("pilot06_flow_writes", default=None)


@contextmanager
def recording(
    pilot_model: PilotModel, tasks: Iterable[Task], pending: ApprovalStep | None
) -> Iterator[Writes]:
    """Follow what the action inside writes to ``pilot_model``'s flow and steps."""
    writes = Writes(pilot_model, tasks, pending)
    token = _WRITES.set(writes)
    try:
        yield writes
    finally:
        _WRITES.reset(token)


def _task_saved(sender: Any, instance: Task, created: bool, **kwargs: Any) -> None:
    writes = _WRITES.get()
    if writes is not None:
        writes.tasks[instance.pk] = instance
        if created:
            writes.created.append(instance.pk)


def _process_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    writes = _WRITES.get()
    if writes is not None:
        writes.processes[instance.pk] = instance


def _step_saved(sender: Any, instance: ApprovalStep, **kwargs: Any) -> None:
    writes = _WRITES.get()
    if writes is not None and instance.pilot_model_id == writes.pilot_model.pk:
        writes.steps[instance.pk] = instance


def _request_saved(sender: Any, instance: FundingRequest, **kwargs: Any) -> None:
    writes = _WRITES.get()
    if writes is not None and instance.process_id is not None:
        writes.requests[instance.process_id] = instance


post_save.connect(_task_saved, sender=Task, dispatch_uid="pilot06.flow_sync.task")
post_save.connect(_process_saved, sender=Process, dispatch_uid="pilot06.flow_sync.process")
post_save.connect(_step_saved, sender=ApprovalStep, dispatch_uid="pilot06.flow_sync.step")
post_save.connect(_request_saved, sender=FundingRequest, dispatch_uid="pilot06.flow_sync.request")
