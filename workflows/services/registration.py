"""Registration: an agency registers a model; the police review it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import audit, clock
from approvals.events import Event
from approvals.exceptions import DomainError, Forbidden, Invalid
from approvals.models import Agency, ApprovalStep, Outcome, StepKind
from approvals.permissions import agency_code_of, agency_id_of, authorising_role
from approvals.roles import Role

from .. import flow_sync, mail, routing
from ..action_inputs import (
    CommentForm,
    RegisterForm,
    RequiredCommentForm,
    ResubmitForm,
    WithdrawForm,
    officer_of,
)
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
from ..models import Deliverable, FundingRequest, LeadAgencyTerm, PilotModel
from ..routing import Node
from ..selectors import check_actor
from ..states import Action, State
from .cleaning import clean_form
from .pipeline import audit_refusal, is_lock_error, lock_failed


def _deliverables_payload(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": r["name"], "unit": r["unit"], "target": r["target"]} for r in rows]


def pilot_model_register(
    *, actor: Any, data: Mapping[str, Any], ip: str = "", on_behalf_of: Agency | None = None
) -> PilotModel:
    """new → (registered, registration_review).  The lead agency is the actor's own.

    ``on_behalf_of``: an administrator importing the province's spreadsheet
    registers for the lead agency it names; the entry records both.
    """
    try:
        return _register(actor=actor, data=dict(data), ip=ip, on_behalf_of=on_behalf_of)
    except DomainError as error:
        if error.status != 401:
            audit_refusal(
                Action.REGISTER, actor=actor, object_id=data.get("number", ""), error=error, ip=ip
            )
        raise


def _register(
    *, actor: Any, data: dict[str, Any], ip: str, on_behalf_of: Agency | None
) -> PilotModel:
    check_actor(actor)
    if on_behalf_of is None:
        own_id, own_code = agency_id_of(actor), agency_code_of(actor)
        role = authorising_role(actor, [Role.OFFICER], lead_agency_id=own_id)
    else:
        own_id, own_code = on_behalf_of.pk, on_behalf_of.code
        role = authorising_role(actor, [Role.ADMIN])
    if role is None:
        raise Forbidden(_("Chỉ cán bộ cơ quan chủ trì được đăng ký mô hình."))
    # Another agency's model is a 403 whatever else the input holds (SPEC §4: 403 before 400).
    lead_code = data.get("lead_agency")
    if isinstance(lead_code, str) and lead_code and lead_code != own_code:
        raise Forbidden(_("Chỉ đăng ký được mô hình do cơ quan mình chủ trì."))
    cleaned = clean_form(RegisterForm, data)
    lead = cleaned["lead_agency"]
    if lead.pk != own_id:
        raise Forbidden(_("Chỉ đăng ký được mô hình do cơ quan mình chủ trì."))
    errors: dict[str, list[str]] = {}
    try:
        officer = officer_of(cleaned["responsible_officer"], lead)
    except ValidationError as exc:
        errors["responsible_officer"] = [str(m) for m in getattr(exc, "messages", [str(exc)])]
    if PilotModel.objects.filter(number=cleaned["number"]).exists():
        errors["number"] = [_("Số mô hình %(n)s đã được dùng.") % {"n": cleaned["number"]}]
    if errors:
        raise Invalid(errors)
    now = clock.now()
    try:
        with transaction.atomic():
            pilot_model = PilotModel(
                number=cleaned["number"],
                title=cleaned["title"],
                is_sample=cleaned["is_sample"],
                tasks=cleaned["tasks"],
                lead_agency=lead,
                responsible_officer=officer,
                deadline=cleaned["deadline"],
                needs_funding=cleaned["needs_funding"],
                needs_population_db_connection=cleaned["needs_population_db_connection"],
                registered_at=now,
                last_action_at=now,
            )
            pilot_model.save()
            pilot_model.coordinating_agencies.set(cleaned["coordinating_agencies"])
            LeadAgencyTerm.objects.create(pilot_model=pilot_model, agency=lead, since=now)
            Deliverable.objects.bulk_create(
                Deliverable(
                    pilot_model=pilot_model, name=r["name"], unit=r["unit"], target=r["target"]
                )
                for r in cleaned["deliverables"]
            )
            ApprovalStep.objects.create(
                pilot_model=pilot_model,
                kind=routing.first_step(StepKind.REGISTRATION_REVIEW),
                submitted_by=actor,
                submitted_at=now,
            )
            audit.append(
                action=Event.REGISTRATION_SUBMITTED,
                actor=actor,
                role=role,
                agency_code=lead.code if on_behalf_of is not None else "",
                obj=pilot_model,
                to_state=pilot_model.state,
                payload={
                    "version": pilot_model.version,
                    "number": pilot_model.number,
                    "title": pilot_model.title,
                    "lead_agency": lead.code,
                    "responsible_officer": officer.username,
                    "deadline": pilot_model.deadline,
                    "deliverables": _deliverables_payload(cleaned["deliverables"]),
                    "coordinating_agencies": [a.code for a in cleaned["coordinating_agencies"]],
                    **({"on_behalf_of": lead.code} if on_behalf_of is not None else {}),
                },
                ip=ip,
            )
            flow_sync.start_main_process(pilot_model)
            flow_sync.assert_in_step(pilot_model)
            mail.queue_notices(
                step_id=None, task_ids=[t.pk for t in flow_sync.open_tasks(pilot_model.process)]
            )
    except IntegrityError:
        # Lost a race for the same number.
        raise Invalid(
            {"number": [_("Số mô hình %(n)s đã được dùng.") % {"n": cleaned["number"]}]}
        ) from None
    except DatabaseError as error:
        # A lock wait past the timeout is a conflict, as for every other action.
        if is_lock_error(error):
            raise lock_failed() from None
        raise
    return pilot_model


@register_action
class Register(ActionSpec):
    """Declared for its label, roles, input and event; ``pilot_model_register`` does the work."""

    name = Action.REGISTER
    label = gettext_lazy("Đăng ký mô hình")
    roles = (Role.OFFICER,)
    situation = "new → (registered, registration_review); the lead agency is the caller's own."
    event = Event.REGISTRATION_SUBMITTED
    form_class = RegisterForm
    button = Button.PRIMARY
    tells = (Audience.NEXT_ACTOR,)
    on_model = False


@register_action
class ApproveRegistration(ActionSpec):
    name = Action.APPROVE_REGISTRATION
    label = gettext_lazy("Chấp thuận đăng ký")
    roles = (Role.POLICE,)
    situation = "(registered, registration_review) → (registered, —). Not on a step you submitted."
    event = Event.REGISTRATION_APPROVED
    form_class: ClassVar[type[forms.Form]] = CommentForm
    button = Button.PRIMARY
    nodes = (Node.REGISTRATION_REVIEW,)
    tells = (Audience.SUBMITTER, Audience.NEXT_ACTOR)

    def conflict(self, ctx: Context) -> str | None:
        return expect(ctx, states=[State.REGISTERED], pending=StepKind.REGISTRATION_REVIEW)

    def separation(self, ctx: Context) -> str | None:
        if ctx.pending and ctx.pending.submitted_by_id == ctx.actor.pk:
            return _("Không được tự thẩm định hồ sơ do chính mình gửi.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        decide_pending(ctx, Outcome.APPROVED, data.get("comment", ""))
        return {"comment": data.get("comment", "")}


@register_action
class ReturnRegistration(ApproveRegistration):
    name = Action.RETURN_REGISTRATION
    label = gettext_lazy("Trả lại hồ sơ đăng ký")
    situation = "(registered, registration_review) → (registered, —); the agency resubmits."
    event = Event.REGISTRATION_RETURNED
    form_class = RequiredCommentForm
    button = Button.RETURN

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        decide_pending(ctx, Outcome.RETURNED, data["comment"])
        return {"comment": data["comment"]}


@register_action
class ResubmitRegistration(ActionSpec):
    name = Action.RESUBMIT_REGISTRATION
    label = gettext_lazy("Gửi lại hồ sơ đăng ký")
    roles = (Role.OFFICER,)
    situation = "(registered, —) after a return → (registered, registration_review)."
    event = Event.REGISTRATION_RESUBMITTED
    form_class = ResubmitForm
    button = Button.PRIMARY
    nodes = (Node.RESUBMIT_REGISTRATION,)
    tells = (Audience.NEXT_ACTOR,)

    def conflict(self, ctx: Context) -> str | None:
        message = expect(ctx, states=[State.REGISTERED], pending=None)
        if message:
            return message
        last = ctx.pilot_model.last_step_of(StepKind.REGISTRATION_REVIEW)
        if last is None or last.outcome != Outcome.RETURNED:
            return _("Hồ sơ đăng ký chưa bị trả lại nên không cần gửi lại.")
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        if data.get("responsible_officer"):
            try:
                data["responsible_officer"] = officer_of(
                    data["responsible_officer"], ctx.pilot_model.lead_agency
                )
            except ValidationError as exc:
                raise Invalid(
                    {"responsible_officer": list(getattr(exc, "messages", [str(exc)]))}
                ) from None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        pm = ctx.pilot_model
        provided = data["provided"]
        changed: dict[str, Any] = {}
        for name in ("title", "tasks", "deadline", "responsible_officer"):
            if data.get(name):
                setattr(pm, name, data[name])
                changed[name] = getattr(data[name], "username", data[name])
        for name in ("needs_funding", "needs_population_db_connection"):
            if name in provided:
                setattr(pm, name, data[name])
                changed[name] = data[name]
        if "coordinating_agencies" in provided:
            pm.coordinating_agencies.set(data["coordinating_agencies"])
            changed["coordinating_agencies"] = [a.code for a in data["coordinating_agencies"]]
        if data.get("deliverables"):
            pm.deliverables.all().delete()
            Deliverable.objects.bulk_create(
                Deliverable(pilot_model=pm, name=r["name"], unit=r["unit"], target=r["target"])
                for r in data["deliverables"]
            )
            changed["deliverables"] = _deliverables_payload(data["deliverables"])
        open_step(ctx, StepKind.REGISTRATION_REVIEW)
        return {"changed": changed}


@register_action
class Withdraw(ActionSpec):
    name = Action.WITHDRAW
    label = gettext_lazy("Rút đăng ký")
    roles = (Role.OFFICER,)
    situation = "registered, before the registration is approved → cancelled."
    event = Event.MODEL_WITHDRAWN
    form_class = WithdrawForm
    button = Button.DANGER

    def conflict(self, ctx: Context) -> str | None:
        if ctx.pilot_model.state != State.REGISTERED or ctx.pilot_model.registration_approved:
            return _("Chỉ rút được đăng ký trước khi hồ sơ được chấp thuận.")
        return None

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        close_pending(ctx, data["comment"])
        ctx.pilot_model.cancel()
        return {"comment": data["comment"]}

    def advance(self, ctx: Context) -> None:
        cancel_processes(ctx)


def close_pending(ctx: Context, comment: str) -> None:
    if ctx.pending is not None:
        ctx.pending.decide(outcome=Outcome.CLOSED, actor=ctx.actor, at=ctx.now, comment=comment)


def cancel_processes(ctx: Context) -> None:
    for request in FundingRequest.objects.filter(
        pilot_model=ctx.pilot_model, process__isnull=False
    ):
        flow_sync.cancel(request.process)
    flow_sync.cancel(ctx.pilot_model.process)
