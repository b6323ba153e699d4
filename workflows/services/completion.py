"""Completion: the agency reports, the police verify, the leadership signs off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from approvals.events import Event
from approvals.models import ApprovalStep, Outcome, StepKind
from approvals.roles import Role

from .. import evidence
from ..inputs import CommentForm, RequiredCommentForm, SubmitCompletionForm
from ..models import Blocker, CompletionReport, EvidenceFile, PilotModel
from ..states import Action, State
from .base import ActionSpec, Context, decide_pending, expect, notify_next, perform, register_action
from .deployment import apply_achieved


def _report(ctx: Context) -> CompletionReport | None:
    """This round's completion report: the latest one.

    A page that prefetched ``completion_reports`` (with their steps) is
    answered from that, so listing sign-off tasks costs no query per row.
    """
    cache = getattr(ctx.pilot_model, "_prefetched_objects_cache", None)
    if cache and "completion_reports" in cache:
        reports: list[CompletionReport] = list(cache["completion_reports"])
        return max(reports, key=lambda r: (r.submitted_at, r.pk), default=None)
    return (
        ctx.pilot_model.completion_reports.select_related("verification_step", "signoff_step")
        .order_by("-submitted_at", "-id")
        .first()
    )


def _decide(ctx: Context, outcome: str, comment: str) -> None:
    decide_pending(ctx, outcome, comment)
    notify_next(ctx)


@register_action
class SubmitCompletion(ActionSpec):
    name = Action.SUBMIT_COMPLETION
    roles = (Role.OFFICER,)
    event = Event.COMPLETION_SUBMITTED
    form_class = SubmitCompletionForm
    node = "deploy"
    # Checked from the uploaded copies before the locks: ``data["accepted_files"]``.
    accepts_files = True

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=None)

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        achieved = apply_achieved(pm, data["deliverables"], field="deliverables", require_all=True)
        step = ApprovalStep.objects.create(
            pilot_model=pm, kind=StepKind.COMPLETION_VERIFICATION, submitted_by=ctx.actor, submitted_at=ctx.now
        )
        report = CompletionReport.objects.create(
            pilot_model=pm,
            summary=data["summary"],
            achieved=achieved,
            submitted_by=ctx.actor,
            submitted_at=ctx.now,
            verification_step=step,
        )
        stored = evidence.store(data["accepted_files"])
        # Written before the commit; if the action rolls back they go too.
        ctx.on_rollback.append(lambda: evidence.discard(stored))
        EvidenceFile.objects.bulk_create(
            EvidenceFile(report=report, **item.__dict__) for item in stored
        )
        notify_next(ctx)
        return {
            "summary": data["summary"],
            "deliverables": achieved,
            "evidence": [{"name": item.original_name, "sha256": item.sha256, "size": item.size} for item in stored],
        }


@register_action
class VerifyCompletion(ActionSpec):
    name = Action.VERIFY_COMPLETION
    roles = (Role.POLICE,)
    event = Event.COMPLETION_VERIFIED
    form_class: type[forms.Form] = CommentForm
    node = "completion_verification"

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=StepKind.COMPLETION_VERIFICATION)

    def separation(self, ctx: Context) -> str | None:
        if ctx.pending is not None and ctx.pending.submitted_by_id == ctx.actor.pk:
            return _("Không được tự xác minh báo cáo do chính mình gửi.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        report = _report(ctx)
        assert report is not None
        _decide(ctx, Outcome.APPROVED, data.get("comment", ""))
        report.signoff_step = ApprovalStep.objects.create(
            pilot_model=ctx.pilot_model,
            kind=StepKind.COMPLETION_SIGNOFF,
            submitted_by=report.submitted_by,
            submitted_at=ctx.now,
        )
        report.save(update_fields=["signoff_step"])
        return {"comment": data.get("comment", ""), "report": report.pk}


@register_action
class ReturnCompletion(VerifyCompletion):
    name = Action.RETURN_COMPLETION
    event = Event.COMPLETION_RETURNED
    form_class = RequiredCommentForm

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        _decide(ctx, Outcome.RETURNED, data["comment"])
        report = _report(ctx)
        return {"comment": data["comment"], "report": report.pk if report else None}


@register_action
class SignOff(ActionSpec):
    name = Action.SIGN_OFF
    roles = (Role.LEADER,)
    event = Event.COMPLETION_SIGNED_OFF
    form_class: type[forms.Form] = CommentForm
    node = "signoff"

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=StepKind.COMPLETION_SIGNOFF)

    def separation(self, ctx: Context) -> str | None:
        report = _report(ctx)
        if report is None:
            return None
        if report.submitted_by_id == ctx.actor.pk:
            return _("Người gửi báo cáo hoàn thành không được ký duyệt.")
        if report.verification_step.decided_by_id == ctx.actor.pk:
            return _("Người đã xác minh báo cáo không được đồng thời ký duyệt.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        _decide(ctx, Outcome.APPROVED, data.get("comment", ""))
        ctx.pilot_model.complete(at=ctx.now)
        closed = Blocker.objects.filter(pilot_model=ctx.pilot_model, cleared_at__isnull=True).update(
            cleared_by=ctx.actor, cleared_at=ctx.now, clear_comment=_("Đã hoàn thành")
        )
        return {"comment": data.get("comment", ""), "blockers_closed": closed}


@register_action
class ReturnSignoff(SignOff):
    name = Action.RETURN_SIGNOFF
    event = Event.SIGNOFF_RETURNED
    form_class = RequiredCommentForm

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        _decide(ctx, Outcome.RETURNED, data["comment"])
        return {"comment": data["comment"]}


def completion_submit(
    *, pilot_model: PilotModel, actor: Any, deliverables: list[dict[str, Any]], summary: str, files: list[Any] | None = None, **extra: Any
) -> PilotModel:
    return perform(
        Action.SUBMIT_COMPLETION,
        pilot_model_id=pilot_model.pk,
        actor=actor,
        data={"deliverables": deliverables, "summary": summary, **extra},
        files=files or [],
    )


def completion_verify(*, pilot_model: PilotModel, actor: Any, comment: str = "", **extra: Any) -> PilotModel:
    return perform(Action.VERIFY_COMPLETION, pilot_model_id=pilot_model.pk, actor=actor, data={"comment": comment, **extra})


def completion_return(*, pilot_model: PilotModel, actor: Any, comment: str, **extra: Any) -> PilotModel:
    return perform(Action.RETURN_COMPLETION, pilot_model_id=pilot_model.pk, actor=actor, data={"comment": comment, **extra})


def completion_sign_off(*, pilot_model: PilotModel, actor: Any, comment: str = "", **extra: Any) -> PilotModel:
    return perform(Action.SIGN_OFF, pilot_model_id=pilot_model.pk, actor=actor, data={"comment": comment, **extra})


def signoff_return(*, pilot_model: PilotModel, actor: Any, comment: str, **extra: Any) -> PilotModel:
    return perform(Action.RETURN_SIGNOFF, pilot_model_id=pilot_model.pk, actor=actor, data={"comment": comment, **extra})
