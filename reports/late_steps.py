"""Late approval steps (issue 14): which pending steps are past their time limit, and whose they are.

The counts by deciding agency come with the dashboard's one aggregate
(``late_flags``); the list of the most overdue steps is one more query.
Both use ``workflows.rules.StepClock``, as the pages and the reminders do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet

from approvals.models import ApprovalStep
from workflows import rules
from workflows.models import PilotModel
from workflows.routing import step_label

from .accountability import deciding_label
from .scope import within


def late_flags(clock: rules.StepClock, today: dt.date) -> dict[str, Q]:
    """``late:<kind>`` → the models whose pending step of that kind is late on ``today``."""
    return {
        f"late:{kind}": Q(
            pk__in=ApprovalStep.objects.filter(clock.late_q(today), kind=kind).values(
                "pilot_model_id"
            )
        )
        for kind in clock.limits
    }


def late_counts(counts: dict[str, int]) -> dict[str, Any]:
    """The late steps by deciding agency (the role the routing table names), from the aggregate's counts."""
    by_role: dict[str, dict[str, Any]] = {}
    for key, count in counts.items():
        if not key.startswith("late:"):
            continue
        role, label = deciding_label(key.removeprefix("late:"))
        row = by_role.setdefault(role, {"role": role, "label": label, "count": 0})
        row["count"] += count
    rows = sorted(by_role.values(), key=lambda r: (-r["count"], r["label"]))
    return {"total": sum(r["count"] for r in rows), "by_agency": rows}


def most_overdue(
    scope: QuerySet[PilotModel], clock: rules.StepClock, today: dt.date, limit: int
) -> list[dict[str, Any]]:
    """The ``limit`` most overdue pending steps, most overdue first."""
    if limit <= 0:
        return []
    steps = (
        within(ApprovalStep.objects.filter(clock.late_q(today)), scope)
        .select_related("pilot_model__lead_agency")
        .annotate(due_ordinal=clock.due_ordinal_expression())
        .order_by(F("due_ordinal").asc(), "pilot_model__number")[:limit]
    )
    rows = []
    for step in steps:
        timing = clock.timing(step, today)
        if timing is None:
            continue
        pm = step.pilot_model
        role, label = deciding_label(step.kind)
        rows.append(
            {
                "id": pm.pk,
                "number": pm.number,
                "title": pm.title,
                "is_sample": pm.is_sample,
                "lead_agency": {"code": pm.lead_agency.code, "name": pm.lead_agency.name},
                "step": step.kind,
                "step_label": step_label(step.kind),
                "deciding_role": role,
                "deciding_label": label,
                "opened": step.submitted_at,
                "due_date": timing.due_date,
                "days_late": timing.days_late,
            }
        )
    return rows
