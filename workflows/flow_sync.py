"""Keep each pilot model's viewflow processes in step with its state.

The service decides; this module then completes the matching open task so
the flow's gateways route on the saved outcome, and checks that the open
tasks are exactly what the state and pending step imply (``routing``).
Any mismatch raises, and the whole action rolls back with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.module_loading import import_string
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.backends import agency_permission
from approvals.models import Outcome

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


def complete(process: Any, nodes: Collection[str], actor: Any) -> None:
    """Complete the single open task among ``nodes`` on behalf of ``actor``."""
    tasks = [t for t in open_tasks(process) if t.flow_task.name in nodes]
    if len(tasks) != 1:
        raise OutOfStep(f"expected one open task of {sorted(nodes)}, found {len(tasks)}")
    task = tasks[0]
    activation = task.flow_task.activation_class(task)
    # The service has already checked role and agency: assignment here only
    # records who acted (viewflow's assign does not check permission).
    if task.status == STATUS.NEW:
        activation.assign(actor)
    elif task.status == STATUS.ASSIGNED and task.owner_id != actor.pk:
        activation.reassign(user=actor)
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


def assert_in_step(pilot_model: PilotModel) -> None:
    """The open tasks of the main process and of every extra round are what the state implies.

    One read covers the open tasks of all the model's processes, named by
    id (the main one, and the rounds' through a subquery on this model's
    requests), so it uses the task table's process index at any size.
    """
    process = pilot_model.process
    if process is None:
        raise OutOfStep(f"model {pilot_model.number} has no process")
    process.refresh_from_db()
    pending = (
        pilot_model.steps.filter(outcome=Outcome.PENDING).select_related("funding_request").first()
    )
    pending_kind = pending.kind if pending else None
    expected = routing.names(routing.expected_main_nodes(pilot_model, pending_kind))
    round_processes = FundingRequest.objects.filter(
        pilot_model=pilot_model, process__isnull=False
    ).values("process_id")
    tasks = list(
        Task.objects.filter(
            Q(process_id=process.pk) | Q(process_id__in=round_processes), status__in=OPEN_TASK
        )
        .select_related("process__funding_request")
        .order_by("id")
    )
    actual = _names(t for t in tasks if t.process_id == process.pk)
    if actual != expected:
        raise OutOfStep(f"model {pilot_model.number}: open tasks {actual}, expected {expected}")
    wanted_status = {
        State.COMPLETED: PROCESS.DONE,
        State.CANCELLED: PROCESS.CANCELED,
    }.get(pilot_model.state, PROCESS.NEW)
    if process.status != wanted_status:
        raise OutOfStep(
            f"model {pilot_model.number}: process {process.status}, expected {wanted_status}"
        )
    # Additional funding rounds: only the pending one may have an open task, and it must.
    by_round: dict[int, tuple[FundingRequest, list[Task]]] = {}
    for task in tasks:
        if task.process_id != process.pk:
            request = task.process.funding_request
            by_round.setdefault(request.pk, (request, []))[1].append(task)
    pending_request = getattr(pending, "funding_request", None) if pending is not None else None
    if pending_request is not None and pending_request.process_id is not None:
        by_round.setdefault(pending_request.pk, (pending_request, []))
    round_expected = routing.names(routing.expected_round_nodes(pilot_model.state, pending_kind))
    for request, round_tasks in by_round.values():
        round_open = _names(round_tasks)
        should_be_open = pending is not None and request.step_id == pending.pk
        if round_open != (round_expected if should_be_open else []):
            raise OutOfStep(
                f"model {pilot_model.number} round {request.round}: open tasks {round_open}"
            )
