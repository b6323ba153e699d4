"""The pilot model and the records of its life.

Every field serves "rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, sản
phẩm định lượng".  The state is a protected django-fsm-2 field: only the
transition methods below move it, and they touch nothing else.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from viewflow.workflow.models import Process

from approvals.models import Agency, ApprovalStep, Outcome, StepKind

from .states import (
    MAX_VND,
    BlockerReason,
    FundingSource,
    SpendingKind,
    State,
    bucket_of,
)

User = settings.AUTH_USER_MODEL
_OPEN = [State.REGISTERED, State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING]


def _vnd_bounds(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0}) & Q(**{f"{field}__lte": MAX_VND}), name=name
    )


class PilotModel(FSMModelMixin, models.Model):
    number = models.PositiveIntegerField(_("số mô hình"), unique=True)
    title = models.CharField(_("tên mô hình"), max_length=300)
    is_sample = models.BooleanField(_("dữ liệu mẫu"), default=False)
    tasks = models.TextField(_("nhiệm vụ (rõ việc)"))
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="led_models",
        verbose_name=_("cơ quan chủ trì"),
    )
    coordinating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="coordinated_models", verbose_name=_("cơ quan phối hợp")
    )
    responsible_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("cán bộ phụ trách")
    )
    deadline = models.DateField(_("thời hạn hoàn thành"))
    original_deadline = models.DateField(_("thời hạn ban đầu"), null=True, blank=True)
    needs_funding = models.BooleanField(_("cần kinh phí"), default=True)
    needs_population_db_connection = models.BooleanField(
        _("cần kết nối CSDL quốc gia về dân cư"), default=False
    )
    db_permission_number = models.CharField(
        _("số văn bản cho phép kết nối"), max_length=60, blank=True
    )
    db_permission_date = models.DateField(_("ngày văn bản cho phép"), null=True, blank=True)
    state = FSMField(
        _("trạng thái"),
        default=State.REGISTERED,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    start_date = models.DateField(_("ngày bắt đầu triển khai"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    registered_at = models.DateTimeField(_("đăng ký lúc"))
    last_action_at = models.DateTimeField(_("thao tác gần nhất"), db_index=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    process = models.OneToOneField(
        Process, on_delete=models.PROTECT, null=True, blank=True, related_name="pilot_model"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("mô hình điểm")
        verbose_name_plural = _("mô hình điểm")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="progress_at_most_100"
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="model_number_positive"),
        ]
        indexes = [
            # The dashboard's overdue, due-soon and stuck lists read the open
            # models in these orders and stop after a few rows.
            models.Index(
                fields=["deadline", "number"],
                condition=Q(state__in=_OPEN),
                name="open_model_deadline",
            ),
            models.Index(
                fields=["last_action_at", "number"],
                condition=Q(state__in=_OPEN),
                name="open_model_idle",
            ),
        ]

    def __str__(self) -> str:
        return f"Mô hình {self.number}: {self.title}"

    @property
    def bucket(self) -> str | None:
        return bucket_of(self.state)

    def prefetched_steps(self) -> list[ApprovalStep] | None:
        """The steps a list page prefetched (``prefetch_related("steps")``), oldest first; else None.

        A page of models then answers ``pending_step``, ``last_step_of`` and
        ``registration_approved`` from one query instead of one per model.
        Services read a fresh, unprefetched model, so they always query.
        """
        cache = getattr(self, "_prefetched_objects_cache", None)
        if not cache or "steps" not in cache:
            return None
        return sorted(cache["steps"], key=lambda s: (s.submitted_at, s.pk))

    @property
    def pending_step(self) -> ApprovalStep | None:
        steps = self.prefetched_steps()
        if steps is not None:
            return next((s for s in steps if s.outcome == Outcome.PENDING), None)
        return self.steps.filter(outcome=Outcome.PENDING).first()

    def last_step_of(self, kind: str) -> ApprovalStep | None:
        steps = self.prefetched_steps()
        if steps is not None:
            return next((s for s in reversed(steps) if s.kind == kind), None)
        return self.steps.filter(kind=kind).order_by("-submitted_at", "-id").first()

    @property
    def registration_approved(self) -> bool:
        steps = self.prefetched_steps()
        if steps is not None:
            return any(
                s.kind == StepKind.REGISTRATION_REVIEW and s.outcome == Outcome.APPROVED
                for s in steps
            )
        return self.steps.filter(
            kind=StepKind.REGISTRATION_REVIEW, outcome=Outcome.APPROVED
        ).exists()

    # Transitions: the state and the fields that belong with it, nothing else.

    @transition(field=state, source=State.REGISTERED, target=State.FUNDING_REQUESTED)
    def submit_funding_request(self) -> None:
        """The first funding round goes to Finance."""

    @transition(field=state, source=State.FUNDING_REQUESTED, target=State.FINANCED)
    def finance(self) -> None:
        """Finance approved the first round."""

    @transition(field=state, source=State.FUNDING_REQUESTED, target=State.REGISTERED)
    def unfund(self) -> None:
        """Finance returned or rejected the first round; the agency may ask again."""

    @transition(field=state, source=[State.FINANCED, State.REGISTERED], target=State.DEPLOYING)
    def start_deployment(self, start_date: dt.date) -> None:
        self.start_date = start_date

    @transition(field=state, source=State.DEPLOYING, target=State.COMPLETED)
    def complete(self, at: dt.datetime) -> None:
        self.completed_at = at
        self.progress_percent = 100

    @transition(field=state, source=_OPEN, target=State.CANCELLED)
    def cancel(self) -> None:
        """Withdrawn by the agency or cancelled by the leadership."""


class LeadAgencyTerm(models.Model):
    """The dated history of a model's lead agency."""

    pilot_model = models.ForeignKey(PilotModel, on_delete=models.PROTECT, related_name="lead_terms")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot_model"],
                condition=Q(until__isnull=True),
                name="one_current_lead_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} từ {self.since:%d/%m/%Y}"


class Deliverable(models.Model):
    """A measurable product: name, unit, target and, later, the achieved number."""

    pilot_model = models.ForeignKey(
        PilotModel, on_delete=models.CASCADE, related_name="deliverables"
    )
    name = models.CharField(_("sản phẩm"), max_length=200)
    unit = models.CharField(_("đơn vị tính"), max_length=50)
    target = models.PositiveBigIntegerField(_("chỉ tiêu"))
    achieved = models.PositiveBigIntegerField(_("đạt được"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot_model", "name"], name="deliverable_name_unique"),
            models.CheckConstraint(condition=Q(target__gt=0), name="deliverable_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.target} {self.unit})"

    @property
    def percent(self) -> int:
        if not self.achieved:
            return 0
        return min(100, round(100 * self.achieved / self.target))


class Blocker(models.Model):
    pilot_model = models.ForeignKey(PilotModel, on_delete=models.PROTECT, related_name="blockers")
    reason = models.CharField(_("lý do"), max_length=40, choices=BlockerReason.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    set_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    set_at = models.DateTimeField()
    cleared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["set_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot_model", "reason"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_blocker_per_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_reason_display()


class FundingRequest(models.Model):
    """One funding round: the request, its budget lines, and Finance's decision."""

    pilot_model = models.ForeignKey(
        PilotModel, on_delete=models.PROTECT, related_name="funding_requests"
    )
    round = models.PositiveSmallIntegerField()
    step = models.OneToOneField(
        ApprovalStep, on_delete=models.PROTECT, related_name="funding_request"
    )
    amount = models.BigIntegerField(_("số tiền đề xuất"))
    funding_source = models.CharField(
        _("nguồn kinh phí"), max_length=30, choices=FundingSource.choices
    )
    spending_kind = models.CharField(_("loại chi"), max_length=20, choices=SpendingKind.choices)
    budget_year = models.PositiveSmallIntegerField(_("năm ngân sách"))
    justification = models.TextField(_("thuyết minh"))
    approved_amount = models.BigIntegerField(_("số tiền phê duyệt"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    it_appraisal_number = models.CharField(
        _("số văn bản thẩm định CNTT"), max_length=60, blank=True
    )
    it_appraisal_date = models.DateField(_("ngày thẩm định CNTT"), null=True, blank=True)
    # An additional round runs as a small flow of its own (VIEWFLOW.md).
    process = models.OneToOneField(
        Process, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_request"
    )

    class Meta:
        ordering = ["pilot_model", "round"]
        constraints = [
            _vnd_bounds("amount", "funding_amount_in_range"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gt=0) & Q(approved_amount__lte=F("amount"))),
                name="approved_at_most_requested",
            ),
            models.CheckConstraint(
                condition=Q(budget_year__gte=2000) & Q(budget_year__lte=2100),
                name="budget_year_sane",
            ),
            models.UniqueConstraint(fields=["pilot_model", "round"], name="funding_round_unique"),
        ]

    def __str__(self) -> str:
        return f"Đợt {self.round}: {self.amount:,} đ"


class FundingLine(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(_("nội dung chi"), max_length=200)
    amount = models.BigIntegerField(_("số tiền"))

    class Meta:
        ordering = ["id"]
        constraints = [_vnd_bounds("amount", "funding_line_amount_in_range")]

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


class ProgressReport(models.Model):
    pilot_model = models.ForeignKey(
        PilotModel, on_delete=models.PROTECT, related_name="progress_reports"
    )
    percent = models.PositiveSmallIntegerField()
    achieved = models.JSONField(default=list)
    note = models.TextField(blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["reported_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_le_100")
        ]

    def __str__(self) -> str:
        return f"{self.percent}% ({self.reported_at:%d/%m/%Y})"


class CompletionReport(models.Model):
    """One round of the completion report, with its evidence and its two decisions."""

    pilot_model = models.ForeignKey(
        PilotModel, on_delete=models.PROTECT, related_name="completion_reports"
    )
    summary = models.TextField()
    achieved = models.JSONField(default=list)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    verification_step = models.OneToOneField(
        ApprovalStep, on_delete=models.PROTECT, related_name="verified_report"
    )
    signoff_step = models.OneToOneField(
        ApprovalStep, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_report"
    )

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"Báo cáo hoàn thành {self.submitted_at:%d/%m/%Y}"


class EvidenceFile(models.Model):
    """Stored outside any public URL, under a generated name, with its sha256."""

    report = models.ForeignKey(CompletionReport, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATED = "escalated", _("Quá hạn trên 30 ngày")
    # An approval step past its time limit (issue 14): its deciding officer, then that agency's head.
    STEP_LATE = "step_late", _("Bước phê duyệt quá hạn")
    STEP_ESCALATED = "step_escalated", _("Bước phê duyệt quá hạn, báo thủ trưởng")


class Reminder(models.Model):
    """One deadline reminder sent: which model, which kind, to whom, on which day.

    The unique key is what makes ``send_reminders`` safe to run from cron: a
    rerun on the same day finds the row and sends nothing twice.
    """

    pilot_model = models.ForeignKey(PilotModel, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("loại nhắc"), max_length=20, choices=ReminderKind.choices)
    recipient = models.EmailField(_("người nhận"), max_length=254)
    day = models.DateField(_("ngày nhắc"))
    sent_at = models.DateTimeField(_("gửi lúc"))

    class Meta:
        ordering = ["-day", "pilot_model", "kind"]
        verbose_name = _("nhắc hạn")
        verbose_name_plural = _("nhắc hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot_model", "kind", "recipient", "day"], name="one_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.day:%d/%m/%Y})"
