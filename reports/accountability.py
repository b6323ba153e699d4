"""Accountability: per lead agency, and the head in post when each model was due or done."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from approvals.models import ApprovalStep
from approvals.roles import Role
from approvals.working_days import Ordinal
from workflows import rules
from workflows.models import (
    LeadAgencyTerm,
    PilotModel,
)
from workflows.routing import ROUTES
from workflows.states import State

from .aggregates import DaysBetween, models_with_steps
from .scope import DECIDED, SENT_BACK, Moment, agencies_by_id, scope_of, within


def _head_on(heads: dict[int, dict[str, Any]], agency_id: int, day: dt.date) -> int | None:
    """The head whose term covers ``day`` (the latest to start, if terms overlap)."""
    best: tuple[dt.date, int] | None = None
    for head_id, head in heads.items():
        if head["agency_id"] != agency_id or head["since"] > day:
            continue
        if head["until"] is not None and head["until"] < day:
            continue
        if best is None or (head["since"], head_id) > best:
            best = (head["since"], head_id)
    return best[1] if best else None


def accountability(
    user: Any,
    *,
    moment: Moment | None = None,
    scope: QuerySet[PilotModel] | None = None,
    agencies: dict[int, dict[str, Any]] | None = None,
    heads: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per lead agency and the head in post at the time, for the year-end evaluation.

    Each model is credited on its relevant day: the completion date when
    completed, the deadline when overdue (the head who let it lapse), else
    today.  The lead agency is the one that led the model on that day
    (LeadAgencyTerm), and the head the AgencyHead whose term covers it.
    Cancelled models are listed apart and not credited.

    One query: the database groups the models by (agency, day) and joins
    their decided steps, pre-aggregated per model; the few thousand groups
    at most are then mapped to heads here, from the heads already loaded.
    """
    moment = moment or Moment.current()
    scope = scope if scope is not None else scope_of(user)
    if agencies is None or heads is None:
        agencies, heads = agencies_by_id()
    completed_day = TruncDate("completed_at")
    day = Case(
        When(state=State.COMPLETED, then=completed_day),
        When(deadline__lt=moment.today, then=F("deadline")),
        default=Value(moment.today, output_field=DateField()),
        output_field=DateField(),
    )
    term = (
        LeadAgencyTerm.objects.filter(pilot_model=OuterRef("pk"))
        .annotate(since_day=TruncDate("since"), until_day=TruncDate("until"))
        .filter(since_day__lte=OuterRef("day"))
        .filter(Q(until__isnull=True) | Q(until_day__gt=OuterRef("day")))
        .order_by("-since", "-id")
        .values("agency_id")[:1]
    )
    one, zero = Value(1), Value(0)
    late = Q(
        state=State.COMPLETED, completed_day__gt=Coalesce(F("original_deadline"), F("deadline"))
    )
    models = (
        scope.exclude(state=State.CANCELLED)
        .annotate(day=day, completed_day=completed_day)
        .annotate(
            acct_agency=Coalesce(Subquery(term), F("lead_agency_id"), output_field=IntegerField()),
            model_id=F("pk"),
            is_completed=Case(
                When(state=State.COMPLETED, then=one), default=zero, output_field=IntegerField()
            ),
            is_late=Case(When(late, then=one), default=zero, output_field=IntegerField()),
            is_overdue=Case(
                When(rules.overdue_q(moment.today), then=one),
                default=zero,
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values_list("model_id", "acct_agency", "day", "is_completed", "is_late", "is_overdue")
    )
    steps = (
        within(ApprovalStep.objects.filter(outcome__in=DECIDED), scope)
        .order_by()
        .values("pilot_model_id")
        .annotate(
            step_model=F("pilot_model_id"),
            returns=Count("pk", filter=Q(outcome__in=SENT_BACK)),
            step_days=Sum(DaysBetween(F("decided_at"), F("submitted_at"))),
            step_count=Count("pk"),
            step_wdays=Sum(Ordinal(F("decided_at")) - Ordinal(F("submitted_at"))),
        )
        .values_list("step_model", "returns", "step_days", "step_count", "step_wdays")
    )
    totals: dict[tuple[int, int | None], list[float]] = defaultdict(
        lambda: [0, 0, 0, 0, 0, 0.0, 0, 0]
    )
    for agency_id, when, *figures in models_with_steps(models, steps):
        when = dt.date.fromisoformat(when) if isinstance(when, str) else when
        key = (agency_id, _head_on(heads, agency_id, when))
        for index, value in enumerate(figures):
            totals[key][index] += value or 0
    out: list[dict[str, Any]] = []
    for (agency_id, head_id), (
        led,
        done,
        late_n,
        overdue,
        sent_back,
        days,
        n_steps,
        wdays,
    ) in totals.items():
        agency = agencies.get(agency_id, {"code": "", "name": ""})
        head = heads.get(head_id) if head_id is not None else None
        out.append(
            {
                "agency": {"code": agency["code"], "name": agency["name"]},
                "head": {k: head[k] for k in ("name", "title", "since", "until")} if head else None,
                "led": int(led),
                "completed": int(done),
                "completed_late": int(late_n),
                "overdue": int(overdue),
                "returns": int(sent_back),
                "steps": int(n_steps),
                # Working days a decided step took on average (issue 14); calendar days beside.
                "avg_step_wdays": round(float(wdays) / int(n_steps), 1) if n_steps else None,
                "avg_step_days": round(float(days) / int(n_steps), 1) if n_steps else None,
            }
        )
    out.sort(key=lambda r: (r["agency"]["code"], (r["head"] or {}).get("since") or dt.date.min))
    return out


def decided_late(
    user: Any,
    *,
    scope: QuerySet[PilotModel] | None = None,
    agencies: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Steps decided late, per deciding agency (issue 14): one query.

    A step is decided late when its decision came after the working day it
    was due (``rules.StepClock.decided_late_q``); the agency is the one of
    whoever decided it, as in the bottlenecks.
    """
    scope = scope if scope is not None else scope_of(user)
    if agencies is None:
        agencies = agencies_by_id()[0]
    clock = rules.step_clock()
    rows = (
        within(ApprovalStep.objects.filter(outcome__in=DECIDED, kind__in=list(clock.limits)), scope)
        .order_by()
        .values("decided_by__official__agency_id")
        .annotate(
            decided=Count("pk"),
            late=Count("pk", filter=clock.decided_late_q()),
            wdays=Sum(Ordinal(F("decided_at")) - Ordinal(F("submitted_at"))),
        )
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        agency = agencies.get(row["decided_by__official__agency_id"], {"code": "", "name": ""})
        decided, late = int(row["decided"]), int(row["late"])
        out.append(
            {
                "agency": {"code": agency["code"], "name": agency["name"]},
                "decided": decided,
                "late": late,
                "late_percent": round(100 * late / decided) if decided else 0,
                "avg_wdays": round(float(row["wdays"] or 0) / decided, 1) if decided else None,
            }
        )
    out.sort(key=lambda r: (-r["late"], r["agency"]["code"]))
    return out


def deciding_label(kind: str) -> tuple[str, str]:
    """(role, label) of the agency that decides steps of ``kind``, from the routing table."""
    role = ROUTES[kind].decided_by if kind in ROUTES else ""
    label = str(Role(role).label) if role in Role.values else role
    return role, label
