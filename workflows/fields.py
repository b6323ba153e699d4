"""Form fields for the way officials write: 1.250.000.000 đ, dd/mm/yyyy, JSON lists.

The same fields validate the REST API's JSON and the pages' forms, so a bad
amount gets the same message on both.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .states import MAX_VND

_MONEY_NOISE = re.compile(r"[\s.\u00a0]|đồng|đ|VND|vnd")


class MoneyField(forms.Field):
    """A whole number of VND, 0 < x ≤ 10^13, written 1250000000 or 1.250.000.000."""

    min_value = 1
    max_value = MAX_VND

    default_error_messages = {
        "invalid": _("Số tiền phải là số nguyên đồng, ví dụ 1.250.000.000."),
        "min": _("Số tiền phải lớn hơn 0."),
        "max": _("Số tiền không được vượt quá 10.000.000.000.000 đồng."),
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value) or not value.is_integer():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = int(value)
        if isinstance(value, int):
            number = value
        else:
            text = _MONEY_NOISE.sub("", str(value)).strip()
            if not re.fullmatch(r"-?\d+", text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            number = int(text)
        if number < self.min_value:
            raise ValidationError(self.error_messages["min"], code="min")
        if number > self.max_value:
            raise ValidationError(self.error_messages["max"], code="max")
        return number


class JSONValueField(forms.Field):
    """Takes a JSON value as is (from the API) or as JSON text (from a form)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            if value.strip() == "":
                return None
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ValidationError(
                    _("Dữ liệu không đúng định dạng JSON."), code="invalid"
                ) from exc
        return value


class RowsField(JSONValueField):
    """A list of objects, each validated by ``row_form``; errors name the row.

    ``unique`` names the key two rows may not share (a deliverable's name, a
    budget line's item): a repeat would overwrite or double-count, so it is
    refused rather than silently dropped.
    """

    def __init__(
        self,
        *,
        row_form: type[forms.Form],
        min_rows: int = 0,
        max_rows: int = 200,
        unique: str = "",
        **kwargs: Any,
    ) -> None:
        self.row_form = row_form
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.unique = unique
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[dict[str, Any]] | None:
        value = self.to_python(value)
        if value in (None, []):
            if self.required or self.min_rows:
                raise ValidationError(
                    _("Cần ít nhất %(n)s dòng.") % {"n": max(1, self.min_rows)}, code="required"
                )
            return [] if value == [] else None
        if not isinstance(value, list):
            raise ValidationError(_("Phải là một danh sách."), code="invalid")
        if len(value) < self.min_rows:
            raise ValidationError(
                _("Cần ít nhất %(n)s dòng.") % {"n": self.min_rows}, code="min_rows"
            )
        if len(value) > self.max_rows:
            raise ValidationError(_("Tối đa %(n)s dòng.") % {"n": self.max_rows}, code="max_rows")
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        for index, raw in enumerate(value, start=1):
            if not isinstance(raw, Mapping):
                errors.append(str(_("Dòng %(i)s: phải là một đối tượng.") % {"i": index}))
                continue
            form = self.row_form(data=dict(raw))
            if form.is_valid():
                rows.append(form.cleaned_data)
            else:
                for field, messages in form.errors.items():
                    for message in messages:
                        errors.append(
                            str(
                                _("Dòng %(i)s, %(field)s: %(message)s")
                                % {"i": index, "field": field, "message": message}
                            )
                        )
        if errors:
            raise ValidationError(errors)
        self._refuse_repeats(rows)
        return rows

    def _refuse_repeats(self, rows: list[dict[str, Any]]) -> None:
        if not self.unique:
            return
        first: dict[Any, int] = {}
        errors: list[str] = []
        for index, row in enumerate(rows, start=1):
            key = row.get(self.unique)
            if key in first:
                errors.append(
                    str(
                        _("Dòng %(i)s trùng “%(key)s” với dòng %(j)s.")
                        % {"i": index, "key": key, "j": first[key]}
                    )
                )
            else:
                first[key] = index
        if errors:
            raise ValidationError(errors, code="duplicate")


class ObjectField(JSONValueField):
    """One nested object, validated by ``form``."""

    def __init__(self, *, form: type[forms.Form], **kwargs: Any) -> None:
        self.form = form
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dict[str, Any] | None:
        value = self.to_python(value)
        if value in (None, {}):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if not isinstance(value, Mapping):
            raise ValidationError(_("Phải là một đối tượng."), code="invalid")
        form = self.form(data=dict(value))
        if not form.is_valid():
            raise ValidationError(
                [f"{field}: {m}" for field, msgs in form.errors.items() for m in msgs]
            )
        return form.cleaned_data


class CodeListField(JSONValueField):
    """A list of codes, from JSON or a comma-separated string; repeats count once, at most ``max_items``.

    A code named twice means the same agency twice, so repeats are dropped
    (keeping the order); the cap then bounds the work one request can ask
    for, before anything looks the codes up.
    """

    def __init__(self, *, max_items: int = 50, **kwargs: Any) -> None:
        self.max_items = max_items
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        codes = list(dict.fromkeys(self.to_python(value)))
        self.validate(codes)
        self.run_validators(codes)
        if len(codes) > self.max_items:
            raise ValidationError(_("Tối đa %(n)s mã.") % {"n": self.max_items}, code="max_items")
        return codes

    code_max_length = 20

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str) and not value.strip().startswith("["):
            value = [part.strip() for part in value.split(",") if part.strip()]
        else:
            value = super().to_python(value)
        if value is None:
            return []
        # A NUL can never be a code, and PostgreSQL refuses it in a query (a 500).
        if not isinstance(value, list) or not all(
            isinstance(v, str) and "\x00" not in v for v in value
        ):
            raise ValidationError(_("Phải là danh sách mã."), code="invalid")
        return value


class StrictBooleanField(forms.Field):
    """A boolean that refuses anything but true/false (the API must not guess)."""

    def to_python(self, value: Any) -> bool:
        if value in (True, "true", "True", "on", "1", 1):
            return True
        if value in (False, "false", "False", "0", 0, None, ""):
            return False
        raise ValidationError(_("Phải là true hoặc false."), code="invalid")

    def validate(self, value: Any) -> None:
        """False is a value, not a missing one."""
