"""The read side: what a user sees and may do, computed without writing anything.

Visibility and the actions on offer are read here once, for the pages, the
API and the pipeline alike (which re-checks them under its locks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, FilteredRelation, IntegerField, Q, QuerySet, When
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from approvals import clock
from approvals.exceptions import NotAuthenticated, NotFound
from approvals.models import Outcome
from approvals.permissions import agency_id_of, authorising_role, can_see, sees_province
from approvals.roles import Role, roles_of

from . import rules
from .actions import Context, model_actions
from .models import PilotModel
from .routing import OPEN_TASK, ROUND_STATES, ROUTES


def _coordinating_ids(pilot_model_id: int) -> Iterator[int]:
    """Lazily: ``can_see`` reads them only for an officer of another agency."""
    yield from PilotModel.coordinating_agencies.through.objects.filter(
        pilotmodel_id=pilot_model_id
    ).values_list("agency_id", flat=True)


def is_visible(actor: Any, pilot_model: PilotModel) -> bool:
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
    if not is_visible(actor, pilot_model):
        raise NotFound(_("Không tìm thấy mô hình."))
    return pilot_model


def available_actions(
    pilot_model: PilotModel, actor: Any, *, among: Collection[str] | None = None
) -> list[str]:
    """The actions ``actor`` can take now: role, state and separation of duties pass.

    ``among`` limits the question to some actions (an inbox row asks only
    about its task's).  A model whose steps were prefetched answers from them
    (``PilotModel.pending_step``), so a page of rows costs no query per row.
    """
    if not is_visible(actor, pilot_model):
        return []
    pending = pilot_model.pending_step
    names: list[str] = []
    for name, spec in model_actions().items():
        if among is not None and name not in among:
            continue
        role = authorising_role(actor, spec.roles, lead_agency_id=pilot_model.lead_agency_id)
        if role is None:
            continue
        ctx = Context(
            pilot_model=pilot_model, actor=actor, role=role, now=clock.now(), pending=pending
        )
        if spec.conflict(ctx) or spec.separation(ctx):
            continue
        names.append(name)
    return names


def visible_models(user: Any) -> QuerySet[PilotModel]:
    """Models the user may see: all for province-wide roles, else led or coordinated."""
    qs = PilotModel.objects.select_related("lead_agency", "responsible_officer")
    if sees_province(user):
        return qs
    if Role.OFFICER not in roles_of(user):
        return qs.none()
    agency_id = agency_id_of(user)
    if agency_id is None:
        return qs.none()
    # A subquery, not a join: no duplicate rows, so counts and aggregates stay
    # right without DISTINCT (and ``a | b.distinct()`` raises TypeError).
    coordinated = PilotModel.coordinating_agencies.through.objects.filter(agency_id=agency_id)
    return qs.filter(Q(lead_agency_id=agency_id) | Q(pk__in=coordinated.values("pilotmodel_id")))


def filter_models(
    qs: QuerySet[PilotModel], filters: Mapping[str, Any], *, today: dt.date
) -> QuerySet[PilotModel]:
    """The list's filters, for the pages and the API alike (each validates its own input first).

    ``lead_agency`` is an agency or its code; ``overdue`` False keeps only
    models that are not overdue; ``blocker`` is a reason or "any"; ``q`` is
    a model number ("Mô hình 6" or "6") or words of the title.
    """
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("bucket"):
        qs = qs.filter(rules.bucket_q(filters["bucket"]))
    agency = filters.get("lead_agency")
    if agency:
        qs = (
            qs.filter(lead_agency__code=agency)
            if isinstance(agency, str)
            else qs.filter(lead_agency=agency)
        )
    if filters.get("number"):
        qs = qs.filter(number=filters["number"])
    if filters.get("overdue") is not None and filters.get("overdue") != "":
        overdue = rules.overdue_q(today)
        qs = qs.filter(overdue) if filters["overdue"] else qs.exclude(overdue)
    if filters.get("blocker"):
        qs = qs.filter(rules.blocked_q(None if filters["blocker"] == "any" else filters["blocker"]))
    query = str(filters.get("q") or "").strip()
    if query:
        number = query.lower().removeprefix("mô hình").strip()
        if number.isdigit():
            qs = qs.filter(Q(number=int(number)) | Q(title__icontains=query))
        else:
            qs = qs.filter(title__icontains=query)
    return qs


def pilot_model_of_task(task: Task) -> PilotModel | None:
    """The model a task is about: its main process, or an extra funding round's process."""
    process = task.process
    found = getattr(process, "pilot_model", None) if _has_related(process, "pilot_model") else None
    if found is None and _has_related(process, "funding_request"):
        found = process.funding_request.pilot_model
    return found


def _has_related(obj: Any, name: str) -> bool:
    try:
        return getattr(obj, name) is not None
    except ObjectDoesNotExist:  # the reverse one-to-one is absent
        return False


def inbox(user: Any) -> QuerySet[Task]:
    """Open tasks the user may take: owned by them, or queued for their role or agency."""
    permissions = user.get_all_permissions()
    return (
        Task.objects.filter(status__in=OPEN_TASK)
        .filter(owner_permission__in=permissions)
        .select_related("process")
        .order_by("created")
    )


def step_of_task(task: Task, pilot_model: PilotModel | None) -> Any:
    """The pending step ``task`` decides (its node is the step's), from the model's prefetched steps."""
    pending = pilot_model.pending_step if pilot_model is not None else None
    if pending is None or pending.kind not in ROUTES:
        return None
    return pending if ROUTES[pending.kind].node == task.flow_task.name else None


def with_due_ordinal(tasks: QuerySet[Task], clock: rules.StepClock) -> QuerySet[Task]:
    """Annotate ``due_ordinal``: the working-day ordinal of the due date of the step each task decides.

    A main-process task decides its model's pending step, unless that step
    is an additional funding round's (then the main task is the agency's
    deploy or start, with no time limit); a round's task decides the round's
    step.  One join per process kind, so the inbox stays one query.
    """
    tasks = tasks.annotate(
        main_pending=FilteredRelation(
            "process__pilot_model__steps",
            condition=Q(process__pilot_model__steps__outcome=Outcome.PENDING),
        )
    )
    round_kinds = [kind for kind, route in ROUTES.items() if route.funding]
    main_is_round = Q(
        process__pilot_model__state__in=ROUND_STATES, main_pending__kind__in=round_kinds
    )
    return tasks.annotate(
        due_ordinal=Case(
            When(
                Q(main_pending__isnull=False) & ~main_is_round,
                then=clock.due_ordinal_expression("main_pending__"),
            ),
            When(
                process__funding_request__step__outcome=Outcome.PENDING,
                then=clock.due_ordinal_expression("process__funding_request__step__"),
            ),
            default=None,
            output_field=IntegerField(),
        )
    )
