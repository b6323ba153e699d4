"""The viewflow flows: routing only.

The services are the only thing that completes a task (VIEWFLOW.md).  A
task's page is a small decision form that calls the service; the gateways
below read outcomes the service already saved.  viewflow's own cancel, undo
and revive views bypass the services, so every node here switches them off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process

from approvals.backends import agency_permission, role_permission
from approvals.models import Outcome, StepKind
from approvals.roles import Role

from .states import State
from .task_wrappers import decision_view_path

# Named by path: the page sits above the services, which sit above the flows.
DECISION_VIEW = "workflows.task_views.DecisionView"


class ProcessLock(lock.SelectForUpdateLock):  # type: ignore[misc]
    """Wait in the database for the process row, once; a timeout is a conflict.

    The default select_for_update_lock (nowait=True) retries inside our own
    atomic block and ends in "current transaction is aborted" on PostgreSQL.
    A database without row locks (SQLite) takes its one write lock at BEGIN
    IMMEDIATE, which already serialises every writer: no query is sent.
    viewflow's own lock would add a savepoint and, on SQLite, a useless read.
    """

    @contextmanager
    def __call__(self, flow_class: Any, process_pk: Any) -> Iterator[None]:
        # No savepoint of its own: a failure inside fails the caller's whole
        # transaction anyway (the services and viewflow's task views alike).
        with transaction.atomic(savepoint=False):
            if connection.features.has_select_for_update:
                try:
                    Process.objects.filter(pk=process_pk).select_for_update(
                        nowait=self.nowait
                    ).exists()
                except DatabaseError:
                    raise FlowLockFailed(f"Lock failed for {flow_class}") from None
            yield


PROCESS_LOCK = ProcessLock(nowait=False, attempts=1)


class _NoBypass:
    """Mixin: a node mounts no view of viewflow's own but its task page.

    Cancel, undo and revive would change a process without the services;
    viewflow's task index, detail, assign and unassign pages check less than
    the model's visibility.  The pages have their own inbox and claim views.
    """

    cancel_view_class = None
    undo_view_class = None
    revive_view_class = None
    index_view_class = None
    detail_view_class = None
    assign_view_class = None
    unassign_view_class = None


class StartHandle(_NoBypass, flow.StartHandle):  # type: ignore[misc]
    pass


class End(_NoBypass, flow.End):  # type: ignore[misc]
    pass


class If(_NoBypass, flow.If):  # type: ignore[misc]
    pass


class Switch(_NoBypass, flow.Switch):  # type: ignore[misc]
    pass


@cache
def _decision_view() -> Any:
    return import_string(DECISION_VIEW).as_view()


class Decision(_NoBypass, flow.View):  # type: ignore[misc]
    """A human step whose page offers the actions declared for this node and calls the services."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(None, **kwargs)

    @property
    def view(self) -> Any:
        return _decision_view()

    @property
    def view_path(self) -> Any:
        return decision_view_path(self)


def _pilot_model(activation: Any) -> Any:
    return activation.process.pilot_model


def _agency_of_model(activation: Any) -> str:
    return agency_permission(_pilot_model(activation).lead_agency_id)


def _last_outcome(activation: Any, kind: str) -> str | None:
    step = _pilot_model(activation).last_step_of(kind)
    return step.outcome if step else None


def make_flow(
    name: str, base: type, nodes: dict[str, Any], *, doc: str, module: str = __name__
) -> Any:
    """A flow class with these nodes.

    viewflow links a flow's nodes to each other when its class is made, so a
    subclass would inherit its parent's linked nodes and route into the
    parent.  A flow that adds a node (docs/extending.md) is therefore made
    from fresh nodes: ``main_nodes()`` with its own added or replaced.
    """
    return type(
        name, (base,), {"__module__": module, "__qualname__": name, "__doc__": doc, **nodes}
    )


class MainFlowBase(flow.Flow):  # type: ignore[misc]
    """What every main flow shares: the process, its lock, and how it starts."""

    process_class = Process
    lock_impl = PROCESS_LOCK
    process_title = _("Mô hình điểm Đề án 06")

    def start_process(self, activation: Any, pilot_model: Any) -> Any:
        # Save the process first: the first task's permission callable needs
        # the link, and StartHandle would otherwise save it only in execute().
        activation.process.save()
        pilot_model.process = activation.process
        pilot_model.save(update_fields=["process"])
        return activation.process


def main_nodes() -> dict[str, Any]:
    """The main flow, as a diagram: one process per pilot model, from registration to sign-off."""
    return {
        "start": StartHandle(this.start_process).Next(this.registration_review),
        "registration_review": (
            Decision()
            .Annotation(title=_("Thẩm định đăng ký"))
            .Permission(role_permission(Role.POLICE))
            .Next(this.registration_decided)
        ),
        "registration_decided": (
            If(lambda act: _last_outcome(act, StepKind.REGISTRATION_REVIEW) == Outcome.APPROVED)
            .Then(this.plan)
            .Else(this.resubmit_registration)
        ),
        "resubmit_registration": (
            Decision()
            .Annotation(title=_("Hoàn thiện, gửi lại hồ sơ đăng ký"))
            .Permission(_agency_of_model)
            .Next(this.registration_review)
        ),
        "plan": (
            Decision()
            .Annotation(title=_("Đề xuất kinh phí hoặc triển khai"))
            .Permission(_agency_of_model)
            .Next(this.plan_decided)
        ),
        "plan_decided": (
            Switch()
            .Case(
                this.funding_appraisal,
                lambda act: _pilot_model(act).state == State.FUNDING_REQUESTED,
            )
            .Case(this.deploy, lambda act: _pilot_model(act).state == State.DEPLOYING)
        ),
        "funding_appraisal": (
            Decision()
            .Annotation(title=_("Thẩm định kinh phí"))
            .Permission(role_permission(Role.FINANCE))
            .Next(this.funding_decided)
        ),
        "funding_decided": (
            If(lambda act: _pilot_model(act).state == State.FINANCED)
            .Then(this.start_deployment)
            .Else(this.plan)
        ),
        "start_deployment": (
            Decision()
            .Annotation(title=_("Bắt đầu triển khai"))
            .Permission(_agency_of_model)
            .Next(this.deploy)
        ),
        "deploy": (
            Decision()
            .Annotation(title=_("Triển khai và báo cáo hoàn thành"))
            .Permission(_agency_of_model)
            .Next(this.completion_verification)
        ),
        "completion_verification": (
            Decision()
            .Annotation(title=_("Xác minh kết quả"))
            .Permission(role_permission(Role.POLICE))
            .Next(this.verification_decided)
        ),
        "verification_decided": (
            If(lambda act: _last_outcome(act, StepKind.COMPLETION_VERIFICATION) == Outcome.APPROVED)
            .Then(this.signoff)
            .Else(this.deploy)
        ),
        "signoff": (
            Decision()
            .Annotation(title=_("Lãnh đạo ký duyệt"))
            .Permission(role_permission(Role.LEADER))
            .Next(this.signoff_decided)
        ),
        "signoff_decided": (
            If(lambda act: _pilot_model(act).state == State.COMPLETED)
            .Then(this.end)
            .Else(this.deploy)
        ),
        "end": End(),
    }


PilotFlow = make_flow(
    "PilotFlow",
    MainFlowBase,
    main_nodes(),
    doc="One process per pilot model, from registration to sign-off.",
)


class RoundFlowBase(flow.Flow):  # type: ignore[misc]
    """What every additional-round flow shares: it runs beside the main process and leaves it untouched."""

    process_class = Process
    lock_impl = PROCESS_LOCK
    process_title = _("Đợt kinh phí bổ sung")

    def start_process(self, activation: Any, funding_request: Any) -> Any:
        activation.process.save()
        funding_request.process = activation.process
        funding_request.save(update_fields=["process"])
        return activation.process


def round_nodes() -> dict[str, Any]:
    """An additional funding round while the model is financed or deploying."""
    return {
        "start": StartHandle(this.start_process).Next(this.funding_appraisal),
        "funding_appraisal": (
            Decision()
            .Annotation(title=_("Thẩm định kinh phí bổ sung"))
            .Permission(role_permission(Role.FINANCE))
            .Next(this.end)
        ),
        "end": End(),
    }


FundingRoundFlow = make_flow(
    "FundingRoundFlow",
    RoundFlowBase,
    round_nodes(),
    doc="An additional funding round while financed or deploying.",
)
