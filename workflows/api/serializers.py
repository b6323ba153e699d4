"""What the API says (responses) and what it documents it accepts (action bodies).

Responses are built here from prefetched rows (see ``queries``).  Request
bodies are *documented* here, one serializer per action, so the OpenAPI
schema tells an integrator exactly what each action takes.  They never
validate: the raw JSON goes to ``services.perform``, whose forms
(``workflows.inputs``) check it after role, state and separation of duties,
in SPEC §4's order.  ``tests/api`` checks that both stay in step.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals import clock
from approvals.models import ApprovalStep, AuditEntry, Outcome, StepKind
from approvals.roles import Role

from ..models import PilotModel
from ..states import (
    MAX_VND,
    OPEN_STATES,
    Action,
    BlockerReason,
    Bucket,
    FundingSource,
    SpendingKind,
    State,
)

# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StepKind.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    submitted_by = serializers.CharField(source="submitted_by.username")
    submitted_at = serializers.DateTimeField()


class DecidedStepSerializer(StepSerializer):
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class BlockerSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=BlockerReason.choices)
    note = serializers.CharField(allow_blank=True)
    set_by = serializers.CharField(
        allow_null=True, help_text="Username; null for a blocker the system derives (no population-DB permission)."
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


def is_overdue(pm: PilotModel, today: dt.date) -> bool:
    """SPEC §6: past the deadline, in the province's time zone, and still open."""
    return pm.state in OPEN_STATES and pm.deadline < today


class PilotModelSerializer(serializers.Serializer):
    """One pilot model as SPEC §9 describes it, for the list and the detail alike."""

    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    title = serializers.CharField()
    is_sample = serializers.BooleanField(help_text="True for demo titles (shown as “Dữ liệu mẫu”).")
    state = serializers.ChoiceField(choices=State.choices)
    bucket = serializers.ChoiceField(choices=Bucket.choices, allow_null=True, help_text="Null when cancelled.")
    version = serializers.IntegerField(help_text="Raised by every successful action; send it back as `version`.")
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
        return is_overdue(pm, self.today)

    @extend_schema_field(DbPermissionSerializer(allow_null=True))
    def get_db_permission(self, pm: PilotModel) -> dict[str, Any] | None:
        if not pm.db_permission_number:
            return None
        return {"number": pm.db_permission_number, "date": pm.db_permission_date}

    @extend_schema_field(FundingTotalsSerializer)
    def get_funding(self, pm: PilotModel) -> dict[str, int]:
        rounds = list(pm.funding_requests.all())
        live = (Outcome.PENDING, Outcome.APPROVED)
        return {
            "requested": sum(r.amount for r in rounds if r.step.outcome in live),
            "approved": sum(r.approved_amount or 0 for r in rounds),
        }

    @extend_schema_field(StepSerializer(allow_null=True))
    def get_open_step(self, pm: PilotModel) -> dict[str, Any] | None:
        step = _open_step(pm)
        return dict(StepSerializer(step).data) if step else None

    @extend_schema_field(DecidedStepSerializer(allow_null=True))
    def get_last_step(self, pm: PilotModel) -> dict[str, Any] | None:
        step = _last_decided(pm)
        return dict(DecidedStepSerializer(step).data) if step else None

    @extend_schema_field(BlockerSerializer(many=True))
    def get_blockers(self, pm: PilotModel) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {"reason": b.reason, "note": b.note, "set_by": b.set_by.username if b.set_by else None, "set_at": b.set_at}
            for b in pm.open_blockers  # type: ignore[attr-defined]
        ]
        # SPEC §3: needing the connection without a permission is a blocker
        # nobody has to enter; shown while the model is still open.
        derived = BlockerReason.NO_POPULATION_DB_PERMISSION
        if (
            pm.needs_population_db_connection
            and not pm.db_permission_number
            and pm.state in OPEN_STATES
            and all(row["reason"] != derived for row in rows)
        ):
            rows.append({"reason": derived, "note": "", "set_by": None, "set_at": None})
        return list(BlockerSerializer(rows, many=True).data)


class ActionRefSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=Action.choices)
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
    blockers = serializers.DictField(child=serializers.IntegerField(), help_text="Open blockers by reason.")


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


# ---------------------------------------------------------------------------
# Action bodies (documentation only; workflows.inputs validates)
# ---------------------------------------------------------------------------

DECISION_NUMBER = r"^\d{1,6}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$"


def _money(**kwargs: Any) -> serializers.IntegerField:
    kwargs.setdefault("help_text", "Whole VND.")
    return serializers.IntegerField(min_value=1, max_value=MAX_VND, **kwargs)


def _decision_number(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(DECISION_NUMBER, max_length=60, help_text="e.g. 1234/QĐ-UBND", **kwargs)


class ActionBody(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you last read; a stale one answers 409."
    )


class CommentBody(ActionBody):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class RequiredCommentBody(ActionBody):
    comment = serializers.CharField(max_length=4000, help_text="Required: the reason.")


class DeliverableBody(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=50)
    target = serializers.IntegerField(min_value=1, max_value=10**15)


class AchievedBody(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="A deliverable's name.")
    achieved = serializers.IntegerField(min_value=0, max_value=10**15)


class ModelFieldsBody(ActionBody):
    title = serializers.CharField(max_length=300)
    tasks = serializers.CharField(max_length=10000)
    coordinating_agencies = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text="Agency codes."
    )
    responsible_officer = serializers.CharField(max_length=150, help_text="Username of an officer of the lead agency.")
    deadline = serializers.DateField(help_text="Not in the past.")
    needs_funding = serializers.BooleanField(required=False, help_text="Absent means false.")
    needs_population_db_connection = serializers.BooleanField(required=False, help_text="Absent means false.")
    deliverables = serializers.ListField(child=DeliverableBody(), min_length=1, max_length=200, help_text="Distinct names.")
    is_sample = serializers.BooleanField(required=False, help_text="Absent means false.")


class RegisterBody(ModelFieldsBody):
    number = serializers.IntegerField(min_value=1, max_value=1_000_000, help_text="Unique; shown as “Mô hình N”.")
    lead_agency = serializers.CharField(max_length=20, help_text="Code of the caller's own agency.")


class ResubmitRegistrationBody(ActionBody):
    """The registration fields, any subset; those left out keep their value."""

    title = serializers.CharField(max_length=300, required=False)
    tasks = serializers.CharField(max_length=10000, required=False)
    coordinating_agencies = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    responsible_officer = serializers.CharField(max_length=150, required=False)
    deadline = serializers.DateField(required=False)
    needs_funding = serializers.BooleanField(required=False)
    needs_population_db_connection = serializers.BooleanField(required=False)
    deliverables = serializers.ListField(child=DeliverableBody(), required=False, max_length=200)
    is_sample = serializers.BooleanField(required=False)


class FundingLineBody(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    amount = _money()


class RequestFundingBody(ActionBody):
    amount = _money()
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    spending_kind = serializers.ChoiceField(
        choices=SpendingKind.choices, help_text="provincial_investment needs investment; provincial_recurrent needs recurrent."
    )
    budget_year = serializers.IntegerField(min_value=2020, max_value=2100)
    lines = serializers.ListField(child=FundingLineBody(), min_length=1, max_length=200, help_text="Their amounts add up to `amount`.")
    justification = serializers.CharField(max_length=10000)


class ItAppraisalBody(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    date = serializers.DateField()


class ApproveFundingBody(ActionBody):
    approved_amount = _money(help_text="Whole VND, 0 < x ≤ the amount requested.")
    decision_number = _decision_number()
    decision_date = serializers.DateField(help_text="Not in the future.")
    it_appraisal = ItAppraisalBody(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class StartDeploymentBody(ActionBody):
    start_date = serializers.DateField()


class ReportProgressBody(ActionBody):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    deliverables = serializers.ListField(child=AchievedBody(), required=False, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class SubmitCompletionBody(ActionBody):
    deliverables = serializers.ListField(child=AchievedBody(), min_length=1, max_length=200, help_text="Every deliverable, by name.")
    summary = serializers.CharField(max_length=10000)


@extend_schema_field({"type": "string", "format": "binary"})
class EvidenceFileField(serializers.FileField):
    """A file part of a multipart body (drf-spectacular documents a FileField as a response's URI)."""


class SubmitCompletionMultipart(serializers.Serializer):
    # Shadows Serializer.data for mypy only; DRF takes declared fields off the class.
    data = serializers.CharField(help_text="The JSON body (SubmitCompletionBody) as text.")  # type: ignore[assignment]
    files = serializers.ListField(
        child=EvidenceFileField(),
        required=False,
        max_length=20,
        help_text="Evidence: PDF, JPEG, PNG or DOCX (sniffed), at most 20 MB each.",
    )


class SetBlockerBody(ActionBody):
    reason = serializers.ChoiceField(choices=BlockerReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text="Required for `other`.")


class ClearBlockerBody(ActionBody):
    reason = serializers.ChoiceField(choices=BlockerReason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class UpdateDetailsBody(ActionBody):
    """Only the fields that change; at least one."""

    tasks = serializers.CharField(required=False, max_length=10000)
    coordinating_agencies = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    responsible_officer = serializers.CharField(required=False, max_length=150)
    deliverables = serializers.ListField(
        child=DeliverableBody(), required=False, max_length=200, help_text="The full new list; until completion is submitted."
    )


class ExtendDeadlineBody(ActionBody):
    deadline = serializers.DateField(help_text="Later than the current deadline.")
    decision_number = _decision_number()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReassignLeadAgencyBody(ActionBody):
    lead_agency = serializers.CharField(max_length=20, help_text="Agency code.")
    responsible_officer = serializers.CharField(max_length=150, help_text="Username of an officer of that agency.")
    decision_number = _decision_number()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class RecordDbPermissionBody(ActionBody):
    document_number = serializers.CharField(max_length=60)
    date = serializers.DateField(help_text="Not in the future.")


class CancelBody(ActionBody):
    decision_number = _decision_number()
    comment = serializers.CharField(max_length=4000, help_text="Required: the reason.")


ACTION_BODIES: dict[str, type[serializers.Serializer]] = {
    Action.APPROVE_REGISTRATION: CommentBody,
    Action.RETURN_REGISTRATION: RequiredCommentBody,
    Action.RESUBMIT_REGISTRATION: ResubmitRegistrationBody,
    Action.WITHDRAW: RequiredCommentBody,
    Action.REQUEST_FUNDING: RequestFundingBody,
    Action.APPROVE_FUNDING: ApproveFundingBody,
    Action.RETURN_FUNDING: RequiredCommentBody,
    Action.REJECT_FUNDING: RequiredCommentBody,
    Action.START_DEPLOYMENT: StartDeploymentBody,
    Action.REPORT_PROGRESS: ReportProgressBody,
    Action.SUBMIT_COMPLETION: SubmitCompletionBody,
    Action.VERIFY_COMPLETION: CommentBody,
    Action.RETURN_COMPLETION: RequiredCommentBody,
    Action.SIGN_OFF: CommentBody,
    Action.RETURN_SIGNOFF: RequiredCommentBody,
    Action.SET_BLOCKER: SetBlockerBody,
    Action.CLEAR_BLOCKER: ClearBlockerBody,
    Action.UPDATE_DETAILS: UpdateDetailsBody,
    Action.EXTEND_DEADLINE: ExtendDeadlineBody,
    Action.REASSIGN_LEAD_AGENCY: ReassignLeadAgencyBody,
    Action.RECORD_DB_PERMISSION: RecordDbPermissionBody,
    Action.CANCEL: CancelBody,
}

# Who may act and from which situation (SPEC §4), for the schema's readers.
ACTION_DOCS: dict[str, tuple[tuple[str, ...], str]] = {
    Action.APPROVE_REGISTRATION: ((Role.POLICE,), "(registered, registration_review) → (registered, —). Not on a step you submitted."),
    Action.RETURN_REGISTRATION: ((Role.POLICE,), "(registered, registration_review) → (registered, —); the agency resubmits."),
    Action.RESUBMIT_REGISTRATION: ((Role.OFFICER,), "(registered, —) after a return → (registered, registration_review)."),
    Action.WITHDRAW: ((Role.OFFICER,), "registered, before the registration is approved → cancelled."),
    Action.REQUEST_FUNDING: (
        (Role.OFFICER,),
        "(registered, —) with the registration approved → (funding_requested, funding_appraisal); "
        "from (financed or deploying, —) an additional round opens funding_appraisal and keeps the state.",
    ),
    Action.APPROVE_FUNDING: ((Role.FINANCE,), "(funding_requested, funding_appraisal) → (financed, —); in an additional round the state stays. Not on a request you submitted."),
    Action.RETURN_FUNDING: ((Role.FINANCE,), "(funding_requested, funding_appraisal) → (registered, —); the agency may request again."),
    Action.REJECT_FUNDING: ((Role.FINANCE,), "As return_funding, and opens a no_funding blocker."),
    Action.START_DEPLOYMENT: ((Role.OFFICER,), "(financed, —) → (deploying, —); or from (registered, —) when no funding is needed."),
    Action.REPORT_PROGRESS: ((Role.OFFICER,), "(deploying, —) → (deploying, —)."),
    Action.SUBMIT_COMPLETION: (
        (Role.OFFICER,),
        "(deploying, —) → (deploying, completion_verification). JSON, or multipart with a `data` part (the JSON) and `files` parts.",
    ),
    Action.VERIFY_COMPLETION: ((Role.POLICE,), "(deploying, completion_verification) → (deploying, completion_signoff). Not on a report you submitted."),
    Action.RETURN_COMPLETION: ((Role.POLICE,), "(deploying, completion_verification) → (deploying, —)."),
    Action.SIGN_OFF: ((Role.LEADER,), "(deploying, completion_signoff) → (completed, —); closes every open blocker. Not by whoever submitted or verified the report."),
    Action.RETURN_SIGNOFF: ((Role.LEADER,), "(deploying, completion_signoff) → (deploying, —); the agency resubmits and the police verify again."),
    Action.SET_BLOCKER: ((Role.OFFICER, Role.POLICE, Role.FINANCE), "Any state but completed or cancelled; one open blocker per reason."),
    Action.CLEAR_BLOCKER: ((Role.POLICE, Role.OFFICER, Role.FINANCE), "Whoever set it, or the police; not when cancelled."),
    Action.UPDATE_DETAILS: ((Role.OFFICER,), "Any state but completed or cancelled, with no step pending."),
    Action.EXTEND_DEADLINE: ((Role.LEADER,), "Any state but completed or cancelled; the new deadline is later."),
    Action.REASSIGN_LEAD_AGENCY: ((Role.LEADER,), "Any state but completed or cancelled; closes a wrong_lead_agency blocker."),
    Action.RECORD_DB_PERMISSION: ((Role.POLICE,), "Any state but cancelled; closes a no_population_db_permission blocker."),
    Action.CANCEL: ((Role.LEADER,), "Any state but completed or cancelled → cancelled."),
}
