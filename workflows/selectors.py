"""The read side: what a user sees, computed without writing anything."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from viewflow.workflow.models import Task

from approvals.permissions import agency_id_of, sees_province
from approvals.roles import Role, roles_of

from .bridge import OPEN_TASK
from .models import PilotModel


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


def inbox(user: Any) -> QuerySet[Task]:
    """Open tasks the user may take: owned by them, or queued for their role or agency."""
    permissions = user.get_all_permissions()
    return (
        Task.objects.filter(status__in=OPEN_TASK)
        .filter(owner_permission__in=permissions)
        .select_related("process")
        .order_by("created")
    )
