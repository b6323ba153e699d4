"""The viewflow flows: routing only.

The services are the only thing that completes a task (VIEWFLOW.md).  A
task's page is a small decision form that calls the service; the gateways
below read outcomes the service already saved.  viewflow's own cancel, undo
and revive views bypass the services, so every node here switches them off.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process

from approvals.backends import agency_permission, role_permission
from approvals.models import Outcome, StepKind
from approvals.roles import Role

from .states import State
from .task_views import DecisionView
from .task_wrappers import decision_view_path

# Wait in the database for the process row, once; a timeout is a conflict.
# The default select_for_update_lock (nowait=True) retries inside our own
# atomic block and ends in "current transaction is aborted" on PostgreSQL.
PROCESS_LOCK = lock.SelectForUpdateLock(nowait=False, attempts=1)


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


class Decision(_NoBypass, flow.View):  # type: ignore[misc]
    """A human step whose page offers this node's actions and calls the services."""

    def __init__(self, *actions: str, **kwargs: Any) -> None:
        super().__init__(DecisionView.as_view(), **kwargs)
        self.actions = actions

    @property
    def view_path(self) -> Any:
        return decision_view_path(self)


def _pilot_model(activation: Any) -> Any:
    return activation.process.pilot_model


def _agency_of_model(activation: Any) -> str:
    return agency_permission(_pilot_model(activation).lead_agency_id)


def _agency_of_round(activation: Any) -> str:
    return agency_permission(activation.process.funding_request.pilot_model.lead_agency_id)


def _last_outcome(activation: Any, kind: str) -> str | None:
    step = _pilot_model(activation).last_step_of(kind)
    return step.outcome if step else None


class PilotFlow(flow.Flow):  # type: ignore[misc]
    """One process per pilot model, from registration to sign-off."""

    process_class = Process
    lock_impl = PROCESS_LOCK
    process_title = _("Mô hình điểm Đề án 06")

    start = StartHandle(this.start_process).Next(this.registration_review)

    registration_review = (
        Decision("approve_registration", "return_registration")
        .Annotation(title=_("Thẩm định đăng ký"))
        .Permission(role_permission(Role.POLICE))
        .Next(this.registration_decided)
    )
    registration_decided = (
        If(lambda act: _last_outcome(act, StepKind.REGISTRATION_REVIEW) == Outcome.APPROVED)
        .Then(this.plan)
        .Else(this.resubmit_registration)
    )
    resubmit_registration = (
        Decision("resubmit_registration")
        .Annotation(title=_("Hoàn thiện, gửi lại hồ sơ đăng ký"))
        .Permission(_agency_of_model)
        .Next(this.registration_review)
    )
    plan = (
        Decision("request_funding", "start_deployment")
        .Annotation(title=_("Đề xuất kinh phí hoặc triển khai"))
        .Permission(_agency_of_model)
        .Next(this.plan_decided)
    )
    plan_decided = (
        Switch()
        .Case(this.funding_appraisal, lambda act: _pilot_model(act).state == State.FUNDING_REQUESTED)
        .Case(this.deploy, lambda act: _pilot_model(act).state == State.DEPLOYING)
    )
    funding_appraisal = (
        Decision("approve_funding", "return_funding", "reject_funding")
        .Annotation(title=_("Thẩm định kinh phí"))
        .Permission(role_permission(Role.FINANCE))
        .Next(this.funding_decided)
    )
    funding_decided = (
        If(lambda act: _pilot_model(act).state == State.FINANCED)
        .Then(this.start_deployment)
        .Else(this.plan)
    )
    start_deployment = (
        Decision("start_deployment")
        .Annotation(title=_("Bắt đầu triển khai"))
        .Permission(_agency_of_model)
        .Next(this.deploy)
    )
    deploy = (
        Decision("submit_completion")
        .Annotation(title=_("Triển khai và báo cáo hoàn thành"))
        .Permission(_agency_of_model)
        .Next(this.completion_verification)
    )
    completion_verification = (
        Decision("verify_completion", "return_completion")
        .Annotation(title=_("Xác minh kết quả"))
        .Permission(role_permission(Role.POLICE))
        .Next(this.verification_decided)
    )
    verification_decided = (
        If(lambda act: _last_outcome(act, StepKind.COMPLETION_VERIFICATION) == Outcome.APPROVED)
        .Then(this.signoff)
        .Else(this.deploy)
    )
    signoff = (
        Decision("sign_off", "return_signoff")
        .Annotation(title=_("Lãnh đạo ký duyệt"))
        .Permission(role_permission(Role.LEADER))
        .Next(this.signoff_decided)
    )
    signoff_decided = (
        If(lambda act: _pilot_model(act).state == State.COMPLETED).Then(this.end).Else(this.deploy)
    )
    end = End()

    def start_process(self, activation: Any, pilot_model: Any) -> Any:
        # Save the process first: the first task's permission callable needs
        # the link, and StartHandle would otherwise save it only in execute().
        activation.process.save()
        pilot_model.process = activation.process
        pilot_model.save(update_fields=["process"])
        return activation.process


class FundingRoundFlow(flow.Flow):  # type: ignore[misc]
    """An additional funding round while the model is financed or deploying.

    It runs beside the main process and leaves it untouched.
    """

    process_class = Process
    lock_impl = PROCESS_LOCK
    process_title = _("Đợt kinh phí bổ sung")

    start = StartHandle(this.start_process).Next(this.funding_appraisal)
    funding_appraisal = (
        Decision("approve_funding", "return_funding", "reject_funding")
        .Annotation(title=_("Thẩm định kinh phí bổ sung"))
        .Permission(role_permission(Role.FINANCE))
        .Next(this.end)
    )
    end = End()

    def start_process(self, activation: Any, funding_request: Any) -> Any:
        activation.process.save()
        funding_request.process = activation.process
        funding_request.save(update_fields=["process"])
        return activation.process


AGENCY_NODES = {"resubmit_registration", "plan", "start_deployment", "deploy"}
