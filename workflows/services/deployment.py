"""Deployment: the agency starts work and reports progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from approvals.exceptions import Invalid
from approvals.roles import Role

from ..action_inputs import ReportProgressForm, StartDeploymentForm
from ..actions import ActionSpec, Button, Context, expect, register_action
from ..models import PilotModel, ProgressReport
from ..routing import Node
from ..states import Action, State


@register_action
class StartDeployment(ActionSpec):
    name = Action.START_DEPLOYMENT
    label = gettext_lazy("Bắt đầu triển khai")
    roles = (Role.OFFICER,)
    situation = "(financed, —) → (deploying, —); or from (registered, —) when no funding is needed."
    event = Event.DEPLOYMENT_STARTED
    form_class = StartDeploymentForm
    button = Button.PRIMARY
    # Financed: its own node; no funding needed: straight from planning.
    nodes = (Node.START_DEPLOYMENT, Node.PLAN)

    def conflict(self, ctx: Context) -> str | None:
        pm = ctx.pilot_model
        message = expect(ctx, states=[State.FINANCED, State.REGISTERED], pending=None)
        if message:
            return message
        if pm.state == State.REGISTERED:
            if pm.needs_funding:
                return _("Mô hình cần kinh phí: hãy đề xuất và được bố trí kinh phí trước.")
            if not pm.registration_approved:
                return _("Hồ sơ đăng ký chưa được Công an tỉnh chấp thuận.")
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        start: dt.date = data["start_date"]
        if start < ctx.pilot_model.registered_at.date() - dt.timedelta(days=366):
            raise Invalid({"start_date": [_("Ngày bắt đầu không hợp lý.")]})

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        ctx.pilot_model.start_deployment(start_date=data["start_date"])
        return {"start_date": data["start_date"]}


def apply_achieved(
    pilot_model: PilotModel, rows: list[dict[str, Any]], *, field: str, require_all: bool
) -> list[dict[str, Any]]:
    """Write achieved numbers onto deliverables by name; unknown or missing names are input errors."""
    deliverables = {d.name: d for d in pilot_model.deliverables.all()}
    given = {row["name"]: row["achieved"] for row in rows}
    unknown = sorted(set(given) - set(deliverables))
    errors: list[str] = []
    if unknown:
        errors.append(_("Không có sản phẩm: %(names)s.") % {"names": ", ".join(unknown)})
    if require_all:
        missing = sorted(set(deliverables) - set(given))
        if missing:
            errors.append(
                _("Chưa có số đạt được của sản phẩm: %(names)s.") % {"names": ", ".join(missing)}
            )
    if errors:
        raise Invalid({field: errors})
    for name, achieved in given.items():
        deliverable = deliverables[name]
        deliverable.achieved = achieved
        deliverable.save(update_fields=["achieved"])
    return [{"name": name, "achieved": achieved} for name, achieved in given.items()]


@register_action
class ReportProgress(ActionSpec):
    name = Action.REPORT_PROGRESS
    label = gettext_lazy("Báo cáo tiến độ")
    roles = (Role.OFFICER,)
    situation = "(deploying, —) → (deploying, —)."
    event = Event.PROGRESS_REPORTED
    form_class = ReportProgressForm
    button = Button.PRIMARY

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.DEPLOYING], pending=None)

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        achieved = apply_achieved(
            ctx.pilot_model, data.get("deliverables") or [], field="deliverables", require_all=False
        )
        ctx.pilot_model.progress_percent = data["percent"]
        ProgressReport.objects.create(
            pilot_model=ctx.pilot_model,
            percent=data["percent"],
            achieved=achieved,
            note=data.get("note", ""),
            reported_by=ctx.actor,
            reported_at=ctx.now,
        )
        return {"percent": data["percent"], "deliverables": achieved, "note": data.get("note", "")}
