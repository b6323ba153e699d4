"""Bottlenecks: how long each approval step takes, by step, deciding agency and lead agency.

Durations are counted in working days (``approvals.working_days``: the
same ordinal the pages use, computed by the database) with calendar days
beside them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import (
    CharField,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from approvals.models import ApprovalStep, Outcome, StepKind
from approvals.working_days import Ordinal
from workflows.models import (
    PilotModel,
)
from workflows.states import (
    OPEN_STATES,
    BlockerReason,
    State,
)

from .aggregates import DaysBetween, Spread, spreads
from .scope import DECIDED, Moment, agencies_by_id, scope_of, within


def _part(queryset: QuerySet[Any], dim: str, grp: Any, span: tuple[Any, Any]) -> QuerySet[Any]:
    """(dim, grp, calendar days, working days) of each row; ``span`` is its (end, start) datetimes."""
    end, start = span
    return (
        queryset.order_by()
        .annotate(
            dim=Cast(Value(dim), CharField()),
            grp=Cast(grp, CharField()),
            days=DaysBetween(end, start),
            wdays=Ordinal(end) - Ordinal(start),
        )
        .values_list("dim", "grp", "days", "wdays")
    )


def _spread_row(spread: Spread, label: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": spread.group,
        "label": label,
        "count": spread.count,
        # Working days (issue 14), calendar days beside them.
        "median_wdays": round(spread.w_median, 1),
        "mean_wdays": round(spread.w_mean, 1),
        "max_wdays": round(spread.w_maximum, 1),
        "median_days": round(spread.median, 1),
        "mean_days": round(spread.mean, 1),
        "max_days": round(spread.maximum, 1),
        **extra,
    }


def bottlenecks(
    user: Any,
    *,
    moment: Moment | None = None,
    scope: QuerySet[PilotModel] | None = None,
    agencies: dict[int, dict[str, Any]] | None = None,
    blockers: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Where time goes: one query for every spread, plus the open blockers by reason.

    * ``steps``: per approval step kind, decided (decided_at − submitted_at)
      and pending (now − submitted_at) steps together;
    * ``deciding_agencies``: decided steps, by the agency of whoever decided;
    * ``lead_agencies``: every step, by the model's lead agency (whose models wait);
    * ``waiting_steps``: pending steps by kind, aged now − submitted_at;
    * ``waiting_states``: open models with no pending step, by state, aged
      now − last successful action.
    """
    moment = moment or Moment.current()
    scope = scope if scope is not None else scope_of(user)
    if agencies is None:
        agencies = agencies_by_id()[0]
    now = Value(moment.now, output_field=DateTimeField())
    steps = within(ApprovalStep.objects.exclude(outcome=Outcome.CLOSED), scope)
    pending = Q(
        pk__in=ApprovalStep.objects.filter(outcome=Outcome.PENDING).values("pilot_model_id")
    )
    span = (Coalesce(F("decided_at"), now), F("submitted_at"))
    parts = [
        _part(steps, "step", F("kind"), span),
        _part(
            steps.filter(outcome__in=DECIDED),
            "decider",
            F("decided_by__official__agency__code"),
            (F("decided_at"), F("submitted_at")),
        ),
        _part(steps, "lead", F("pilot_model__lead_agency__code"), span),
        _part(
            steps.filter(outcome=Outcome.PENDING),
            "waiting_step",
            F("kind"),
            (now, F("submitted_at")),
        ),
        _part(
            scope.filter(state__in=OPEN_STATES).exclude(pending),
            "waiting_state",
            F("state"),
            (now, F("last_action_at")),
        ),
    ]
    by_dim: dict[str, list[Spread]] = defaultdict(list)
    for spread in spreads(parts):
        by_dim[spread.dim].append(spread)
    names = {a["code"]: a["name"] for a in agencies.values()}
    kind_order = {k: i for i, k in enumerate(StepKind.values)}
    state_order = {s: i for i, s in enumerate(State.values)}

    def kinds(dim: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            _spread_row(s, str(StepKind(s.group).label))
            for s in by_dim[dim]
            if s.group in kind_order
        ]
        return sorted(rows, key=lambda r: kind_order[r["key"]])

    def by_agency(dim: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            _spread_row(s, names.get(s.group, s.group or "—")) for s in by_dim[dim]
        ]
        return sorted(rows, key=lambda r: (-r["median_wdays"], -r["median_days"], r["key"] or ""))

    waiting_states = sorted(
        (
            _spread_row(s, str(State(s.group).label))
            for s in by_dim["waiting_state"]
            if s.group in state_order
        ),
        key=lambda r: state_order[r["key"]],
    )
    blocker_rows: list[dict[str, Any]] = [
        {"reason": reason, "label": str(BlockerReason(reason).label), "count": count}
        for reason, count in (blockers or {}).items()
        if count
    ]
    blocker_rows.sort(key=lambda r: -r["count"])
    return {
        "steps": kinds("step"),
        "deciding_agencies": by_agency("decider"),
        "lead_agencies": by_agency("lead"),
        "waiting_steps": kinds("waiting_step"),
        "waiting_states": waiting_states,
        "blockers": blocker_rows,
    }
