"""The input of each action, validated the same way for every caller.

A form here only checks shape and ranges.  Rules that depend on the model
(approved ≤ requested, every deliverable reported) are in the actions, which
raise ``Invalid`` with the field named, so callers see one error format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from approvals import clock
from approvals.models import Agency

from .fields import CodeListField, MoneyField, ObjectField, RowsField, StrictBooleanField
from .limits import MAX_AGENCY_CODES, MAX_BUDGET_LINES, MAX_DELIVERABLES
from .references import agencies_by_code
from .states import REQUIRED_KIND_OF_SOURCE, BlockerReason, FundingSource, SpendingKind

decision_number_validator = RegexValidator(
    r"^\d{1,6}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$",
    _("Số văn bản có dạng 1234/QĐ-UBND."),
)


class ActionForm(forms.Form):
    """Every action may carry ``version`` for an optimistic check.

    ``api_help`` is the API schema's English help per field; the limits
    themselves are read off the fields (``workflows.api.form_schema``).
    """

    version = forms.IntegerField(required=False, min_value=1)
    api_help: ClassVar[dict[str, str]] = {
        "version": "The version you last read; a stale one answers 409."
    }


class CommentForm(ActionForm):
    comment = forms.CharField(required=False, max_length=4000)


class RequiredCommentForm(ActionForm):
    comment = forms.CharField(
        max_length=4000, error_messages={"required": _("Cần ghi rõ lý do (ý kiến).")}
    )
    api_help: ClassVar[dict[str, str]] = {**ActionForm.api_help, "comment": "Required: the reason."}


class WithdrawForm(RequiredCommentForm):
    """The reason for withdrawing; its own class so its page can ask for it in its own words."""


class DeliverableForm(forms.Form):
    name = forms.CharField(max_length=200)
    unit = forms.CharField(max_length=50)
    target = forms.IntegerField(min_value=1, max_value=10**15)
    achieved = forms.IntegerField(required=False, min_value=0, max_value=10**15)


class AchievedForm(forms.Form):
    name = forms.CharField(max_length=200)
    achieved = forms.IntegerField(min_value=0, max_value=10**15)
    api_help: ClassVar[dict[str, str]] = {"name": "A deliverable's name."}


class FundingLineForm(forms.Form):
    item = forms.CharField(max_length=200)
    amount = MoneyField()
    api_help: ClassVar[dict[str, str]] = {"amount": "Whole VND."}


class ItAppraisalForm(forms.Form):
    number = forms.CharField(max_length=60)
    date = forms.DateField()


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationError(_("Không có cơ quan mã %(code)s.") % {"code": code}, code="unknown")
    return agency


class ModelFieldsForm(ActionForm):
    """SPEC §3 fields that an agency writes when it registers or resubmits."""

    title = forms.CharField(max_length=300)
    tasks = forms.CharField(max_length=10000)
    coordinating_agencies = CodeListField(required=False, max_items=MAX_AGENCY_CODES)
    responsible_officer = forms.CharField(max_length=150)
    deadline = forms.DateField()
    needs_funding = StrictBooleanField(required=False)
    needs_population_db_connection = StrictBooleanField(required=False)
    deliverables = RowsField(
        row_form=DeliverableForm, min_rows=1, max_rows=MAX_DELIVERABLES, unique="name"
    )
    is_sample = StrictBooleanField(required=False)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "coordinating_agencies": "Agency codes.",
        "responsible_officer": "Username of an officer of the lead agency.",
        "deadline": "Not in the past.",
        "needs_funding": "Absent means false.",
        "needs_population_db_connection": "Absent means false.",
        "deliverables": "Distinct names.",
        "is_sample": "True for demo titles (shown as “Dữ liệu mẫu”); absent means false.",
    }

    def clean_deadline(self) -> dt.date:
        deadline: dt.date = self.cleaned_data["deadline"]
        if deadline < clock.today():
            raise ValidationError(_("Thời hạn không được ở trong quá khứ."), code="past")
        return deadline

    def clean_coordinating_agencies(self) -> list[Agency]:
        return agencies_by_code(self.cleaned_data.get("coordinating_agencies") or [])

    def clean_deliverables(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.cleaned_data["deliverables"]
        names = [row["name"] for row in rows]
        if len(set(names)) != len(names):
            raise ValidationError(_("Tên sản phẩm không được trùng nhau."), code="duplicate")
        return rows


class RegisterForm(ModelFieldsForm):
    number = forms.IntegerField(min_value=1, max_value=1_000_000)
    lead_agency = forms.CharField(max_length=20)
    api_help: ClassVar[dict[str, str]] = {
        **ModelFieldsForm.api_help,
        "number": "Unique; shown as “Mô hình N”.",
        "lead_agency": "Code of the caller's own agency.",
    }

    def clean_lead_agency(self) -> Agency:
        return _agency(self.cleaned_data["lead_agency"])


class ResubmitForm(ModelFieldsForm):
    """The registration fields, any subset; those left out keep their value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["deliverables"].min_rows = 0  # type: ignore[attr-defined]

    def clean_deadline(self) -> dt.date | None:  # type: ignore[override]
        if self.cleaned_data.get("deadline") is None:
            return None
        return super().clean_deadline()

    def clean_deliverables(self) -> list[dict[str, Any]] | None:  # type: ignore[override]
        if not self.cleaned_data.get("deliverables"):
            return None
        return super().clean_deliverables()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["provided"] = set(self.data)
        return data


class RequestFundingForm(ActionForm):
    amount = MoneyField()
    funding_source = forms.ChoiceField(choices=FundingSource.choices)
    spending_kind = forms.ChoiceField(choices=SpendingKind.choices)
    budget_year = forms.IntegerField(min_value=2020, max_value=2100)
    lines = RowsField(
        row_form=FundingLineForm, min_rows=1, max_rows=MAX_BUDGET_LINES, unique="item"
    )
    justification = forms.CharField(max_length=10000)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "amount": "Whole VND.",
        "spending_kind": "provincial_investment needs investment; provincial_recurrent needs recurrent.",
        "lines": "Their amounts add up to `amount`.",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, kind = data.get("funding_source"), data.get("spending_kind")
        if source and kind and REQUIRED_KIND_OF_SOURCE.get(source, kind) != kind:
            self.add_error(
                "spending_kind",
                _("Nguồn %(source)s chỉ dùng cho loại chi %(kind)s.")
                % {
                    "source": FundingSource(source).label,
                    "kind": SpendingKind(REQUIRED_KIND_OF_SOURCE[source]).label,
                },
            )
        lines, amount = data.get("lines"), data.get("amount")
        if lines and amount is not None and sum(line["amount"] for line in lines) != amount:
            self.add_error("lines", _("Tổng các dòng dự toán phải bằng số tiền đề xuất."))
        return data


class ApproveFundingForm(ActionForm):
    approved_amount = MoneyField()
    decision_number = forms.CharField(max_length=60, validators=[decision_number_validator])
    decision_date = forms.DateField()
    it_appraisal = ObjectField(form=ItAppraisalForm, required=False)
    comment = forms.CharField(required=False, max_length=4000)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "approved_amount": "Whole VND, 0 < x ≤ the amount requested.",
        "decision_number": "e.g. 1234/QĐ-UBND",
        "decision_date": "Not in the future.",
    }

    def clean_decision_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["decision_date"]
        if day > clock.today():
            raise ValidationError(_("Ngày quyết định không được ở tương lai."), code="future")
        return day


class StartDeploymentForm(ActionForm):
    start_date = forms.DateField()


class ReportProgressForm(ActionForm):
    percent = forms.IntegerField(min_value=0, max_value=100)
    deliverables = RowsField(
        row_form=AchievedForm, required=False, max_rows=MAX_DELIVERABLES, unique="name"
    )
    note = forms.CharField(required=False, max_length=4000)


class SubmitCompletionForm(ActionForm):
    deliverables = RowsField(
        row_form=AchievedForm, min_rows=1, max_rows=MAX_DELIVERABLES, unique="name"
    )
    summary = forms.CharField(max_length=10000)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "deliverables": "Every deliverable, by name.",
    }


class SetBlockerForm(ActionForm):
    reason = forms.ChoiceField(choices=BlockerReason.choices)
    note = forms.CharField(required=False, max_length=4000)
    api_help: ClassVar[dict[str, str]] = {**ActionForm.api_help, "note": "Required for `other`."}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == BlockerReason.OTHER and not data.get("note"):
            self.add_error("note", _("Lý do 'Khác' cần ghi chú."))
        return data


class ClearBlockerForm(ActionForm):
    reason = forms.ChoiceField(choices=BlockerReason.choices)
    comment = forms.CharField(required=False, max_length=4000)


class UpdateDetailsForm(ActionForm):
    """Only the fields that change; at least one."""

    tasks = forms.CharField(required=False, max_length=10000)
    coordinating_agencies = CodeListField(required=False, max_items=MAX_AGENCY_CODES)
    responsible_officer = forms.CharField(required=False, max_length=150)
    deliverables = RowsField(
        row_form=DeliverableForm, required=False, max_rows=MAX_DELIVERABLES, unique="name"
    )
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "deliverables": "The full new list; until completion is submitted.",
    }

    def clean_coordinating_agencies(self) -> list[Agency] | None:
        if "coordinating_agencies" not in self.data:
            return None
        return agencies_by_code(self.cleaned_data.get("coordinating_agencies") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not any(
                data.get(name) not in (None, "", [])
                for name in ("tasks", "responsible_officer", "deliverables")
            )
            and data.get("coordinating_agencies") is None
        ):
            raise ValidationError(_("Không có thông tin nào được thay đổi."), code="empty")
        return data


class ExtendDeadlineForm(ActionForm):
    deadline = forms.DateField()
    decision_number = forms.CharField(max_length=60, validators=[decision_number_validator])
    comment = forms.CharField(required=False, max_length=4000)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "deadline": "Later than the current deadline.",
        "decision_number": "e.g. 1234/QĐ-UBND",
    }


class ReassignLeadAgencyForm(ActionForm):
    lead_agency = forms.CharField(max_length=20)
    responsible_officer = forms.CharField(max_length=150)
    decision_number = forms.CharField(max_length=60, validators=[decision_number_validator])
    comment = forms.CharField(required=False, max_length=4000)
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "lead_agency": "Agency code.",
        "responsible_officer": "Username of an officer of that agency.",
        "decision_number": "e.g. 1234/QĐ-UBND",
    }

    def clean_lead_agency(self) -> Agency:
        return _agency(self.cleaned_data["lead_agency"])


class RecordDbPermissionForm(ActionForm):
    document_number = forms.CharField(max_length=60)
    date = forms.DateField()
    api_help: ClassVar[dict[str, str]] = {**ActionForm.api_help, "date": "Not in the future."}


class CancelForm(ActionForm):
    decision_number = forms.CharField(max_length=60, validators=[decision_number_validator])
    comment = forms.CharField(
        max_length=4000, error_messages={"required": _("Cần ghi rõ lý do (ý kiến).")}
    )
    api_help: ClassVar[dict[str, str]] = {
        **ActionForm.api_help,
        "decision_number": "e.g. 1234/QĐ-UBND",
        "comment": "Required: the reason.",
    }


def officer_of(username: str, agency: Agency) -> Any:
    """The user named, who must be an active officer of ``agency``."""
    user = (
        get_user_model()
        .objects.filter(
            username=username, is_active=True, official__agency=agency, groups__name="officer"
        )
        .first()
    )
    if user is None:
        raise ValidationError(
            _("%(user)s không phải cán bộ của %(agency)s.")
            % {"user": username, "agency": agency.code},
            code="not_officer",
        )
    return user
