"""The register of outgoing documents (sổ đăng ký văn bản đi) and the signed archive.

``RegisterCounter`` is the one row per agency and year that issuing locks,
so numbers run 1, 2, 3… with no gap and no duplicate, as the audit sequence
does.  ``IssuedDocument`` keeps the signed PDF itself, its sha256 and the
audit entry that recorded it; database triggers refuse UPDATE and DELETE
(``documents.triggers``), so what was issued stays as it was issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Agency
from province.models import DocumentKind


class RegisterCounter(models.Model):
    """The last number given in one agency's register for one year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_register_per_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_number}"


class IssuedDocument(models.Model):
    """One numbered, signed document as it left the agency.  Never updated, never deleted."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="issued_documents")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=40, help_text=_("Ví dụ BC-CAT"))
    kind = models.CharField(_("văn bản"), max_length=20, choices=DocumentKind.choices)
    # What the document covers: a period (progress report) or one model (its record).
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10, blank=True)
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"), null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(_("mô hình"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=300)
    issued_on = models.DateField(_("ngày ban hành"))
    issued_at = models.DateTimeField(_("ban hành lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn thư"),
    )
    issued_by_username = models.CharField(max_length=150)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    certificate_subject = models.CharField(_("chứng thư số"), max_length=300)
    certificate_serial = models.CharField(_("số hiệu chứng thư"), max_length=80)
    content = models.BinaryField(_("tệp PDF đã ký"))
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The audit head printed in the document (its data), and the entry that recorded the issue.
    anchor_seq = models.PositiveBigIntegerField()
    anchor_hash = models.CharField(max_length=64)
    audit_seq = models.PositiveBigIntegerField(unique=True)
    audit_hash = models.CharField(max_length=64)
    prepared = models.ForeignKey(
        "documents.PreparedReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued",
        verbose_name=_("dự thảo định kỳ"),
    )

    class Meta:
        ordering = ["agency", "-year", "-number"]
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="one_document_per_number"
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="document_number_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """``12/BC-CAT`` (``05/BC-CAT`` below 10): the number and symbol, as on the Số line."""
        return f"{self.number:02d}/{self.symbol}"


class PreparedReportQuerySet(models.QuerySet["PreparedReport"]):
    def unissued(self) -> PreparedReportQuerySet:
        """Reports whose period has no issued document yet, whichever way it was issued.

        A period is settled by a document of the same kind and period, linked
        to the report or issued from the form before the schedule prepared
        it: the waiting list, the police inbox and a second issue all ask this.
        """
        return self.exclude(
            Exists(
                IssuedDocument.objects.filter(
                    kind=OuterRef("kind"),
                    period_kind=OuterRef("period_kind"),
                    period_start=OuterRef("period_start"),
                    period_end=OuterRef("period_end"),
                )
            )
        )


class PreparedReport(models.Model):
    """A periodic report the schedule prepared for the clerk: one per kind and period."""

    kind = models.CharField(_("văn bản"), max_length=20, choices=DocumentKind.choices)
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    due_on = models.DateField(_("hạn ban hành"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("chuẩn bị lúc"))

    objects = PreparedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "kind"]
        verbose_name = _("báo cáo định kỳ cần ban hành")
        verbose_name_plural = _("báo cáo định kỳ cần ban hành")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_kind", "period_start"],
                name="one_prepared_report_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_kind} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
