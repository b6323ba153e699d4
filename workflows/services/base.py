"""The one path every action takes (SPEC §4).

``perform`` checks in SPEC's order, then, inside one transaction: locks the
flow process and then the model row (viewflow's own order), re-checks,
validates, transitions, raises the version, writes the audit entry,
completes the matching task and checks the flow is in step.  A refusal is
audited after the failed block has rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed

from approvals import audit, clock
from approvals.exceptions import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotAuthenticated,
    NotFound,
    SeparationOfDuties,
)
from approvals.models import ApprovalStep, Outcome
from approvals.permissions import authorising_role, can_see

from .. import bridge, evidence, notifications
from ..flows import PilotFlow
from ..models import PilotModel
from ..states import State
from . import refusals
from .prepared import Prepared

OnCommit = Callable[[], None]
log = logging.getLogger(__name__)


@dataclass
class Context:
    """What an action knows while it runs, under the locks."""

    pilot_model: PilotModel
    actor: Any
    role: str
    now: dt.datetime
    ip: str = ""
    files: Sequence[Any] = ()
    pending: ApprovalStep | None = None
    # The input, parsed and checked before the locks were taken.
    prepared: Prepared | None = None
    after_commit: list[OnCommit] = field(default_factory=list)
    # What execute() hands to advance(): specs are shared, so never self.
    scratch: dict[str, Any] = field(default_factory=dict)
    # Undo for what cannot roll back with the database (files written).
    on_rollback: list[OnCommit] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return clock.today()


class ActionSpec:
    """One action of SPEC §4: who, from which situation, what input, what it does.

    ``conflict`` and ``separation`` return a message when the action must be
    refused; they have no side effects, so ``available_actions`` can ask them.
    """

    name: ClassVar[str]
    roles: ClassVar[tuple[str, ...]]
    event: ClassVar[str]
    form_class: type[forms.Form]
    # The flow node whose open task this action completes, if any.
    node: ClassVar[str | None] = None
    # Whether the action takes evidence files (checked before the locks).
    accepts_files: ClassVar[bool] = False

    def forbidden(self, ctx: Context, data: Mapping[str, Any]) -> str | None:
        """A role check on the object the input names (who set a blocker).

        It runs before ``conflict``: SPEC §4 answers a wrong actor 403 before
        it looks at the state.
        """
        return None

    def conflict(self, ctx: Context) -> str | None:
        return None

    def separation(self, ctx: Context) -> str | None:
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        """Rules that need the model and the input: raise ``Invalid``, or ``Conflict``
        when the input names something the model is not in (an unopened blocker)."""

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        """Do the work under the locks; return the audit payload."""
        raise NotImplementedError

    def advance(self, ctx: Context) -> None:
        """Move the flow: by default, complete this action's task."""
        if self.node is not None:
            process = ctx.pilot_model.process
            bridge.complete(process, self.node, ctx.actor)

    def label(self) -> str:
        from ..states import Action

        return str(Action(self.name).label)


REGISTRY: dict[str, ActionSpec] = {}


def register_action(cls: type[ActionSpec]) -> type[ActionSpec]:
    REGISTRY[cls.name] = cls()
    return cls


def _wrong_type(form_class: type[forms.Form], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Text and date fields given an object, a list or a boolean (JSON callers can send any type).

    Django's CharField would store ``{"a": 1}`` as the text "{'a': 1}", and
    its DateField calls ``.strip()`` on whatever it gets (a 500 for a list);
    a number is still taken as its digits, as DRF's CharField does.  Rows
    and nested objects (deliverables, it_appraisal) are checked the same way.
    """
    errors: dict[str, list[str]] = {}
    for name, form_field in form_class.base_fields.items():
        value = data.get(name)
        if value is None or isinstance(value, str):
            continue
        if isinstance(form_field, forms.CharField) and (isinstance(value, bool) or not isinstance(value, int | float)):
            errors[name] = [_("Cần nhập văn bản.")]
        elif isinstance(form_field, forms.DateField) and not isinstance(value, dt.date):
            errors[name] = [_("Cần nhập ngày.")]
        else:
            nested = getattr(form_field, "row_form", None) or getattr(form_field, "form", None)
            rows = value if isinstance(value, list) else [value]
            if nested is not None:
                inner = [
                    f"{key}: {message}"
                    for row in rows
                    if isinstance(row, Mapping)
                    for key, messages in _wrong_type(nested, row).items()
                    for message in messages
                ]
                if inner:
                    errors[name] = inner
    return errors


def clean_form(form_class: type[forms.Form], data: Mapping[str, Any], files: Any = None) -> dict[str, Any]:
    wrong_type = _wrong_type(form_class, data)
    if wrong_type:
        # Checked first: some Django fields crash on such values instead of refusing them.
        raise Invalid(wrong_type)
    form = form_class(data=dict(data), files=files)
    if not form.is_valid():
        raise Invalid({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return dict(form.cleaned_data)


def prepare(spec: ActionSpec, data: Mapping[str, Any], files: Sequence[Any]) -> Prepared:
    """Parse and validate the input before any lock (review M2); a refusal waits for its turn."""
    try:
        cleaned = clean_form(spec.form_class, data)
        if spec.accepts_files:
            cleaned["accepted_files"] = evidence.check(files)
    except Invalid as error:
        return Prepared(error=error)
    return Prepared(cleaned=cleaned)


def _coordinating_ids(pilot_model_id: int) -> Iterator[int]:
    """Lazily: ``can_see`` reads them only for an officer of another agency."""
    yield from PilotModel.coordinating_agencies.through.objects.filter(
        pilotmodel_id=pilot_model_id
    ).values_list("agency_id", flat=True)


def _visible(actor: Any, pilot_model: PilotModel) -> bool:
    return can_see(
        actor,
        lead_agency_id=pilot_model.lead_agency_id,
        coordinating_ids=_coordinating_ids(pilot_model.pk),
    )


def check_actor(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAuthenticated(_("Cần đăng nhập."))


def get_visible(actor: Any, pilot_model_id: Any) -> PilotModel:
    """The model, or NotFound when it does not exist or the actor may not see it."""
    check_actor(actor)
    try:
        pilot_model = PilotModel.objects.select_related("lead_agency").get(pk=int(pilot_model_id))
    except (PilotModel.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Không tìm thấy mô hình.")) from None
    if not _visible(actor, pilot_model):
        raise NotFound(_("Không tìm thấy mô hình."))
    return pilot_model


def _version_conflict(ctx: Context, data: Mapping[str, Any]) -> str | None:
    raw = data.get("version")
    if raw in (None, ""):
        return None
    try:
        version = int(raw)
    except (TypeError, ValueError):
        return None  # the form reports the bad value
    if version != ctx.pilot_model.version:
        return _("Dữ liệu đã thay đổi (phiên bản %(now)s, bạn gửi %(sent)s); hãy tải lại.") % {
            "now": ctx.pilot_model.version,
            "sent": version,
        }
    return None


def perform(
    action: str,
    *,
    pilot_model_id: Any,
    actor: Any,
    data: Mapping[str, Any] | None = None,
    files: Sequence[Any] = (),
    ip: str = "",
) -> PilotModel:
    """Take ``action`` on a model for ``actor``; the single entry point of every caller."""
    data = dict(data or {})
    try:
        spec = REGISTRY.get(action)
        if spec is None or action == "register":
            check_actor(actor)
            raise NotFound(_("Không có thao tác '%(action)s'.") % {"action": action})
        return _run(spec, pilot_model_id=pilot_model_id, actor=actor, data=data, files=files, ip=ip)
    except DomainError as error:
        if not isinstance(error, NotAuthenticated):
            audit_refusal(action, actor=actor, object_id=pilot_model_id, error=error, ip=ip)
        raise


def _lock_failed() -> Conflict:
    return Conflict(_("Mô hình đang được người khác xử lý; hãy thử lại."))


def _run(
    spec: ActionSpec,
    *,
    pilot_model_id: Any,
    actor: Any,
    data: dict[str, Any],
    files: Sequence[Any],
    ip: str,
) -> PilotModel:
    snapshot = get_visible(actor, pilot_model_id)
    if authorising_role(actor, spec.roles, lead_agency_id=snapshot.lead_agency_id) is None:
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    prepared = prepare(spec, data, files)
    try:
        with transaction.atomic(), PilotFlow.lock(snapshot.process_id):
            # The process comes along: advancing the flow needs it, and its
            # tasks and gateways then share this instance instead of re-reading.
            pilot_model = (
                PilotModel.objects.select_for_update(of=("self",)).select_related("process").get(pk=snapshot.pk)
            )
            return _run_locked(spec, pilot_model, actor=actor, data=data, files=files, ip=ip, prepared=prepared)
    except FlowLockFailed:
        raise _lock_failed() from None
    except DatabaseError as error:
        if _is_lock_error(error):
            raise _lock_failed() from None
        raise


def _is_lock_error(error: DatabaseError) -> bool:
    text = str(error).lower()
    return any(s in text for s in ("lock timeout", "database is locked", "could not obtain lock", "deadlock", "could not serialize"))


def _run_locked(
    spec: ActionSpec,
    pilot_model: PilotModel,
    *,
    actor: Any,
    data: dict[str, Any],
    files: Sequence[Any],
    ip: str,
    prepared: Prepared | None = None,
) -> PilotModel:
    # Re-check under the lock: a reassignment may have moved the model meanwhile.
    if not _visible(actor, pilot_model):
        raise NotFound(_("Không tìm thấy mô hình."))
    role = authorising_role(actor, spec.roles, lead_agency_id=pilot_model.lead_agency_id)
    if role is None:
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    ctx = Context(
        pilot_model=pilot_model,
        actor=actor,
        role=role,
        now=clock.now(),
        ip=ip,
        files=files,
        # A funding appraisal's request (and its round's process) comes along.
        pending=pilot_model.steps.filter(outcome=Outcome.PENDING).select_related("funding_request__process").first(),
        prepared=prepared,
    )
    try:
        _decide_and_apply(spec, ctx, data)
    except BaseException:
        for undo in ctx.on_rollback:
            undo()
        raise
    for callback in ctx.after_commit:
        transaction.on_commit(callback)
    return pilot_model


def _decide_and_apply(spec: ActionSpec, ctx: Context, data: dict[str, Any]) -> None:
    pilot_model, actor, role, ip = ctx.pilot_model, ctx.actor, ctx.role, ctx.ip
    message = spec.forbidden(ctx, data)
    if message:
        raise Forbidden(message)
    message = spec.conflict(ctx) or _version_conflict(ctx, data)
    if message:
        raise Conflict(message)
    message = spec.separation(ctx)
    if message:
        raise SeparationOfDuties(message)
    cleaned = ctx.prepared.under_lock() if ctx.prepared is not None else clean_form(spec.form_class, data)
    spec.validate(ctx, cleaned)
    from_state = pilot_model.state
    payload = spec.execute(ctx, cleaned)
    pilot_model.version += 1
    pilot_model.last_action_at = ctx.now
    pilot_model.save()
    audit.append(
        action=spec.event,
        actor=actor,
        role=role,
        obj=pilot_model,
        from_state=from_state,
        to_state=pilot_model.state,
        payload={"version": pilot_model.version, **payload},
        ip=ip,
    )
    spec.advance(ctx)
    bridge.assert_in_step(pilot_model)


def audit_refusal(action: str, *, actor: Any, object_id: Any, error: DomainError, ip: str = "") -> None:
    """Record a refused action, after its block rolled back (SPEC §5); ``refusals`` says where."""
    try:
        refusals.record(action, actor=actor, object_id=object_id, error=error, ip=ip)
    except DatabaseError as db_error:
        # Still locked past the timeout, even for the refusal's own entry: the
        # caller must get its 403/409, never "database is locked"; the miss is logged.
        if not _is_lock_error(db_error):
            raise
        log.warning("refused.%s by %s not audited: %s", action[:64], getattr(actor, "username", actor), db_error)


def available_actions(pilot_model: PilotModel, actor: Any, *, among: Collection[str] | None = None) -> list[str]:
    """The actions ``actor`` can take now: role, state and separation of duties pass.

    ``among`` limits the question to some actions (an inbox row asks only
    about its task's).  A model whose steps were prefetched answers from them
    (``PilotModel.pending_step``), so a page of rows costs no query per row.
    """
    if not _visible(actor, pilot_model):
        return []
    pending = pilot_model.pending_step
    names: list[str] = []
    for name, spec in REGISTRY.items():
        if among is not None and name not in among:
            continue
        role = authorising_role(actor, spec.roles, lead_agency_id=pilot_model.lead_agency_id)
        if role is None:
            continue
        ctx = Context(pilot_model=pilot_model, actor=actor, role=role, now=clock.now(), pending=pending)
        if spec.conflict(ctx) or spec.separation(ctx):
            continue
        names.append(name)
    return names


def decide_pending(ctx: Context, outcome: str, comment: str) -> ApprovalStep:
    """Decide the model's pending step; its submitter hears of it after the commit."""
    assert ctx.pending is not None
    step = ctx.pending
    step.decide(outcome=outcome, actor=ctx.actor, at=ctx.now, comment=comment)
    ctx.after_commit.append(lambda: notifications.step_decided(step.pk))
    return step


def notify_next(ctx: Context) -> None:
    """After the commit, tell whoever must act next that a task waits for them."""
    pk = ctx.pilot_model.pk
    ctx.after_commit.append(lambda: notifications.task_created(pk))


# Shared conflict tests, so each action states its situation in one line.

def not_open(ctx: Context) -> str | None:
    if ctx.pilot_model.state in (State.COMPLETED, State.CANCELLED):
        return _("Mô hình đã %(state)s; không thể thao tác.") % {
            "state": State(ctx.pilot_model.state).label.lower()
        }
    return None


def expect(ctx: Context, *, states: Sequence[str], pending: str | None) -> str | None:
    """Refuse unless the model is in one of ``states`` with ``pending`` step (None: no step)."""
    if ctx.pilot_model.state not in states:
        return _("Không thực hiện được khi mô hình ở trạng thái “%(state)s”.") % {
            "state": State(ctx.pilot_model.state).label
        }
    current = ctx.pending.kind if ctx.pending else None
    if current != pending:
        if pending is None:
            return _("Đang chờ bước “%(step)s”; hãy đợi quyết định.") % {"step": ctx.pending.get_kind_display()}  # type: ignore[union-attr]
        return _("Không có bước chờ phù hợp cho thao tác này.")
    return None
