"""Turn a caller's raw input into an action's cleaned data, with one error format.

JSON callers can send any type where a form expects text or a date; the
check here refuses those before Django's fields see them (some would
crash), then the action's input form validates shape and ranges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from approvals.exceptions import Invalid


def _wrong_type(form_class: type[forms.Form], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Text and date fields given an object, a list or a boolean (JSON callers can send any type).

    Django's CharField would store ``{"a": 1}`` as the text "{'a': 1}", and
    its DateField calls ``.strip()`` on whatever it gets (a 500 for a list);
    a number is still taken as its digits, as DRF's CharField does.  Rows
    and nested objects (deliverables, it_appraisal) are checked the same way.
    """
    errors: dict[str, list[str]] = {}
    for name, form_field in form_class.base_fields.items():
        value = data.get(name)
        if value is None or isinstance(value, str):
            continue
        if isinstance(form_field, forms.CharField) and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            errors[name] = [_("Cần nhập văn bản.")]
        elif isinstance(form_field, forms.DateField) and not isinstance(value, dt.date):
            errors[name] = [_("Cần nhập ngày.")]
        else:
            nested = getattr(form_field, "row_form", None) or getattr(form_field, "form", None)
            rows = value if isinstance(value, list) else [value]
            if nested is not None:
                inner = [
                    f"{key}: {message}"
                    for row in rows
                    if isinstance(row, Mapping)
                    for key, messages in _wrong_type(nested, row).items()
                    for message in messages
                ]
                if inner:
                    errors[name] = inner
    return errors


def clean_form(
    form_class: type[forms.Form], data: Mapping[str, Any], files: Any = None
) -> dict[str, Any]:
    wrong_type = _wrong_type(form_class, data)
    if wrong_type:
        # Checked first: some Django fields crash on such values instead of refusing them.
        raise Invalid(wrong_type)
    form = form_class(data=dict(data), files=files)
    if not form.is_valid():
        raise Invalid({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return dict(form.cleaned_data)
