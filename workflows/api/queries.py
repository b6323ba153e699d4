"""What one page of models needs, fetched in a fixed number of queries.

The serializer reads only what is prefetched here, so a page of 500 models
costs the same handful of queries as a page of one.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from approvals.models import ApprovalStep

from ..models import Blocker, FundingRequest, PilotModel


def with_details(queryset: QuerySet[PilotModel]) -> QuerySet[PilotModel]:
    return queryset.select_related("lead_agency", "responsible_officer").prefetch_related(
        "coordinating_agencies",
        "deliverables",
        Prefetch(
            "steps",
            queryset=ApprovalStep.objects.select_related("submitted_by", "decided_by").order_by(
                "submitted_at", "id"
            ),
        ),
        Prefetch(
            "blockers",
            queryset=Blocker.objects.filter(cleared_at__isnull=True).select_related("set_by"),
            to_attr="open_blockers",
        ),
        Prefetch("funding_requests", queryset=FundingRequest.objects.select_related("step")),
    )


def detail_of(pilot_model_id: int) -> PilotModel:
    """One model, freshly read with everything its representation needs."""
    return with_details(PilotModel.objects.filter(pk=pilot_model_id)).get()
