"""The pages' forms: each action's input form (``workflows.action_inputs``) with widgets and Vietnamese text.

``page_form_for(action)`` derives a page form from the action's declaration:
a page class written for that input form (``PAGE_OF_INPUT``) when its
fields need widgets or choices, otherwise a plain one.

Validation stays in one place.  A page form only *renders* an action's
input and turns the posted HTML fields back into the shape the service
takes (lists of rows, nested objects); ``services.perform`` validates with
the very form class it subclasses, and its ``Invalid`` errors are shown on
this form.  So the page, the REST API and ``seed_demo`` refuse bad input
with the same messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from approvals import clock
from approvals.models import Agency
from approvals.permissions import agency_id_of
from approvals.roles import Role

from . import action_inputs
from .actions import model_actions
from .models import PilotModel
from .states import BlockerReason, Bucket, State
from .widgets import (
    AchievedWidget,
    AppraisalWidget,
    MoneyInput,
    MultipleFileInput,
    RowsWidget,
    VietDateInput,
)

# Labels and help ------------------------------------------------------

LABELS: dict[str, Any] = {
    "number": _("Số mô hình"),
    "title": _("Tên mô hình"),
    "tasks": _("Nhiệm vụ (rõ việc)"),
    "lead_agency": _("Cơ quan chủ trì"),
    "coordinating_agencies": _("Cơ quan phối hợp"),
    "responsible_officer": _("Cán bộ phụ trách (rõ người)"),
    "deadline": _("Thời hạn hoàn thành (rõ thời gian)"),
    "needs_funding": _("Cần kinh phí"),
    "needs_population_db_connection": _("Cần kết nối CSDL quốc gia về dân cư"),
    "deliverables": _("Sản phẩm định lượng"),
    "is_sample": _("Dữ liệu mẫu (không phải mô hình thật của tỉnh)"),
    "comment": _("Ý kiến"),
    "amount": _("Số tiền đề xuất (đồng)"),
    "funding_source": _("Nguồn kinh phí"),
    "spending_kind": _("Loại chi"),
    "budget_year": _("Năm ngân sách"),
    "lines": _("Dự toán chi tiết"),
    "justification": _("Thuyết minh"),
    "approved_amount": _("Số tiền phê duyệt (đồng)"),
    "decision_number": _("Số quyết định"),
    "decision_date": _("Ngày quyết định"),
    "it_appraisal": _("Văn bản thẩm định nội dung CNTT (nếu có)"),
    "start_date": _("Ngày bắt đầu triển khai"),
    "percent": _("Tiến độ chung (%)"),
    "note": _("Ghi chú"),
    "summary": _("Tóm tắt kết quả"),
    "reason": _("Lý do vướng mắc"),
    "document_number": _("Số văn bản cho phép"),
    "date": _("Ngày văn bản"),
    "files": _("Tệp minh chứng"),
}

HELP: dict[str, Any] = {
    "number": _("Số thứ tự trong danh mục mô hình của tỉnh, ví dụ 6."),
    "deadline": _("Nhập theo dạng ngày/tháng/năm, ví dụ 13/06/2026."),
    "coordinating_agencies": _("Chọn các cơ quan cùng thực hiện (có thể để trống)."),
    "deliverables": _(
        "Mỗi dòng một sản phẩm đo đếm được: tên, đơn vị tính, chỉ tiêu. Cần ít nhất một dòng."
    ),
    "amount": _("Số nguyên đồng, ví dụ 1.250.000.000."),
    "approved_amount": _("Không vượt số tiền đề xuất. Ví dụ 1.000.000.000."),
    "decision_number": _("Dạng 1234/QĐ-UBND."),
    "decision_date": _("Ngày/tháng/năm, không sau hôm nay."),
    "lines": _("Tổng các dòng phải bằng số tiền đề xuất."),
    "spending_kind": _(
        "NS tỉnh – đầu tư công đi với chi đầu tư; NS tỉnh – chi thường xuyên đi với chi thường xuyên."
    ),
    "start_date": _("Ngày/tháng/năm."),
    "date": _("Ngày/tháng/năm, không sau hôm nay."),
    "files": _("PDF, JPEG, PNG hoặc DOCX; tối đa 20 MB mỗi tệp và 20 tệp mỗi lần gửi."),
    "percent": _("Từ 0 đến 100."),
    "note": _("Bắt buộc khi lý do là “Khác”."),
}

REQUIRED_COMMENT_HELP = _("Bắt buộc: nêu rõ lý do để cơ quan chủ trì hoàn thiện.")


def _officer_choices(agency_id: int | None = None) -> list[Any]:
    """Active officers as (username, "name (username)"), grouped by agency when not given one."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.OFFICER)
        .select_related("official__agency")
    )
    if agency_id is not None:
        users = users.filter(official__agency_id=agency_id)
    users = users.order_by("official__agency__code", "username").distinct()
    if agency_id is not None:
        return [(u.username, _person(u)) for u in users]
    groups: dict[str, list[tuple[str, str]]] = {}
    for user in users:
        code = user.official.agency.code if hasattr(user, "official") else "—"
        groups.setdefault(code, []).append((user.username, _person(user)))
    return [(code, rows) for code, rows in groups.items()]


def _person(user: Any) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def _agency_choices(exclude: int | None = None) -> list[tuple[str, str]]:
    agencies = Agency.objects.order_by("code")
    if exclude is not None:
        agencies = agencies.exclude(pk=exclude)
    return [(a.code, f"{a.code} – {a.name}") for a in agencies]


# Page forms -----------------------------------------------------------


class PageForm(forms.Form):
    """Base of an action's page form: labels, widgets, and the service's errors.

    Subclasses put it first and the input form second, e.g.
    ``class ApproveFundingPage(PageForm, action_inputs.ApproveFundingForm)``.
    """

    labels: ClassVar[dict[str, Any]] = {}
    help_texts: ClassVar[dict[str, Any]] = {}
    # Fields the page sends as uploaded files, not as data.
    file_fields: ClassVar[tuple[str, ...]] = ()
    multipart: ClassVar[bool] = False

    def __init__(
        self, *args: Any, pilot_model: PilotModel | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        self.pilot_model = pilot_model
        self.user = user
        if pilot_model is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(pilot_model)
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = self.labels.get(name) or LABELS.get(name, field.label)
            help_text = self.help_texts.get(name) or HELP.get(name)
            if help_text:
                field.help_text = help_text
            if isinstance(field, forms.DateField):
                field.widget = VietDateInput()
            elif field.__class__.__name__ == "MoneyField":
                field.widget = MoneyInput()
            elif field.__class__.__name__ == "StrictBooleanField":
                field.widget = forms.CheckboxInput()
            elif name in {"comment", "justification", "summary", "tasks", "note"}:
                field.widget = forms.Textarea(attrs={"rows": 3})
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            if pilot_model is not None:
                self.initial.setdefault("version", pilot_model.version)
        self.setup()

    def initial_for(self, pilot_model: PilotModel) -> dict[str, Any]:
        return {"version": pilot_model.version}

    def setup(self) -> None:
        """Choices and rows that depend on the model or the user."""

    def action_data(self) -> dict[str, Any]:
        """The posted fields in the shape the service takes (widgets parse rows and objects)."""
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            if name in self.file_fields:
                continue
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if value is None and field.widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            ):
                continue
            data[name] = value
        return data

    def show_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        """Put the service's ``{field: [messages]}`` on the form; unknown fields go on top."""
        self._errors = ErrorDict()
        for field, messages in errors.items():
            key = field if field in self.fields else NON_FIELD_ERRORS
            bucket = self._errors.setdefault(key, self.error_class(renderer=self.renderer))
            prefix = "" if key == field or field == NON_FIELD_ERRORS else f"{field}: "
            bucket.extend(f"{prefix}{message}" for message in messages)
        self.cleaned_data = {}


def _deliverable_rows(pilot_model: PilotModel) -> list[dict[str, Any]]:
    return [
        {"name": d.name, "unit": d.unit, "target": d.target, "achieved": d.achieved}
        for d in pilot_model.deliverables.all()
    ]


DELIVERABLE_COLUMNS = [
    ("name", _("Tên sản phẩm"), "text"),
    ("unit", _("Đơn vị tính"), "text"),
    ("target", _("Chỉ tiêu"), "number"),
]
LINE_COLUMNS = [("item", _("Nội dung chi"), "text"), ("amount", _("Số tiền (đồng)"), "money")]


class _ModelFieldsPage(PageForm):
    def setup(self) -> None:
        agency_id = self.lead_agency_id()
        self.fields["responsible_officer"].widget = forms.Select(
            choices=[("", "—"), *_officer_choices(agency_id)]
        )
        self.fields["coordinating_agencies"].widget = forms.CheckboxSelectMultiple(
            choices=_agency_choices(exclude=agency_id)
        )
        self.fields["deliverables"].widget = RowsWidget(DELIVERABLE_COLUMNS, extra=2)
        self.fields["title"].widget = forms.TextInput(attrs={"class": "wide"})

    def lead_agency_id(self) -> int | None:
        if self.pilot_model is not None:
            return self.pilot_model.lead_agency_id
        return agency_id_of(self.user)


class RegisterPage(_ModelFieldsPage, action_inputs.RegisterForm):
    """pilot_model_register: an officer registers a model led by their own agency."""

    field_order = [
        "number",
        "title",
        "lead_agency",
        "tasks",
        "responsible_officer",
        "deadline",
        "coordinating_agencies",
        "deliverables",
        "needs_funding",
        "needs_population_db_connection",
        "is_sample",
    ]

    def setup(self) -> None:
        super().setup()
        own = agency_id_of(self.user)
        agencies = Agency.objects.filter(pk=own) if own is not None else Agency.objects.none()
        choices = [(a.code, f"{a.code} – {a.name}") for a in agencies]
        self.fields["lead_agency"].widget = forms.Select(choices=choices)
        if choices:
            self.initial.setdefault("lead_agency", choices[0][0])
        self.initial.setdefault("responsible_officer", getattr(self.user, "username", ""))
        self.initial.setdefault("needs_funding", True)
        self.fields["lead_agency"].help_text = _(
            "Chỉ đăng ký được mô hình do cơ quan mình chủ trì."
        )


class ResubmitPage(_ModelFieldsPage, action_inputs.ResubmitForm):
    field_order = [
        "title",
        "tasks",
        "responsible_officer",
        "deadline",
        "coordinating_agencies",
        "deliverables",
        "needs_funding",
        "needs_population_db_connection",
        "is_sample",
    ]

    def initial_for(self, pilot_model: PilotModel) -> dict[str, Any]:
        return {
            "version": pilot_model.version,
            "title": pilot_model.title,
            "tasks": pilot_model.tasks,
            "coordinating_agencies": [a.code for a in pilot_model.coordinating_agencies.all()],
            "responsible_officer": pilot_model.responsible_officer.username,
            "deadline": pilot_model.deadline,
            "needs_funding": pilot_model.needs_funding,
            "needs_population_db_connection": pilot_model.needs_population_db_connection,
            "deliverables": _deliverable_rows(pilot_model),
            "is_sample": pilot_model.is_sample,
        }


def _comparable(value: Any) -> str:
    """A value reduced to text, so "10" typed equals 10 stored."""
    if isinstance(value, Mapping):
        value = {k: _comparable(v) for k, v in value.items() if k in {"name", "unit", "target"}}
    elif isinstance(value, list | tuple):
        value = [_comparable(v) for v in value]
    elif value is None:
        value = ""
    else:
        value = str(value).strip()
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class UpdateDetailsPage(PageForm, action_inputs.UpdateDetailsForm):
    """Sends only what was changed, so unchanged targets after completion are no error."""

    help_texts: ClassVar[dict[str, Any]] = {
        "deliverables": _("Sửa chỉ tiêu được cho đến khi gửi báo cáo hoàn thành."),
    }

    def initial_for(self, pilot_model: PilotModel) -> dict[str, Any]:
        return {
            "version": pilot_model.version,
            "tasks": pilot_model.tasks,
            "coordinating_agencies": [a.code for a in pilot_model.coordinating_agencies.all()],
            "responsible_officer": pilot_model.responsible_officer.username,
            "deliverables": _deliverable_rows(pilot_model),
        }

    def setup(self) -> None:
        agency_id = self.pilot_model.lead_agency_id if self.pilot_model else None
        self.fields["responsible_officer"].widget = forms.Select(
            choices=_officer_choices(agency_id)
        )
        self.fields["coordinating_agencies"].widget = forms.CheckboxSelectMultiple(
            choices=_agency_choices(exclude=agency_id)
        )
        self.fields["deliverables"].widget = RowsWidget(DELIVERABLE_COLUMNS, extra=1)

    def action_data(self) -> dict[str, Any]:
        data = super().action_data()
        changed: dict[str, Any] = {"version": data.get("version")}
        for name, value in data.items():
            if name == "version":
                continue
            if name == "coordinating_agencies":
                value = value or []
            if _comparable(value) != _comparable(self.initial.get(name)):
                changed[name] = value
        return changed


class CommentPage(PageForm, action_inputs.CommentForm):
    pass


class RequiredCommentPage(PageForm, action_inputs.RequiredCommentForm):
    help_texts: ClassVar[dict[str, Any]] = {"comment": REQUIRED_COMMENT_HELP}


class RequestFundingPage(PageForm, action_inputs.RequestFundingForm):
    def setup(self) -> None:
        self.fields["lines"].widget = RowsWidget(LINE_COLUMNS, extra=3)
        self.fields["funding_source"].choices = [("", "—"), *self.fields["funding_source"].choices]  # type: ignore[attr-defined]
        self.fields["spending_kind"].choices = [("", "—"), *self.fields["spending_kind"].choices]  # type: ignore[attr-defined]
        self.initial.setdefault("budget_year", clock.today().year)


class ApproveFundingPage(PageForm, action_inputs.ApproveFundingForm):
    def setup(self) -> None:
        self.fields["it_appraisal"].widget = AppraisalWidget()


class StartDeploymentPage(PageForm, action_inputs.StartDeploymentForm):
    def setup(self) -> None:
        self.initial.setdefault("start_date", clock.today())


class ReportProgressPage(PageForm, action_inputs.ReportProgressForm):
    labels: ClassVar[dict[str, Any]] = {"deliverables": _("Kết quả đạt được đến nay")}
    help_texts: ClassVar[dict[str, Any]] = {
        "deliverables": _("Để trống sản phẩm chưa có số liệu mới.")
    }

    def initial_for(self, pilot_model: PilotModel) -> dict[str, Any]:
        return {"version": pilot_model.version, "percent": pilot_model.progress_percent}

    def setup(self) -> None:
        widget = AchievedWidget(skip_empty=True)
        widget.deliverables = _deliverable_rows(self.pilot_model) if self.pilot_model else []
        self.fields["deliverables"].widget = widget


class SubmitCompletionPage(PageForm, action_inputs.SubmitCompletionForm):
    labels: ClassVar[dict[str, Any]] = {"deliverables": _("Kết quả đạt được của từng sản phẩm")}
    help_texts: ClassVar[dict[str, Any]] = {
        "deliverables": _("Bắt buộc nhập số đạt được cho mọi sản phẩm.")
    }
    file_fields = ("files",)
    multipart = True

    files_field = forms.FileField(required=False, widget=MultipleFileInput())

    def setup(self) -> None:
        widget = AchievedWidget(skip_empty=False)
        widget.deliverables = _deliverable_rows(self.pilot_model) if self.pilot_model else []
        self.fields["deliverables"].widget = widget
        field = self.fields.pop("files_field")
        field.label = LABELS["files"]
        field.help_text = HELP["files"]
        self.fields["files"] = field


class SetBlockerPage(PageForm, action_inputs.SetBlockerForm):
    def setup(self) -> None:
        open_reasons: set[str] = set()
        if self.pilot_model is not None:
            open_reasons = set(
                self.pilot_model.blockers.filter(cleared_at__isnull=True).values_list(
                    "reason", flat=True
                )
            )
        choices = [
            (value, label) for value, label in BlockerReason.choices if value not in open_reasons
        ]
        self.fields["reason"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class ClearBlockerPage(PageForm, action_inputs.ClearBlockerForm):
    labels: ClassVar[dict[str, Any]] = {"reason": _("Vướng mắc cần gỡ")}

    def setup(self) -> None:
        open_reasons: list[str] = []
        if self.pilot_model is not None:
            open_reasons = list(
                self.pilot_model.blockers.filter(cleared_at__isnull=True).values_list(
                    "reason", flat=True
                )
            )
        self.fields["reason"].choices = [(r, BlockerReason(r).label) for r in open_reasons]  # type: ignore[attr-defined]


class ExtendDeadlinePage(PageForm, action_inputs.ExtendDeadlineForm):
    labels: ClassVar[dict[str, Any]] = {"deadline": _("Thời hạn mới")}
    help_texts: ClassVar[dict[str, Any]] = {
        "deadline": _("Phải sau thời hạn hiện tại; ngày/tháng/năm.")
    }


class ReassignLeadAgencyPage(PageForm, action_inputs.ReassignLeadAgencyForm):
    labels: ClassVar[dict[str, Any]] = {
        "lead_agency": _("Cơ quan chủ trì mới"),
        "responsible_officer": _("Cán bộ phụ trách mới"),
    }
    help_texts: ClassVar[dict[str, Any]] = {
        "responsible_officer": _("Phải là cán bộ của cơ quan chủ trì mới.")
    }

    def setup(self) -> None:
        exclude = self.pilot_model.lead_agency_id if self.pilot_model else None
        self.fields["lead_agency"].widget = forms.Select(
            choices=[("", "—"), *_agency_choices(exclude=exclude)]
        )
        self.fields["responsible_officer"].widget = forms.Select(
            choices=[("", "—"), *_officer_choices()]
        )


class RecordDbPermissionPage(PageForm, action_inputs.RecordDbPermissionForm):
    help_texts: ClassVar[dict[str, Any]] = {
        "document_number": _("Văn bản cho phép kết nối, khai thác CSDL quốc gia về dân cư.")
    }


class CancelPage(PageForm, action_inputs.CancelForm):
    help_texts: ClassVar[dict[str, Any]] = {
        "comment": _("Bắt buộc: nêu rõ lý do hủy."),
        "decision_number": _("Quyết định hủy, dạng 1234/QĐ-UBND."),
    }


class WithdrawPage(PageForm, action_inputs.WithdrawForm):
    help_texts: ClassVar[dict[str, Any]] = {"comment": _("Bắt buộc: nêu rõ lý do rút đăng ký.")}


# Page classes for the input forms whose fields need more than labels.
PAGE_OF_INPUT: dict[type[forms.Form], type[PageForm]] = {
    action_inputs.CommentForm: CommentPage,
    action_inputs.RequiredCommentForm: RequiredCommentPage,
    action_inputs.WithdrawForm: WithdrawPage,
    action_inputs.RegisterForm: RegisterPage,
    action_inputs.ResubmitForm: ResubmitPage,
    action_inputs.RequestFundingForm: RequestFundingPage,
    action_inputs.ApproveFundingForm: ApproveFundingPage,
    action_inputs.StartDeploymentForm: StartDeploymentPage,
    action_inputs.ReportProgressForm: ReportProgressPage,
    action_inputs.SubmitCompletionForm: SubmitCompletionPage,
    action_inputs.SetBlockerForm: SetBlockerPage,
    action_inputs.ClearBlockerForm: ClearBlockerPage,
    action_inputs.UpdateDetailsForm: UpdateDetailsPage,
    action_inputs.ExtendDeadlineForm: ExtendDeadlinePage,
    action_inputs.ReassignLeadAgencyForm: ReassignLeadAgencyPage,
    action_inputs.RecordDbPermissionForm: RecordDbPermissionPage,
    action_inputs.CancelForm: CancelPage,
}


@cache
def _plain_page(form_class: type[forms.Form]) -> type[PageForm]:
    return type(f"{form_class.__name__.removesuffix('Form')}Page", (PageForm, form_class), {})


def page_form_for(action: str) -> type[PageForm] | None:
    """The page form of a model's action, from its declaration; None for no such action."""
    spec = model_actions().get(action)
    if spec is None:
        return None
    return PAGE_OF_INPUT.get(spec.form_class) or _plain_page(spec.form_class)


# The model list's filters ---------------------------------------------


class ModelFilterForm(forms.Form):
    """The list's filters, read from the query string; a bad value is just ignored."""

    q = forms.CharField(required=False, label=_("Tìm theo số hoặc tên"), max_length=100)
    state = forms.ChoiceField(required=False, label=_("Trạng thái"))
    bucket = forms.ChoiceField(required=False, label=_("Nhóm"))
    lead_agency = forms.ChoiceField(required=False, label=_("Cơ quan chủ trì"))
    blocker = forms.ChoiceField(required=False, label=_("Vướng mắc"))
    overdue = forms.BooleanField(required=False, label=_("Chỉ mô hình quá hạn"))

    def __init__(self, *args: Any, agencies: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("Tất cả"))
        self.fields["state"].choices = [everything, *State.choices]  # type: ignore[attr-defined]
        self.fields["bucket"].choices = [everything, *Bucket.choices]  # type: ignore[attr-defined]
        self.fields["lead_agency"].choices = [everything, *agencies]  # type: ignore[attr-defined]
        blockers = [everything, ("any", _("Có vướng mắc (bất kỳ)")), *BlockerReason.choices]
        self.fields["blocker"].choices = blockers  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters only; an invalid one is dropped rather than refusing the page."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in ("", None, False)
        }
