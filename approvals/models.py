"""Agencies, officials, approval steps and the audit trail.

This app knows nothing of pilot models beyond a string reference: the arrows
point from ``workflows`` to ``approvals``, never back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Công an")
    FINANCE = "finance", _("Tài chính")
    LEADERSHIP = "leadership", _("Lãnh đạo tỉnh")
    DEPARTMENT = "department", _("Sở, ngành")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    parent_name = models.CharField(
        _("cơ quan chủ quản"), max_length=200, default="UBND TỈNH NGHỆ AN", blank=True
    )
    # The signing block of documents this agency issues (SPEC §7).
    signing_prefix = models.CharField(
        _("quyền ký"), max_length=40, blank=True, default="KT. GIÁM ĐỐC"
    )
    signing_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signing_name = models.CharField(_("người ký"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def head_on(self, day: dt.date) -> AgencyHead | None:
        """Who held the head's post on ``day``: accountability credits them."""
        return (
            self.heads.filter(Q(since__lte=day), Q(until__isnull=True) | Q(until__gte=day))
            .order_by("-since")
            .first()
        )

    @property
    def current_head(self) -> AgencyHead | None:
        return self.heads.filter(until__isnull=True).order_by("-since").first()


class AgencyHead(models.Model):
    """One term of an agency head; the 2025 mergers changed many, so keep them all."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="heads")
    name = models.CharField(_("họ tên"), max_length=100)
    title = models.CharField(_("chức vụ"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    since = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "-since"]
        verbose_name = _("thủ trưởng cơ quan")
        verbose_name_plural = _("thủ trưởng cơ quan")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="agency_head_term_ordered",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(until__isnull=True),
                name="one_current_head_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class Official(models.Model):
    """A user belongs to exactly one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officials")
    title = models.CharField(_("chức vụ"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency.code}"


class StepKind(models.TextChoices):
    REGISTRATION_REVIEW = "registration_review", _("Thẩm định đăng ký")
    FUNDING_APPRAISAL = "funding_appraisal", _("Thẩm định kinh phí")
    COMPLETION_VERIFICATION = "completion_verification", _("Xác minh kết quả")
    COMPLETION_SIGNOFF = "completion_signoff", _("Lãnh đạo ký duyệt")


# Step labels: the built-in kinds, plus any a workflow declares (``declare_step_label``).
# The kind column keeps its built-in choices so migrations stay put; a
# declared kind is stored as its value and labelled from here.
STEP_LABELS: dict[str, Any] = dict(StepKind.choices)


def declare_step_label(kind: str, label: Any) -> None:
    STEP_LABELS[str(kind)] = label


class Outcome(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Trả lại")
    REJECTED = "rejected", _("Từ chối")
    CLOSED = "closed", _("Đã đóng")  # the model was withdrawn or cancelled meanwhile


class ApprovalStep(models.Model):
    """One approval step.  Decided once, never changed; resubmitting opens a new one."""

    pilot_model = models.ForeignKey(
        "workflows.PilotModel", on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("bước"), max_length=32, choices=StepKind.choices)
    outcome = models.CharField(
        _("kết quả"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gửi lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("bước phê duyệt")
        verbose_name_plural = _("bước phê duyệt")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot_model"],
                condition=Q(outcome="pending"),
                name="one_pending_step_per_model",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_at__isnull=True)
                | (~Q(outcome="pending") & Q(decided_at__isnull=False)),
                name="decided_step_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} – {self.get_outcome_display()}"

    @property
    def kind_label(self) -> str:
        """The step's name for people; ``get_kind_display`` knows only the built-in kinds."""
        return str(STEP_LABELS.get(self.kind, self.kind))

    @property
    def is_pending(self) -> bool:
        return self.outcome == Outcome.PENDING

    def decide(self, *, outcome: str, actor: Any, at: dt.datetime, comment: str = "") -> None:
        """Record a decision.  Only a pending step may be decided, and only once."""
        if self.outcome != Outcome.PENDING:
            raise ValueError("a decided step never changes")
        self.outcome = outcome
        self.decided_by = actor
        self.decided_at = at
        self.comment = comment
        self.save(update_fields=["outcome", "decided_by", "decided_at", "comment"])


class ChainHead(models.Model):
    """The single row every audit append locks, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditEntry(models.Model):
    """An append-only, hash-chained record of one action or refusal (SPEC §5).

    Triggers at the database refuse UPDATE and DELETE (and TRUNCATE on
    PostgreSQL); ``approvals.audit`` is the only writer.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    agency_code = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    payload = models.JSONField(default=dict)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký kiểm toán")
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class CalendarDayKind(models.TextChoices):
    """What a government decision makes of one day (issue 14)."""

    SWAPPED_OFF = "swapped_off", _("Ngày nghỉ hoán đổi")
    MAKEUP_WORKDAY = "makeup_workday", _("Ngày làm việc bù")
    EXTRA_OFF = "extra_off", _("Ngày nghỉ thêm, nghỉ bù")


class CalendarDay(models.Model):
    """One day a government decision moves: swapped off, made up on a Saturday, or given off.

    Public holidays come from the ``holidays`` package; these rows are what
    the Prime Minister's and the ministries' yearly notices add on top, so
    each names its source document.  ``approvals.working_days`` reads them.
    """

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=CalendarDayKind.choices)
    source = models.CharField(_("văn bản quyết định"), max_length=300)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày làm việc")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"

    @property
    def is_working(self) -> bool:
        return self.kind == CalendarDayKind.MAKEUP_WORKDAY


class VerifiedAnchor(models.Model):
    """A chain head that ``verify_audit`` recomputed and found intact.

    ``verify_audit --since-anchor`` starts from the latest one: it checks
    that its entry still has this hash and recomputes only what came after,
    so a routine check costs what was appended since.  It is a shortcut for
    routine runs, not a guarantee: the full check and the seq and hash
    printed on paper reports (``--anchor``) remain that.
    """

    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["-seq", "-id"]
        verbose_name = _("mốc đã kiểm tra")
        verbose_name_plural = _("mốc đã kiểm tra")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
