"""Governance: blockers, details, deadlines, lead agency, population-DB permission, cancel.

None of these complete a flow task, except cancel, which ends the process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from approvals.exceptions import Conflict, Invalid
from approvals.roles import Role

from .. import flow_sync
from ..action_inputs import (
    CancelForm,
    ClearBlockerForm,
    ExtendDeadlineForm,
    ReassignLeadAgencyForm,
    RecordDbPermissionForm,
    SetBlockerForm,
    UpdateDetailsForm,
    officer_of,
)
from ..actions import ActionSpec, Button, Context, not_open, register_action
from ..models import Blocker, Deliverable, LeadAgencyTerm, PilotModel
from ..states import Action, BlockerReason, State
from .registration import cancel_processes, close_pending


def _open_blocker(pilot_model: PilotModel, reason: str) -> Blocker | None:
    return pilot_model.blockers.filter(reason=reason, cleared_at__isnull=True).first()


def _invalid(field: str, exc: Exception) -> Invalid:
    return Invalid({field: [str(m) for m in getattr(exc, "messages", [str(exc)])]})


@register_action
class SetBlocker(ActionSpec):
    name = Action.SET_BLOCKER
    label = gettext_lazy("Ghi nhận vướng mắc")
    roles = (Role.OFFICER, Role.POLICE, Role.FINANCE)
    situation = "Any state but completed or cancelled; one open blocker per reason."
    event = Event.BLOCKER_SET
    form_class = SetBlockerForm

    def conflict(self, ctx: Context) -> str | None:
        return not_open(ctx)

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        if _open_blocker(ctx.pilot_model, data["reason"]) is not None:
            raise Conflict(
                _("Vướng mắc “%(reason)s” đang mở.")
                % {"reason": BlockerReason(data["reason"]).label}
            )

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        Blocker.objects.create(
            pilot_model=ctx.pilot_model,
            reason=data["reason"],
            note=data.get("note", ""),
            set_by=ctx.actor,
            set_at=ctx.now,
        )
        return {"reason": data["reason"], "note": data.get("note", "")}


@register_action
class ClearBlocker(ActionSpec):
    name = Action.CLEAR_BLOCKER
    label = gettext_lazy("Gỡ vướng mắc")
    roles = (Role.POLICE, Role.OFFICER, Role.FINANCE)
    situation = "Whoever set it, or the police; not when cancelled."
    event = Event.BLOCKER_CLEARED
    form_class = ClearBlockerForm

    def forbidden(self, ctx: Context, data: Mapping[str, Any]) -> str | None:
        # "The setter or police" is who may act, so it is answered before the state.
        reason = data.get("reason")
        blocker = _open_blocker(ctx.pilot_model, reason) if isinstance(reason, str) else None
        if blocker is not None and ctx.role != Role.POLICE and blocker.set_by_id != ctx.actor.pk:
            return _("Chỉ người ghi nhận hoặc Công an tỉnh được gỡ vướng mắc này.")
        return None

    def conflict(self, ctx: Context) -> str | None:
        if ctx.pilot_model.state == State.CANCELLED:
            return _("Mô hình đã hủy.")
        if not ctx.pilot_model.blockers.filter(cleared_at__isnull=True).exists():
            return _("Mô hình không có vướng mắc nào đang mở.")
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        blocker = _open_blocker(ctx.pilot_model, data["reason"])
        if blocker is None:
            raise Conflict(
                _("Vướng mắc “%(reason)s” không mở.")
                % {"reason": BlockerReason(data["reason"]).label}
            )
        ctx.carry["blocker"] = blocker

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        blocker: Blocker = ctx.carry["blocker"]
        blocker.cleared_by = ctx.actor
        blocker.cleared_at = ctx.now
        blocker.clear_comment = data.get("comment", "")
        blocker.save(update_fields=["cleared_by", "cleared_at", "clear_comment"])
        return {"reason": data["reason"], "comment": data.get("comment", "")}


@register_action
class UpdateDetails(ActionSpec):
    name = Action.UPDATE_DETAILS
    label = gettext_lazy("Cập nhật thông tin")
    roles = (Role.OFFICER,)
    situation = "Any state but completed or cancelled, with no step pending."
    event = Event.DETAILS_UPDATED
    form_class = UpdateDetailsForm

    def conflict(self, ctx: Context) -> str | None:
        message = not_open(ctx)
        if message:
            return message
        if ctx.pending is not None:
            return _("Đang chờ bước “%(step)s”; chưa sửa được thông tin.") % {
                "step": ctx.pending.kind_label
            }
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        if data.get("responsible_officer"):
            try:
                data["responsible_officer"] = officer_of(
                    data["responsible_officer"], ctx.pilot_model.lead_agency
                )
            except ValidationError as exc:
                raise _invalid("responsible_officer", exc) from None
        if data.get("deliverables") and ctx.pilot_model.completion_reports.exists():
            raise Invalid(
                {"deliverables": [_("Đã gửi báo cáo hoàn thành; không sửa chỉ tiêu được nữa.")]}
            )

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        changed: dict[str, Any] = {}
        if data.get("tasks"):
            pm.tasks = changed["tasks"] = data["tasks"]
        if data.get("responsible_officer"):
            pm.responsible_officer = data["responsible_officer"]
            changed["responsible_officer"] = pm.responsible_officer.username
        if data.get("coordinating_agencies") is not None:
            pm.coordinating_agencies.set(data["coordinating_agencies"])
            changed["coordinating_agencies"] = [a.code for a in data["coordinating_agencies"]]
        if data.get("deliverables"):
            keep = {row["name"] for row in data["deliverables"]}
            existing = {d.name: d for d in pm.deliverables.all()}
            for row in data["deliverables"]:
                item = existing.get(row["name"]) or Deliverable(pilot_model=pm, name=row["name"])
                item.unit, item.target = row["unit"], row["target"]
                item.save()
            pm.deliverables.exclude(name__in=keep).delete()
            changed["deliverables"] = [
                {"name": r["name"], "unit": r["unit"], "target": r["target"]}
                for r in data["deliverables"]
            ]
        return {"changed": changed}


@register_action
class ExtendDeadline(ActionSpec):
    name = Action.EXTEND_DEADLINE
    label = gettext_lazy("Gia hạn thời hạn")
    roles = (Role.LEADER,)
    situation = "Any state but completed or cancelled; the new deadline is later."
    event = Event.DEADLINE_EXTENDED
    form_class = ExtendDeadlineForm

    def conflict(self, ctx: Context) -> str | None:
        return not_open(ctx)

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        if data["deadline"] <= ctx.pilot_model.deadline:
            raise Invalid(
                {
                    "deadline": [
                        _("Thời hạn mới phải sau thời hạn hiện tại (%(d)s).")
                        % {"d": ctx.pilot_model.deadline.strftime("%d/%m/%Y")}
                    ]
                }
            )

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        previous = pm.deadline
        if pm.original_deadline is None:
            pm.original_deadline = previous
        pm.deadline = data["deadline"]
        return {
            "from": previous,
            "to": pm.deadline,
            "decision_number": data["decision_number"],
            "comment": data.get("comment", ""),
        }


@register_action
class ReassignLeadAgency(ActionSpec):
    name = Action.REASSIGN_LEAD_AGENCY
    label = gettext_lazy("Giao lại cơ quan chủ trì")
    roles = (Role.LEADER,)
    situation = "Any state but completed or cancelled; closes a wrong_lead_agency blocker."
    event = Event.LEAD_AGENCY_REASSIGNED
    form_class = ReassignLeadAgencyForm

    def conflict(self, ctx: Context) -> str | None:
        return not_open(ctx)

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        if data["lead_agency"].pk == ctx.pilot_model.lead_agency_id:
            raise Invalid({"lead_agency": [_("Cơ quan này đang là cơ quan chủ trì.")]})
        try:
            data["responsible_officer"] = officer_of(
                data["responsible_officer"], data["lead_agency"]
            )
        except ValidationError as exc:
            raise _invalid("responsible_officer", exc) from None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        previous = pm.lead_agency
        LeadAgencyTerm.objects.filter(pilot_model=pm, until__isnull=True).update(until=ctx.now)
        LeadAgencyTerm.objects.create(
            pilot_model=pm,
            agency=data["lead_agency"],
            since=ctx.now,
            decision_number=data["decision_number"],
        )
        pm.lead_agency = data["lead_agency"]
        pm.responsible_officer = data["responsible_officer"]
        pm.save(update_fields=["lead_agency", "responsible_officer"])
        Blocker.objects.filter(
            pilot_model=pm, reason=BlockerReason.WRONG_LEAD_AGENCY, cleared_at__isnull=True
        ).update(cleared_by=ctx.actor, cleared_at=ctx.now, clear_comment=data["decision_number"])
        flow_sync.rescope_agency_tasks(pm)
        return {
            "from": previous.code,
            "to": pm.lead_agency.code,
            "responsible_officer": pm.responsible_officer.username,
            "decision_number": data["decision_number"],
            "comment": data.get("comment", ""),
        }


@register_action
class RecordDbPermission(ActionSpec):
    name = Action.RECORD_DB_PERMISSION
    label = gettext_lazy("Ghi nhận cho phép kết nối CSDLQG về dân cư")
    roles = (Role.POLICE,)
    situation = "Any state but cancelled; closes a no_population_db_permission blocker."
    event = Event.DB_PERMISSION_RECORDED
    form_class = RecordDbPermissionForm

    def conflict(self, ctx: Context) -> str | None:
        if ctx.pilot_model.state == State.CANCELLED:
            return _("Mô hình đã hủy.")
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        day: dt.date = data["date"]
        if day > ctx.today:
            raise Invalid({"date": [_("Ngày văn bản không được ở tương lai.")]})

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        pm.db_permission_number = data["document_number"]
        pm.db_permission_date = data["date"]
        Blocker.objects.filter(
            pilot_model=pm,
            reason=BlockerReason.NO_POPULATION_DB_PERMISSION,
            cleared_at__isnull=True,
        ).update(cleared_by=ctx.actor, cleared_at=ctx.now, clear_comment=data["document_number"])
        return {"document_number": data["document_number"], "date": data["date"]}


@register_action
class Cancel(ActionSpec):
    name = Action.CANCEL
    label = gettext_lazy("Hủy mô hình")
    roles = (Role.LEADER,)
    situation = "Any state but completed or cancelled → cancelled."
    event = Event.MODEL_CANCELLED
    form_class = CancelForm
    button = Button.DANGER

    def conflict(self, ctx: Context) -> str | None:
        return not_open(ctx)

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        close_pending(ctx, data["comment"])
        ctx.pilot_model.cancel()
        return {"decision_number": data["decision_number"], "comment": data["comment"]}

    def advance(self, ctx: Context) -> None:
        cancel_processes(ctx)
