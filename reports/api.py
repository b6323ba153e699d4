"""``GET /api/v1/dashboard/``: the dashboard's SPEC §9 figures for the operations centre.

It lives with the reports (whose summary it serves) and reuses the API's
view base, so the arrows point one way: reports → workflows.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from approvals import clock
from workflows.api.params import check_query
from workflows.api.views import ERROR, INVALID, ApiView
from workflows.states import Bucket, State

from . import history
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


# --- History (issue 13) -------------------------------------------------------

MAX_DAYS = 3660

HistoryQuerySerializer = type(
    "HistoryQuerySerializer",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(
            required=False,
            help_text=(
                "First day (ISO), not before the programme's first year "
                "(`PILOT06_PROGRAMME_START_YEAR`); default: the first registration."
            ),
        ),
        "to": serializers.DateField(required=False, help_text="Last day (ISO); default: today."),
        "granularity": serializers.ChoiceField(
            choices=["day", "month"],
            required=False,
            default="month",
            help_text="`day`: every day; `month`: every month's last day (the last month cut at `to`).",
        ),
    },
)


class AgencyHistorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    led = serializers.IntegerField(help_text="Models led, not cancelled.")
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class HistoryPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    buckets = BucketCountsSerializer()
    states = StateCountsSerializer()
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField(
        help_text="Models in the three buckets (cancelled ones apart)."
    )
    by_agency = AgencyHistorySerializer(many=True)


# "from" is a Python keyword, so the class is built from a dict.
HistorySerializer = type(
    "HistorySerializer",
    (serializers.Serializer,),
    {
        "granularity": serializers.CharField(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "points": HistoryPointSerializer(many=True),
    },
)


@extend_schema(
    tags=["dashboard"],
    summary="The three buckets over time",
    description=(
        "Figures at the end of each day (or of each month), per state and per lead agency: "
        "from the daily snapshots (`manage.py snapshot_progress`), a day not yet snapshotted "
        "replayed from the audit trail, today from the tables. Officers get their own agency's rows."
    ),
    parameters=[HistoryQuerySerializer],
    responses={200: HistorySerializer, 400: INVALID, 401: ERROR},
)
class DashboardHistoryView(ApiView):
    def get(self, request: Request) -> Response:
        check_query(request, accepted=HistoryQuerySerializer().fields)
        query = HistoryQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        today = clock.today()
        end = query.validated_data.get("to") or today
        start = query.validated_data.get("from") or min(history.first_day() or end, end)
        granularity = query.validated_data.get("granularity") or "month"
        errors: dict[str, list[str]] = {}
        if end > today:
            errors["to"] = [_("Không được sau hôm nay.")]
        # Every day asked for may be replayed from the trail: the range is bounded
        # by the programme's start, as the report periods are.
        first_year = settings.PILOT06_PROGRAMME_START_YEAR
        if start.year < first_year:
            errors["from"] = [
                _("Không được trước năm %(year)s, năm bắt đầu chương trình.") % {"year": first_year}
            ]
        elif start > end:
            errors["from"] = [_("Phải trước hoặc bằng ngày kết thúc.")]
        elif granularity == "day" and (end - start).days >= MAX_DAYS:
            errors["from"] = [_("Theo ngày: tối đa %(n)s ngày.") % {"n": MAX_DAYS}]
        if errors:
            raise exceptions.ValidationError(errors)
        points = history.series(request.user, start=start, end=end, granularity=granularity)
        body = {"granularity": granularity, "from": start, "to": end, "points": points}
        return Response(HistorySerializer(body).data)
