"""The list's query filters (SPEC §9), validated like any other input.

A bad value answers 400 ``{field: [messages]}`` instead of being ignored, so
a typo in ``?state=`` never looks like an empty province.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from approvals.models import Agency

from ..states import Bucket, State


class PilotModelFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    bucket = serializers.ChoiceField(choices=Bucket.choices, required=False)
    lead_agency = serializers.CharField(
        max_length=20, required=False, help_text="Agency code, e.g. SYT."
    )
    overdue = serializers.BooleanField(
        required=False,
        help_text="true: past the deadline (Asia/Ho_Chi_Minh) and neither completed nor cancelled.",
    )
    number = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def validate_lead_agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise serializers.ValidationError(_("Không có cơ quan mã %(code)s.") % {"code": code})
        return agency
