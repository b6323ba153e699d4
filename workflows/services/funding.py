"""Funding: the agency requests, Sở Tài chính appraises (approve, return, reject).

The first round moves the model registered → funding_requested → financed.
An additional round, while financed or deploying, leaves the state alone and
runs as a small flow of its own beside the main process.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from approvals.exceptions import Invalid
from approvals.models import Outcome, StepKind
from approvals.roles import Role

from .. import flow_sync
from ..action_inputs import ApproveFundingForm, RequestFundingForm, RequiredCommentForm
from ..actions import (
    ActionSpec,
    Audience,
    Button,
    Context,
    decide_pending,
    expect,
    open_step,
    register_action,
)
from ..models import Blocker, FundingLine, FundingRequest
from ..routing import Node
from ..states import Action, BlockerReason, State


def _current_request(ctx: Context) -> FundingRequest:
    """The round under appraisal, read once per action (validate and execute both ask)."""
    assert ctx.pending is not None
    request: FundingRequest | None = ctx.carry.get("current_request")
    if request is None:
        # Read with the pending step under the model lock (``_run_locked``);
        # raises FundingRequest.DoesNotExist as a lookup by step would.
        request = ctx.pending.funding_request
        request.step = ctx.pending
        ctx.carry["current_request"] = request
    return request


def _first_round(ctx: Context) -> bool:
    return bool(ctx.pilot_model.state == State.FUNDING_REQUESTED)


@register_action
class RequestFunding(ActionSpec):
    name = Action.REQUEST_FUNDING
    label = gettext_lazy("Đề xuất kinh phí")
    roles = (Role.OFFICER,)
    situation = (
        "(registered, —) with the registration approved → (funding_requested, funding_appraisal); "
        "from (financed or deploying, —) an additional round opens funding_appraisal and keeps the state."
    )
    event = Event.FUNDING_REQUESTED
    form_class = RequestFundingForm
    button = Button.PRIMARY
    nodes = (Node.PLAN,)
    tells = (Audience.NEXT_ACTOR,)

    def conflict(self, ctx: Context) -> str | None:
        pm = ctx.pilot_model
        if not pm.needs_funding:
            return _("Mô hình không cần kinh phí nên không đề xuất được.")
        message = expect(
            ctx, states=[State.REGISTERED, State.FINANCED, State.DEPLOYING], pending=None
        )
        if message:
            return message
        if pm.state == State.REGISTERED and not pm.registration_approved:
            return _("Hồ sơ đăng ký chưa được Công an tỉnh chấp thuận.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        step = open_step(ctx, StepKind.FUNDING_APPRAISAL)
        last_round = pm.funding_requests.aggregate(n=Max("round"))["n"] or 0
        request = FundingRequest.objects.create(
            pilot_model=pm,
            round=last_round + 1,
            step=step,
            amount=data["amount"],
            funding_source=data["funding_source"],
            spending_kind=data["spending_kind"],
            budget_year=data["budget_year"],
            justification=data["justification"],
        )
        FundingLine.objects.bulk_create(
            FundingLine(request=request, item=line["item"], amount=line["amount"])
            for line in data["lines"]
        )
        ctx.carry["extra_round"] = pm.state != State.REGISTERED
        ctx.carry["request"] = request
        if not ctx.carry["extra_round"]:
            pm.submit_funding_request()
        return {
            "round": request.round,
            "amount": request.amount,
            "funding_source": request.funding_source,
            "spending_kind": request.spending_kind,
            "budget_year": request.budget_year,
            "lines": [{"item": line["item"], "amount": line["amount"]} for line in data["lines"]],
            "justification": request.justification,
        }

    def advance(self, ctx: Context) -> None:
        if ctx.carry["extra_round"]:
            flow_sync.start_round_process(ctx.carry["request"])
        else:
            super().advance(ctx)


class _Appraisal(ActionSpec):
    roles = (Role.FINANCE,)
    nodes = (Node.FUNDING_APPRAISAL,)
    tells = (Audience.SUBMITTER, Audience.NEXT_ACTOR)
    outcome: str

    def conflict(self, ctx: Context) -> str | None:
        return expect(
            ctx,
            states=[State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING],
            pending=StepKind.FUNDING_APPRAISAL,
        )

    def separation(self, ctx: Context) -> str | None:
        if ctx.pending is not None and ctx.pending.submitted_by_id == ctx.actor.pk:
            return _("Không được tự thẩm định đề xuất kinh phí do chính mình gửi.")
        return None

    def decide(self, ctx: Context, comment: str) -> FundingRequest:
        request = _current_request(ctx)
        decide_pending(ctx, self.outcome, comment)
        return request


@register_action
class ApproveFunding(_Appraisal):
    name = Action.APPROVE_FUNDING
    label = gettext_lazy("Phê duyệt kinh phí")
    situation = (
        "(funding_requested, funding_appraisal) → (financed, —); in an additional round the state stays. "
        "Not on a request you submitted."
    )
    event = Event.FUNDING_APPROVED
    form_class = ApproveFundingForm
    button = Button.PRIMARY
    outcome = Outcome.APPROVED

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        request = _current_request(ctx)
        if data["approved_amount"] > request.amount:
            raise Invalid(
                {
                    "approved_amount": [
                        _("Số tiền phê duyệt không được vượt số đề xuất (%(amount)s đ).")
                        % {"amount": f"{request.amount:,}".replace(",", ".")}
                    ]
                }
            )

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        request = self.decide(ctx, data.get("comment", ""))
        appraisal = data.get("it_appraisal") or {}
        request.approved_amount = data["approved_amount"]
        request.decision_number = data["decision_number"]
        request.decision_date = data["decision_date"]
        request.it_appraisal_number = appraisal.get("number", "")
        request.it_appraisal_date = appraisal.get("date")
        request.save()
        if _first_round(ctx):
            ctx.pilot_model.finance()
        if ctx.blocked is not False:
            Blocker.objects.filter(
                pilot_model=ctx.pilot_model,
                reason=BlockerReason.NO_FUNDING,
                cleared_at__isnull=True,
            ).update(
                cleared_by=ctx.actor, cleared_at=ctx.now, clear_comment=data["decision_number"]
            )
        return {
            "round": request.round,
            "approved_amount": request.approved_amount,
            "decision_number": request.decision_number,
            "decision_date": request.decision_date,
            "it_appraisal": appraisal or None,
            "comment": data.get("comment", ""),
        }


@register_action
class ReturnFunding(_Appraisal):
    name = Action.RETURN_FUNDING
    label = gettext_lazy("Trả lại đề xuất kinh phí")
    situation = (
        "(funding_requested, funding_appraisal) → (registered, —); the agency may request again."
    )
    event = Event.FUNDING_RETURNED
    form_class = RequiredCommentForm
    button = Button.RETURN
    outcome = Outcome.RETURNED

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        request = self.decide(ctx, data["comment"])
        if _first_round(ctx):
            ctx.pilot_model.unfund()
        return {"round": request.round, "comment": data["comment"]}


@register_action
class RejectFunding(_Appraisal):
    name = Action.REJECT_FUNDING
    label = gettext_lazy("Từ chối đề xuất kinh phí")
    situation = "As return_funding, and opens a no_funding blocker."
    event = Event.FUNDING_REJECTED
    form_class = RequiredCommentForm
    button = Button.RETURN
    outcome = Outcome.REJECTED

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        request = self.decide(ctx, data["comment"])
        if _first_round(ctx):
            ctx.pilot_model.unfund()
        opened = (
            ctx.blocked is False
            or not Blocker.objects.filter(
                pilot_model=ctx.pilot_model,
                reason=BlockerReason.NO_FUNDING,
                cleared_at__isnull=True,
            ).exists()
        )
        if opened:
            Blocker.objects.create(
                pilot_model=ctx.pilot_model,
                reason=BlockerReason.NO_FUNDING,
                note=data["comment"],
                set_by=ctx.actor,
                set_at=ctx.now,
            )
        return {"round": request.round, "comment": data["comment"], "blocker_opened": opened}
