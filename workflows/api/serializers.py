"""What the API says: responses, built from prefetched rows (see ``queries``).

The actions' request bodies are documented from their input forms
(``form_schema``); every figure here comes from ``workflows.rules``, as on
the pages and in the reports.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals import clock
from approvals.models import ApprovalStep, AuditEntry, Outcome
from approvals.permissions import sees_addresses

from .. import routing, rules, services  # noqa: F401  (importing services registers every action)
from ..actions import model_actions
from ..models import PilotModel
from ..states import BlockerReason, Bucket, State

# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind, kind) for kind in routing.step_kinds()])
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    submitted_by = serializers.CharField(source="submitted_by.username")
    submitted_at = serializers.DateTimeField()


class OpenStepSerializer(StepSerializer):
    """The pending step with its time limit (issue 14), counted in working days."""

    due_date = serializers.DateField(
        allow_null=True, help_text="Null for a step without a time limit."
    )
    working_days_left = serializers.IntegerField(
        allow_null=True, help_text="Working days until the due date; 0 on it, negative when late."
    )


class DecidedStepSerializer(StepSerializer):
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class BlockerSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=BlockerReason.choices)
    note = serializers.CharField(allow_blank=True)
    set_by = serializers.CharField(
        allow_null=True,
        help_text="Username; null for a blocker the system derives (no population-DB permission).",
    )
    set_at = serializers.DateTimeField(allow_null=True)


class DeliverableSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.IntegerField()
    achieved = serializers.IntegerField(allow_null=True)


class FundingTotalsSerializer(serializers.Serializer):
    requested = serializers.IntegerField(help_text="VND asked in rounds still pending or approved.")
    approved = serializers.IntegerField(help_text="VND approved over all rounds.")


class DbPermissionSerializer(serializers.Serializer):
    number = serializers.CharField()
    date = serializers.DateField()


def _open_step(pm: PilotModel) -> ApprovalStep | None:
    return next((s for s in pm.steps.all() if s.outcome == Outcome.PENDING), None)


def _last_decided(pm: PilotModel) -> ApprovalStep | None:
    decided = [s for s in pm.steps.all() if s.decided_at is not None]
    return max(decided, key=lambda s: (s.decided_at, s.pk)) if decided else None


class PilotModelSerializer(serializers.Serializer):
    """One pilot model as SPEC §9 describes it, for the list and the detail alike."""

    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    title = serializers.CharField()
    is_sample = serializers.BooleanField(help_text="True for demo titles (shown as “Dữ liệu mẫu”).")
    state = serializers.ChoiceField(choices=State.choices)
    bucket = serializers.ChoiceField(
        choices=Bucket.choices, allow_null=True, help_text="Null when cancelled."
    )
    version = serializers.IntegerField(
        help_text="Raised by every successful action; send it back as `version`."
    )
    tasks = serializers.CharField()
    lead_agency = AgencyRefSerializer()
    coordinating_agencies = AgencyRefSerializer(many=True)
    responsible_officer = serializers.CharField(source="responsible_officer.username")
    deadline = serializers.DateField()
    original_deadline = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    needs_funding = serializers.BooleanField()
    needs_population_db_connection = serializers.BooleanField()
    db_permission = serializers.SerializerMethodField()
    funding = serializers.SerializerMethodField()
    open_step = serializers.SerializerMethodField()
    last_step = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()
    deliverables = DeliverableSerializer(many=True)
    progress_percent = serializers.IntegerField()
    start_date = serializers.DateField(allow_null=True)
    registered_at = serializers.DateTimeField()
    last_action_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    @cached_property
    def today(self) -> dt.date:
        # One "today" per response (a list shares its child), so a page never straddles midnight.
        today: dt.date = self.context.get("today") or clock.today()
        return today

    def get_overdue(self, pm: PilotModel) -> bool:
        return rules.is_overdue(pm, self.today)

    @extend_schema_field(DbPermissionSerializer(allow_null=True))
    def get_db_permission(self, pm: PilotModel) -> dict[str, Any] | None:
        if not pm.db_permission_number:
            return None
        return {"number": pm.db_permission_number, "date": pm.db_permission_date}

    @extend_schema_field(FundingTotalsSerializer)
    def get_funding(self, pm: PilotModel) -> dict[str, int]:
        rounds = list(pm.funding_requests.all())
        return {
            "requested": rules.requested_total(rounds),
            "approved": rules.approved_total(rounds),
        }

    @cached_property
    def step_clock(self) -> rules.StepClock:
        return rules.step_clock()

    @extend_schema_field(OpenStepSerializer(allow_null=True))
    def get_open_step(self, pm: PilotModel) -> dict[str, Any] | None:
        step = _open_step(pm)
        if step is None:
            return None
        timing = self.step_clock.timing(step, self.today)
        return dict(StepSerializer(step).data) | {
            "due_date": timing.due_date.isoformat() if timing else None,
            "working_days_left": timing.working_days_left if timing else None,
        }

    @extend_schema_field(DecidedStepSerializer(allow_null=True))
    def get_last_step(self, pm: PilotModel) -> dict[str, Any] | None:
        step = _last_decided(pm)
        return dict(DecidedStepSerializer(step).data) if step else None

    @extend_schema_field(BlockerSerializer(many=True))
    def get_blockers(self, pm: PilotModel) -> list[dict[str, Any]]:
        entered = {
            b.reason: {
                "reason": b.reason,
                "note": b.note,
                "set_by": b.set_by.username if b.set_by else None,
                "set_at": b.set_at,
            }
            for b in pm.open_blockers  # type: ignore[attr-defined]
        }
        # SPEC §3: needing the connection without a permission is a blocker
        # nobody has to enter (``rules.blocker_reasons``).
        empty = {"note": "", "set_by": None, "set_at": None}
        rows = [
            entered.get(r) or {"reason": r, **empty}
            for r in rules.blocker_reasons(pm, list(entered))
        ]
        return list(BlockerSerializer(rows, many=True).data)


class ActionRefSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=[(name, name) for name in model_actions()])
    # Shadows Field.label for mypy only; DRF takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]


class AvailableActionsSerializer(serializers.Serializer):
    actions = ActionRefSerializer(many=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    """An entry with every hashed field, so a client can recompute the chain."""

    actor = serializers.CharField(source="actor_username")
    agency = serializers.CharField(source="agency_code")
    at = serializers.SerializerMethodField()
    payload = serializers.JSONField()
    ip = serializers.SerializerMethodField(
        help_text="The client's address; null unless you are police, leader or inspector."
    )

    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "at",
            "actor",
            "role",
            "agency",
            "action",
            "object_type",
            "object_id",
            "from_state",
            "to_state",
            "payload",
            "ip",
            "prev_hash",
            "hash",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ip(self, entry: AuditEntry) -> str | None:
        request = self.context.get("request")
        return entry.ip if request is not None and sees_addresses(request.user) else None

    @extend_schema_field(serializers.DateTimeField())
    def get_at(self, entry: AuditEntry) -> str:
        # UTC to the microsecond, exactly as it was hashed.
        return entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    entries = serializers.IntegerField()
    head_seq = serializers.IntegerField()
    head_hash = serializers.CharField()
    first_bad_seq = serializers.IntegerField(allow_null=True)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="not_authenticated, not_found, forbidden, conflict, separation_of_duties, csrf_failed, "
        "method_not_allowed, unsupported_media_type, request_too_large, throttled or locked_out."
    )
