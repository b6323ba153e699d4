"""The profile's input: one form for the province, one per document, validated the same for every caller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, ProvinceProfile, ReportProfile

agency_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{1,20}$", _("Mã cơ quan gồm chữ, số, '-' hoặc '_'.")
)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = ProvinceProfile
        fields = [
            "name",
            "place",
            "standing_agency",
            "finance_agency",
            "reports_weekly",
            "reports_monthly",
            "reports_quarterly",
            "time_limit_registration_review",
            "time_limit_funding_appraisal",
            "time_limit_completion_verification",
            "time_limit_completion_signoff",
            "target_completed",
            "target_date",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("standing_agency", "finance_agency"):
            self.fields[name].validators.append(agency_code_validator)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"reports_{p}") for p in ("weekly", "monthly", "quarterly")):
            raise forms.ValidationError(_("Chọn ít nhất một kỳ báo cáo."), code="no_schedule")
        return data


class ReportProfileForm(forms.ModelForm):
    class Meta:
        model = ReportProfile
        fields = [
            "issuer",
            "addressee",
            "signing_prefix",
            "signing_title",
            "signing_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].validators.append(agency_code_validator)

    def clean_recipients(self) -> str:
        lines = [line.strip() for line in str(self.cleaned_data.get("recipients", "")).splitlines()]
        kept = [line for line in lines if line]
        if len(kept) > 20:
            raise forms.ValidationError(_("Tối đa 20 nơi nhận."), code="too_many")
        if any(len(line) > 200 for line in kept):
            raise forms.ValidationError(_("Mỗi nơi nhận tối đa 200 ký tự."), code="too_long")
        return "\n".join(kept)


def profile_forms(
    data: Mapping[str, Any] | None, profile: ProvinceProfile, reports: Mapping[str, ReportProfile]
) -> tuple[ProfileForm, dict[str, ReportProfileForm]]:
    """The province form and one form per document, bound to ``data`` when given."""
    main = ProfileForm(data, instance=profile)
    per_kind = {
        kind: ReportProfileForm(data, instance=reports[kind], prefix=kind)
        for kind in DocumentKind.values
    }
    return main, per_kind


def profile_data(profile: ProvinceProfile, reports: Mapping[str, ReportProfile]) -> dict[str, Any]:
    """The profile as the page would post it: start from this, change some keys, pass it to the service."""
    # An unticked box is not posted; a blank field (no burn-up target) is posted empty.
    data: dict[str, Any] = {
        key: "" if value is None else value
        for key, value in model_to_dict(profile, fields=ProfileForm.Meta.fields).items()
        if not isinstance(value, bool) or value
    }
    for kind, report in reports.items():
        for key, value in model_to_dict(report, fields=ReportProfileForm.Meta.fields).items():
            data[f"{kind}-{key}"] = value
    return data
