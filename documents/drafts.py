"""What a clerk can issue: any of the four reports, drawn now, numbered and dated.

A draft names the document (its kind) and what it covers: a period for the
progress report, a model for a model's record, nothing more for the
funding and accountability reports.  ``render_issued`` draws it as the
report pages do (``reports.contexts``), with the register number and the
issue date on the Số line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.exceptions import Invalid, NotFound
from province.models import DocumentKind
from reports import contexts
from reports.documents import issued_header
from reports.pdf import render_pdf
from reports.periods import BadPeriod, Period, parse_period, period_of
from reports.scope import Moment
from workflows.models import PilotModel


@dataclass(frozen=True)
class Draft:
    kind: str
    period: Period | None = None
    pilot_model_id: int | None = None

    def title(self) -> str:
        """The register's trích yếu: the document and what it covers."""
        with translation.override("vi"):
            label = str(DocumentKind(self.kind).label)
            if self.period is not None:
                return f"{label} {self.period.label}"
            if self.pilot_model_id is not None:
                number = (
                    PilotModel.objects.filter(pk=self.pilot_model_id)
                    .values_list("number", flat=True)
                    .first()
                )
                return _("%(label)s: Mô hình %(n)s") % {"label": label, "n": number}
            return label


def draft_from(data: Mapping[str, Any], *, today: dt.date) -> Draft:
    """Read a draft from a form or a JSON body; bad input is an ``Invalid`` naming the field."""
    kind = str(data.get("kind") or "")
    if kind not in DocumentKind.values:
        raise Invalid({"kind": [_("Chọn một loại văn bản.")]})
    if kind == DocumentKind.PROGRESS:
        try:
            period = parse_period(
                data.get("period") or None,
                data.get("date") or None,
                today=today,
                first_year=settings.PILOT06_PROGRAMME_START_YEAR,
            )
        except BadPeriod:
            raise Invalid({"period": [_("Kỳ báo cáo hoặc ngày không hợp lệ.")]}) from None
        return Draft(kind=kind, period=period)
    if kind == DocumentKind.PILOT_MODEL:
        raw = data.get("pilot_model")
        try:
            pilot_model_id = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Invalid({"pilot_model": [_("Chọn một mô hình.")]}) from None
        if not PilotModel.objects.filter(pk=pilot_model_id).exists():
            raise NotFound(_("Không có mô hình này."))
        return Draft(kind=kind, pilot_model_id=pilot_model_id)
    return Draft(kind=kind)


def periodic_draft(kind: str, period_kind: str, period_end: dt.date) -> Draft:
    return Draft(kind=kind, period=period_of(period_kind, period_end))


def document_context(draft: Draft, *, reader: Any, moment: Moment) -> dict[str, Any]:
    """The report's context as its page would draw it for ``reader`` at ``moment``."""
    if draft.kind == DocumentKind.PROGRESS:
        assert draft.period is not None
        return contexts.progress_context(reader, draft.period, moment=moment, pdf=True)
    if draft.kind == DocumentKind.FUNDING:
        return contexts.funding_context(reader, moment=moment, pdf=True)
    if draft.kind == DocumentKind.ACCOUNTABILITY:
        return contexts.accountability_context(reader, moment=moment)
    assert draft.pilot_model_id is not None
    pilot_model = PilotModel.objects.select_related("lead_agency", "responsible_officer").get(
        pk=draft.pilot_model_id
    )
    return contexts.pilot_model_context(pilot_model, moment=moment)


def render_issued(
    draft: Draft, *, reader: Any, number: int, moment: Moment
) -> tuple[bytes, dict[str, Any]]:
    """The numbered, dated PDF (not yet signed) and the context it was drawn from."""
    with translation.override("vi"):
        context = document_context(draft, reader=reader, moment=moment)
        context["header"] = issued_header(context["header"], number=number, day=moment.today)
        return render_pdf(draft.kind, context), context
