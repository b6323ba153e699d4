"""``GET /api/v1/dashboard/``: the dashboard's SPEC §9 figures for the operations centre.

It lives with the reports (whose summary it serves) and reuses the API's
view base, so the arrows point one way: reports → workflows.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.views import ERROR, ApiView
from workflows.states import Bucket, State

from .dashboard import dashboard_summary


def _counts_serializer(name: str, keys: list[str]) -> type[serializers.Serializer]:
    """An object of integer counts keyed by an enum's values, so the schema follows the enum."""
    return type(name, (serializers.Serializer,), {key: serializers.IntegerField() for key in keys})


BucketCountsSerializer = _counts_serializer("BucketCountsSerializer", list(Bucket.values))
StateCountsSerializer = _counts_serializer("StateCountsSerializer", list(State.values))


class AgencyCountsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    led = serializers.IntegerField()
    completed = serializers.IntegerField()
    overdue = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    buckets = BucketCountsSerializer()
    cancelled = serializers.IntegerField()
    states = StateCountsSerializer()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    stuck = serializers.IntegerField()
    by_agency = AgencyCountsSerializer(many=True)
    blockers = serializers.DictField(
        child=serializers.IntegerField(), help_text="Open blockers by reason."
    )


@extend_schema(
    tags=["dashboard"],
    summary="Counts over the models you can see",
    responses={200: DashboardSerializer, 401: ERROR},
)
class DashboardView(ApiView):
    def get(self, request: Request) -> Response:
        # The SPEC §9 keys of the dashboard page's own summary: one definition of each figure.
        summary = dashboard_summary(request.user, detail=False, list_limit=0)
        return Response({key: summary[key] for key in DashboardSerializer._declared_fields})
