"""The list's query filters (SPEC §9), validated like any other input.

A bad value answers 400 ``{field: [messages]}`` instead of being ignored, so
a typo in ``?state=`` never looks like an empty province.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers

from approvals.models import Agency

from ..models import PilotModel
from ..states import OPEN_STATES, STATES_OF_BUCKET, Bucket, State


class PilotModelFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    bucket = serializers.ChoiceField(choices=Bucket.choices, required=False)
    lead_agency = serializers.CharField(max_length=20, required=False, help_text="Agency code, e.g. SYT.")
    overdue = serializers.BooleanField(
        required=False, help_text="true: past the deadline (Asia/Ho_Chi_Minh) and neither completed nor cancelled."
    )
    number = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def validate_lead_agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise serializers.ValidationError(_("Không có cơ quan mã %(code)s.") % {"code": code})
        return agency


def apply_filters(models: QuerySet[PilotModel], filters: dict[str, Any], *, today: dt.date) -> QuerySet[PilotModel]:
    if "state" in filters:
        models = models.filter(state=filters["state"])
    if "bucket" in filters:
        models = models.filter(state__in=STATES_OF_BUCKET[filters["bucket"]])
    if "lead_agency" in filters:
        models = models.filter(lead_agency=filters["lead_agency"])
    if "number" in filters:
        models = models.filter(number=filters["number"])
    if "overdue" in filters:
        overdue = Q(state__in=OPEN_STATES, deadline__lt=today)
        models = models.filter(overdue) if filters["overdue"] else models.exclude(overdue)
    return models
