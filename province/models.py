"""The province profile: what its documents say about who issues, signs and receives them.

One row per installation (a province runs its own pilot06).  Agencies are
named by code, as everywhere in pilot06's input (SPEC §9), so the profile can
name ``CAT`` before the spreadsheet that creates CAT has been imported.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PROFILE_PK = 1


class DocumentKind(models.TextChoices):
    PROGRESS = "progress", _("Báo cáo tiến độ định kỳ")
    FUNDING = "funding", _("Báo cáo tổng hợp kinh phí")
    ACCOUNTABILITY = "accountability", _("Báo cáo trách nhiệm")
    PILOT_MODEL = "pilot_model", _("Hồ sơ mô hình")


# Which agency of the profile issues a document whose issuer is left blank:
# Sở Tài chính consolidates the money, the standing agency everything else.
FINANCE_DOCUMENTS = frozenset({DocumentKind.FUNDING})


TIME_LIMIT_PREFIX = "time_limit_"


def _time_limit(label: Any, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Số ngày làm việc, tính từ ngày làm việc sau ngày nhận hồ sơ."),
    )


class ProvinceProfile(models.Model):
    name = models.CharField(_("tên tỉnh"), max_length=100, help_text=_("Ví dụ: Nghệ An"))
    place = models.CharField(
        _("địa danh ở dòng ngày tháng"),
        max_length=100,
        help_text=_("“Nghệ An, ngày … tháng … năm …”"),
    )
    standing_agency = models.CharField(
        _("cơ quan thường trực (mã)"),
        max_length=20,
        help_text=_("Cơ quan thường trực Tổ công tác Đề án 06, ví dụ CAT"),
    )
    finance_agency = models.CharField(
        _("cơ quan tài chính (mã)"), max_length=20, help_text=_("Ví dụ STC")
    )
    reports_weekly = models.BooleanField(_("báo cáo hằng tuần"), default=False)
    reports_monthly = models.BooleanField(_("báo cáo hằng tháng"), default=True)
    reports_quarterly = models.BooleanField(_("báo cáo hằng quý"), default=True)
    # Each approval step's time limit in working days, named ``time_limit_<step kind>`` (issue 14).
    time_limit_registration_review = _time_limit(_("thời hạn thẩm định đăng ký"), 5)
    time_limit_funding_appraisal = _time_limit(_("thời hạn thẩm định kinh phí"), 15)
    time_limit_completion_verification = _time_limit(_("thời hạn xác minh kết quả"), 10)
    time_limit_completion_signoff = _time_limit(_("thời hạn lãnh đạo ký duyệt"), 5)
    # The burn-up chart's target line (issue 13): how many models should be
    # completed, and by when.  Both blank: no line.
    target_completed = models.PositiveIntegerField(
        _("chỉ tiêu số mô hình hoàn thành"), null=True, blank=True
    )
    target_date = models.DateField(_("hạn đạt chỉ tiêu"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ tỉnh")
        verbose_name_plural = _("hồ sơ tỉnh")
        constraints = [
            models.CheckConstraint(condition=Q(pk=PROFILE_PK), name="one_province_profile")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self) -> list[str]:
        """The periods the province reports on, shortest first (``reports.periods`` names)."""
        flags = (
            ("week", self.reports_weekly),
            ("month", self.reports_monthly),
            ("quarter", self.reports_quarterly),
        )
        return [period for period, on in flags if on]


class ReportProfile(models.Model):
    """Issuer, addressee, signer and recipients (Nơi nhận) of one kind of document."""

    profile = models.ForeignKey(ProvinceProfile, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("văn bản"), max_length=20, choices=DocumentKind.choices)
    issuer = models.CharField(
        _("cơ quan ban hành (mã)"),
        max_length=20,
        blank=True,
        help_text=_("Để trống: cơ quan thường trực (báo cáo kinh phí: cơ quan tài chính)."),
    )
    addressee = models.CharField(
        _("kính gửi"),
        max_length=200,
        blank=True,
        help_text=_("Để trống: Ủy ban nhân dân tỉnh <tên tỉnh>."),
    )
    signing_prefix = models.CharField(
        _("quyền ký"),
        max_length=40,
        blank=True,
        help_text=_("Khi cấp phó ký thay, ví dụ “KT. GIÁM ĐỐC”."),
    )
    signing_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signing_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))

    class Meta:
        ordering = ["id"]
        verbose_name = _("văn bản của tỉnh")
        verbose_name_plural = _("văn bản của tỉnh")
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="one_setting_per_document")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def recipient_lines(self) -> list[str]:
        return [
            line.strip().removeprefix("- ").strip()
            for line in self.recipients.splitlines()
            if line.strip()
        ]
