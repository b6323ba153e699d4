"""Document each action's request body from the very form that validates it.

The services validate input with Django forms (``workflows.action_inputs``); the
OpenAPI schema needs DRF serializers.  This adapter turns a form into a
serializer class field by field, so every limit, choice and pattern is
written once, in the form.  The serializers only document: the raw body
still goes to ``services.perform``, which validates it after the role,
state and separation-of-duties checks (SPEC §4's order).

English help for the schema comes from the form's ``api_help`` mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..fields import CodeListField, MoneyField, ObjectField, RowsField, StrictBooleanField


def _common(form_field: forms.Field, help_text: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"required": bool(form_field.required)}
    if help_text:
        kwargs["help_text"] = help_text
    return kwargs


def _regex(form_field: forms.Field) -> str | None:
    for validator in form_field.validators:
        if isinstance(validator, RegexValidator):
            regex = validator.regex
            return regex if isinstance(regex, str) else str(regex.pattern)
    return None


def field_for(form_field: forms.Field, help_text: str = "") -> serializers.Field:
    """The serializer field that documents ``form_field``."""
    kwargs = _common(form_field, help_text)
    if isinstance(form_field, RowsField):
        return serializers.ListField(
            child=body_for(form_field.row_form)(),
            min_length=form_field.min_rows or (1 if form_field.required else None),
            max_length=form_field.max_rows,
            **kwargs,
        )
    if isinstance(form_field, ObjectField):
        return body_for(form_field.form)(**kwargs)
    if isinstance(form_field, CodeListField):
        return serializers.ListField(
            child=serializers.CharField(max_length=form_field.code_max_length),
            max_length=getattr(form_field, "max_items", None),
            **kwargs,
        )
    if isinstance(form_field, StrictBooleanField):
        return serializers.BooleanField(**{**kwargs, "required": False})
    if isinstance(form_field, MoneyField):
        return serializers.IntegerField(
            min_value=form_field.min_value, max_value=form_field.max_value, **kwargs
        )
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(
            choices=list(cast(Iterable[Any], form_field.choices)), **kwargs
        )
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(form_field, forms.IntegerField):
        low, high = cast(int | None, form_field.min_value), cast(int | None, form_field.max_value)
        return serializers.IntegerField(min_value=low, max_value=high, **kwargs)
    if isinstance(form_field, forms.CharField):
        text: dict[str, Any] = {"max_length": form_field.max_length, **kwargs}
        if not form_field.required:
            text["allow_blank"] = True
        pattern = _regex(form_field)
        if pattern is not None:
            return serializers.RegexField(pattern, **text)
        return serializers.CharField(**text)
    raise TypeError(f"no schema for {type(form_field).__name__}")


def body_name(form_class: type[forms.Form]) -> str:
    return form_class.__name__.removesuffix("Form") + "Body"


@cache
def body_for(form_class: type[forms.Form]) -> type[serializers.Serializer]:
    """One serializer class per form class (shared by every action that takes it)."""
    form = form_class()  # the fields as the form sets them up (some relax ``required``)
    help_texts: dict[str, str] = getattr(form_class, "api_help", {})
    fields = {
        name: field_for(field, help_texts.get(name, "")) for name, field in form.fields.items()
    }
    attrs: dict[str, Any] = {**fields, "__doc__": (form_class.__doc__ or "").strip() or None}
    return type(body_name(form_class), (serializers.Serializer,), attrs)


@extend_schema_field({"type": "string", "format": "binary"})
class EvidenceFileField(serializers.FileField):
    """A file part of a multipart body (drf-spectacular documents a FileField as a response's URI)."""


class SubmitCompletionMultipart(serializers.Serializer):
    """The multipart envelope of an action that takes files: its JSON as a part, and the files."""

    # Shadows Serializer.data for mypy only; DRF takes declared fields off the class.
    data = serializers.CharField(help_text="The JSON body (SubmitCompletionBody) as text.")  # type: ignore[assignment]
    files = serializers.ListField(
        child=EvidenceFileField(),
        required=False,
        max_length=20,
        help_text="Evidence: PDF, JPEG, PNG or DOCX (sniffed), at most 20 MB each.",
    )
