"""Template filters for documents: money and days the way officials write them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

from reports.documents import vnd as format_vnd

register = template.Library()


@register.filter
def vnd(amount: Any) -> str:
    """1250000000 → ``1.250.000.000``, whatever the active locale."""
    return format_vnd(amount)


@register.filter
def days(value: Any) -> str:
    """Days with one decimal in the active locale (vi: 12.5 → ``12,5``); None → ``—``."""
    if value is None or value == "":
        return "—"
    return formats.number_format(float(value), decimal_pos=1)
