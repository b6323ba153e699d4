"""What every report measures against: the viewer's scope and one moment in time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    QuerySet,
)

from approvals import clock
from approvals.models import Agency, Outcome
from workflows.models import (
    PilotModel,
)
from workflows.selectors import visible_models

DECIDED = [Outcome.APPROVED, Outcome.RETURNED, Outcome.REJECTED]
SENT_BACK = [Outcome.RETURNED, Outcome.REJECTED]
LIST_LIMIT = 20


@dataclass(frozen=True)
class Moment:
    """The day and instant every figure of one summary is measured against."""

    today: dt.date
    now: dt.datetime

    @classmethod
    def current(cls, today: dt.date | None = None, now: dt.datetime | None = None) -> Moment:
        now = now or clock.now()
        return cls(today=today or clock.today(), now=now)


def scope_of(user: Any) -> QuerySet[PilotModel]:
    """The models whose figures ``user`` may see, without ordering (for aggregates)."""
    return visible_models(user).order_by()


def within(
    queryset: QuerySet[Any], scope: QuerySet[PilotModel], lookup: str = "pilot_model"
) -> QuerySet[Any]:
    """Rows of ``queryset`` about models in ``scope``; no filter at all when the scope is everything."""
    if not scope.query.where:
        return queryset
    return queryset.filter(**{f"{lookup}__in": scope.values("pk")})


def stuck_days_or_default(raw: Any) -> int:
    """``?stuck_days=`` when it is a sane whole number, else the setting."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return int(settings.PILOT06_STUCK_DAYS)
    return days if 1 <= days <= 3650 else int(settings.PILOT06_STUCK_DAYS)


def agencies_by_id() -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Agencies and their heads' terms, in one query (a LEFT JOIN on the heads)."""
    agencies: dict[int, dict[str, Any]] = {}
    heads: dict[int, dict[str, Any]] = {}
    rows = Agency.objects.order_by("code").values(
        "id",
        "code",
        "name",
        "heads__id",
        "heads__name",
        "heads__title",
        "heads__since",
        "heads__until",
    )
    for row in rows:
        agencies.setdefault(row["id"], {"id": row["id"], "code": row["code"], "name": row["name"]})
        if row["heads__id"] is not None:
            heads[row["heads__id"]] = {
                "agency_id": row["id"],
                "name": row["heads__name"],
                "title": row["heads__title"],
                "since": row["heads__since"],
                "until": row["heads__until"],
            }
    return agencies, heads
