"""The one path every action takes (SPEC §4).

``perform`` checks in SPEC's order, then, inside one transaction: locks the
flow process and then the model row (viewflow's own order), re-checks,
validates, transitions, raises the version, completes the matching task,
checks the flow is in step (from what the action wrote), writes the audit
entry and queues the notices (a job row, sent by the worker after the
commit).  A refusal is audited after the failed block has rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q
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
from approvals.permissions import authorising_role, load_actor

from .. import evidence, flow_sync, mail, routing
from ..actions import REGISTRY, ActionSpec, Audience, Context, unknown_action
from ..models import Blocker, PilotModel
from ..selectors import check_actor, get_visible, is_visible
from . import refusals
from .cleaning import clean_form
from .prepared import Prepared

log = logging.getLogger(__name__)


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
        if spec is None or not spec.on_model:
            check_actor(actor)
            raise unknown_action(action)
        return _run(spec, pilot_model_id=pilot_model_id, actor=actor, data=data, files=files, ip=ip)
    except DomainError as error:
        if not isinstance(error, NotAuthenticated):
            audit_refusal(action, actor=actor, object_id=pilot_model_id, error=error, ip=ip)
        raise


def lock_failed() -> Conflict:
    return Conflict(_("Mô hình đang được người khác xử lý; hãy thử lại."))


def is_lock_error(error: DatabaseError) -> bool:
    text = str(error).lower()
    return any(
        s in text
        for s in (
            "lock timeout",
            "database is locked",
            "could not obtain lock",
            "deadlock",
            "could not serialize",
        )
    )


def prepare(spec: ActionSpec, data: Mapping[str, Any], files: Sequence[Any]) -> Prepared:
    """Parse and validate the input before any lock (review M2); a refusal waits for its turn."""
    try:
        cleaned = clean_form(spec.form_class, data)
        if spec.takes_files:
            cleaned["accepted_files"] = evidence.check(files)
    except Invalid as error:
        return Prepared(error=error)
    return Prepared(cleaned=cleaned)


def _run(
    spec: ActionSpec,
    *,
    pilot_model_id: Any,
    actor: Any,
    data: dict[str, Any],
    files: Sequence[Any],
    ip: str,
) -> PilotModel:
    load_actor(actor)
    snapshot = get_visible(actor, pilot_model_id)
    if authorising_role(actor, spec.roles, lead_agency_id=snapshot.lead_agency_id) is None:
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    prepared = prepare(spec, data, files)
    try:
        with transaction.atomic(), flow_sync.main_flow().lock(snapshot.process_id):
            return _run_locked(
                spec,
                _lock(snapshot.pk),
                actor=actor,
                data=data,
                files=files,
                ip=ip,
                prepared=prepared,
            )
    except FlowLockFailed:
        raise lock_failed() from None
    except DatabaseError as error:
        if is_lock_error(error):
            raise lock_failed() from None
        raise


def _lock(pk: int) -> PilotModel:
    """The model row, locked, in one read with what every check asks of it.

    Its process comes along (advancing the flow needs it, and its tasks and
    gateways then share this instance), and so do the pending step with its
    funding round and that round's process, and whether an entered blocker
    is open (an action that clears one skips its UPDATE when none is).
    """
    pilot_model = (
        PilotModel.objects.select_for_update(of=("self",))
        .annotate(
            locked_pending=FilteredRelation("steps", condition=Q(steps__outcome=Outcome.PENDING)),
            has_open_blocker=Exists(
                Blocker.objects.filter(pilot_model=OuterRef("pk"), cleared_at__isnull=True)
            ),
        )
        .select_related("process", "locked_pending__funding_request__process")  # type: ignore[misc]
        .order_by()
        .get(pk=pk)
    )
    pending = _locked_pending(pilot_model)
    if pending is not None:
        pending.pilot_model = pilot_model
    return pilot_model


def _locked_pending(pilot_model: PilotModel) -> ApprovalStep | None:
    """The pending step ``_lock`` read (the attribute is left unset when there is none)."""
    pending: ApprovalStep | None = getattr(pilot_model, "locked_pending", None)
    return pending


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
    if not is_visible(actor, pilot_model):
        raise NotFound(_("Không tìm thấy mô hình."))
    role = authorising_role(actor, spec.roles, lead_agency_id=pilot_model.lead_agency_id)
    if role is None:
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    pending = _locked_pending(pilot_model)
    round_step = pending is not None and routing.is_round_step(pilot_model.state, pending.kind)
    ctx = Context(
        pilot_model=pilot_model,
        actor=actor,
        role=role,
        now=clock.now(),
        ip=ip,
        files=files,
        pending=pending,
        prepared=prepared,
        process=pending.funding_request.process
        if round_step and pending is not None
        else pilot_model.process,
        blocked=bool(pilot_model.has_open_blocker),  # type: ignore[attr-defined]
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
    pilot_model = ctx.pilot_model
    message = spec.forbidden(ctx, data)
    if message:
        raise Forbidden(message)
    message = spec.conflict(ctx) or _version_conflict(ctx, data)
    if message:
        raise Conflict(message)
    message = spec.separation(ctx)
    if message:
        raise SeparationOfDuties(message)
    cleaned = (
        ctx.prepared.under_lock() if ctx.prepared is not None else clean_form(spec.form_class, data)
    )
    spec.validate(ctx, cleaned)
    from_state = pilot_model.state
    # The open tasks of all the model's processes, read once: the task to
    # complete is among them, and the in-step check starts from them.
    shared = {p.pk: p for p in (pilot_model.process, ctx.process) if p is not None}
    tasks = flow_sync.model_open_tasks(pilot_model, shared)
    with flow_sync.recording(pilot_model, tasks, ctx.pending) as writes:
        payload = spec.execute(ctx, cleaned)
        pilot_model.version += 1
        pilot_model.last_action_at = ctx.now
        pilot_model.save()
        spec.advance(ctx)
        flow_sync.assert_in_step(pilot_model)  # from ``writes``: no read
    # Last, so the chain head stays locked for as short a time as possible.
    audit.append(
        action=spec.event,
        actor=ctx.actor,
        role=ctx.role,
        obj=pilot_model,
        from_state=from_state,
        to_state=pilot_model.state,
        payload={"version": pilot_model.version, **payload},
        ip=ctx.ip,
        savepoint=False,
    )
    _tell(spec, ctx, writes)


def _tell(spec: ActionSpec, ctx: Context, writes: flow_sync.Writes) -> None:
    """Queue the notices the declaration asks for, in the action's transaction (``mail``)."""
    decided = ctx.decided
    step_id = decided.pk if Audience.SUBMITTER in spec.tells and decided is not None else None
    task_ids = writes.new_open_tasks() if Audience.NEXT_ACTOR in spec.tells else []
    mail.queue_notices(step_id=step_id, task_ids=task_ids)


def audit_refusal(
    action: str, *, actor: Any, object_id: Any, error: DomainError, ip: str = ""
) -> None:
    """Record a refused action, after its block rolled back (SPEC §5); ``refusals`` says where."""
    try:
        refusals.record(action, actor=actor, object_id=object_id, error=error, ip=ip)
    except DatabaseError as db_error:
        # Still locked past the timeout, even for the refusal's own entry: the
        # caller must get its 403/409, never "database is locked"; the miss is logged.
        if not is_lock_error(db_error):
            raise
        log.warning(
            "refused.%s by %s not audited: %s",
            action[:64],
            getattr(actor, "username", actor),
            db_error,
        )
