"""Completion: the agency reports, the police verify, the leadership signs off."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from approvals.models import Outcome, StepKind
from approvals.roles import Role

from .. import evidence
from ..action_inputs import CommentForm, RequiredCommentForm, SubmitCompletionForm
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
from ..models import Blocker, CompletionReport, EvidenceFile
from ..routing import Node
from ..states import Action, State
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


@register_action
class SubmitCompletion(ActionSpec):
    name = Action.SUBMIT_COMPLETION
    label = gettext_lazy("Báo cáo hoàn thành")
    roles = (Role.OFFICER,)
    situation = (
        "(deploying, —) → (deploying, completion_verification). "
        "JSON, or multipart with a `data` part (the JSON) and `files` parts."
    )
    event = Event.COMPLETION_SUBMITTED
    form_class = SubmitCompletionForm
    button = Button.PRIMARY
    nodes = (Node.DEPLOY,)
    tells = (Audience.NEXT_ACTOR,)
    takes_files = True

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=None)

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        achieved = apply_achieved(pm, data["deliverables"], field="deliverables", require_all=True)
        step = open_step(ctx, StepKind.COMPLETION_VERIFICATION)
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
        return {
            "summary": data["summary"],
            "deliverables": achieved,
            "evidence": [
                {"name": item.original_name, "sha256": item.sha256, "size": item.size}
                for item in stored
            ],
        }


@register_action
class VerifyCompletion(ActionSpec):
    name = Action.VERIFY_COMPLETION
    label = gettext_lazy("Xác nhận kết quả")
    roles = (Role.POLICE,)
    situation = "(deploying, completion_verification) → (deploying, completion_signoff). Not on a report you submitted."
    event = Event.COMPLETION_VERIFIED
    form_class: ClassVar[type[forms.Form]] = CommentForm
    button = Button.PRIMARY
    nodes = (Node.COMPLETION_VERIFICATION,)
    tells = (Audience.SUBMITTER, Audience.NEXT_ACTOR)

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=StepKind.COMPLETION_VERIFICATION)

    def separation(self, ctx: Context) -> str | None:
        if ctx.pending is not None and ctx.pending.submitted_by_id == ctx.actor.pk:
            return _("Không được tự xác minh báo cáo do chính mình gửi.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        report = _report(ctx)
        assert report is not None
        decide_pending(ctx, Outcome.APPROVED, data.get("comment", ""))
        report.signoff_step = open_step(
            ctx, StepKind.COMPLETION_SIGNOFF, submitted_by=report.submitted_by
        )
        report.save(update_fields=["signoff_step"])
        return {"comment": data.get("comment", ""), "report": report.pk}


@register_action
class ReturnCompletion(VerifyCompletion):
    name = Action.RETURN_COMPLETION
    label = gettext_lazy("Trả lại báo cáo hoàn thành")
    situation = "(deploying, completion_verification) → (deploying, —)."
    event = Event.COMPLETION_RETURNED
    form_class = RequiredCommentForm
    button = Button.RETURN

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        decide_pending(ctx, Outcome.RETURNED, data["comment"])
        report = _report(ctx)
        return {"comment": data["comment"], "report": report.pk if report else None}


@register_action
class SignOff(ActionSpec):
    name = Action.SIGN_OFF
    label = gettext_lazy("Ký duyệt hoàn thành")
    roles = (Role.LEADER,)
    situation = (
        "(deploying, completion_signoff) → (completed, —); closes every open blocker. "
        "Not by whoever submitted or verified the report."
    )
    event = Event.COMPLETION_SIGNED_OFF
    form_class: ClassVar[type[forms.Form]] = CommentForm
    button = Button.PRIMARY
    nodes = (Node.SIGNOFF,)
    tells = (Audience.SUBMITTER, Audience.NEXT_ACTOR)

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
        decide_pending(ctx, Outcome.APPROVED, data.get("comment", ""))
        ctx.pilot_model.complete(at=ctx.now)
        closed = Blocker.objects.filter(
            pilot_model=ctx.pilot_model, cleared_at__isnull=True
        ).update(cleared_by=ctx.actor, cleared_at=ctx.now, clear_comment=_("Đã hoàn thành"))
        return {"comment": data.get("comment", ""), "blockers_closed": closed}


@register_action
class ReturnSignoff(SignOff):
    name = Action.RETURN_SIGNOFF
    label = gettext_lazy("Trả lại (không ký duyệt)")
    situation = "(deploying, completion_signoff) → (deploying, —); the agency resubmits and the police verify again."
    event = Event.SIGNOFF_RETURNED
    form_class = RequiredCommentForm
    button = Button.RETURN

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        decide_pending(ctx, Outcome.RETURNED, data["comment"])
        return {"comment": data["comment"]}
