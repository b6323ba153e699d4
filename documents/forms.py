"""The clerk's issue form: which document, and for the progress report which period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from province.models import DocumentKind
from reports.periods import PERIODS

PERIOD_LABELS = {
    "week": _("Tuần"),
    "month": _("Tháng"),
    "quarter": _("Quý"),
    "half": _("6 tháng"),
    "year": _("Năm"),
}


class IssueForm(forms.Form):
    """Only shapes the page: the service reads the raw values and validates them itself."""

    kind = forms.ChoiceField(
        label=_("Văn bản"), choices=DocumentKind.choices, widget=forms.RadioSelect
    )
    period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        choices=[(p, PERIOD_LABELS[p]) for p in PERIODS],
        initial="month",
        required=False,
    )
    date = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pilot_model = forms.TypedChoiceField(label=_("Mô hình"), coerce=int, required=False, choices=())

    def __init__(
        self, *args: Any, models: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pilot_model"].choices = [("", "—"), *(models or [])]  # type: ignore[attr-defined]
