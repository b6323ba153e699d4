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
