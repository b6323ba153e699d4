"""Rendered reports, cached by what they show.

A report's content depends on its kind, format and parameters, the day it
is cut, and the data: every change appends to the audit chain, so the
chain head's seq is the data version.  Same key, same file: the second
download is instant, and a large report renders once in the background.
The bytes live in private storage, outside any public URL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    READY = "ready", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ReportFile(models.Model):
    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("loại báo cáo"), max_length=20)
    fmt = models.CharField(_("định dạng"), max_length=8)
    params = models.JSONField(default=dict)
    data_version = models.PositiveBigIntegerField(_("phiên bản dữ liệu"))
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    stored_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} v{self.data_version} ({self.status})"


class SnapshotDay(models.Model):
    """One day's figures, written by ``manage.py snapshot_progress`` (issue 13).

    A finished day is replayed from the audit trail (``final``), so it is
    exact at the day's end whenever the command ran; today's is read from the
    tables and marked provisional until the next run replays it.
    """

    day = models.DateField(_("ngày"), unique=True)
    audit_seq = models.PositiveBigIntegerField(_("đầu chuỗi nhật ký"))
    final = models.BooleanField(_("đã chốt"), default=False)
    written_at = models.DateTimeField(_("ghi lúc"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("số liệu trong ngày")
        verbose_name_plural = _("số liệu hằng ngày")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}{'' if self.final else ' (tạm)'}"


class SnapshotCount(models.Model):
    """How many models one lead agency had in one state at the end of the day."""

    snapshot = models.ForeignKey(SnapshotDay, on_delete=models.CASCADE, related_name="counts")
    agency = models.ForeignKey("approvals.Agency", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=32)
    count = models.PositiveIntegerField(_("số mô hình"))

    class Meta:
        verbose_name = _("số mô hình theo cơ quan và trạng thái")
        verbose_name_plural = _("số mô hình theo cơ quan và trạng thái")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "agency", "state"], name="one_count_per_agency_state"
            ),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="snapshot_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.agency_id} {self.state} {self.count}"
