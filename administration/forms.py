"""Page input for the administrator: the workbook upload and an official's details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import Agency
from approvals.roles import Role
from workflows.province_import.sheets import MAX_FILE_BYTES


class UploadForm(forms.Form):
    workbook = forms.FileField(label=_("Tệp bảng tính (.xlsx)"))

    def clean_workbook(self) -> Any:
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn quá %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class OfficialForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), help_text=_("Liên kết đặt mật khẩu được gửi tới địa chỉ này.")
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.order_by("code"),
        to_field_name="code",
        empty_label=None,
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].label_from_instance = lambda a: f"{a.code} – {a.name}"  # type: ignore[attr-defined]
        if editing:
            del self.fields["username"]
