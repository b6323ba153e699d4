"""Template filters for the way officials read: 1.250.000.000 đ, dd/mm/yyyy, state badges.

Django's ``intcomma`` follows the active locale, so an English page would
print 1,250,000,000; money in this province is always written the
Vietnamese way, whatever the interface language, so ``vnd`` fixes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

_STATE_TONE = {
    "registered": "neutral",
    "funding_requested": "waiting",
    "financed": "info",
    "deploying": "progress",
    "completed": "done",
    "cancelled": "muted",
}


def group_thousands(number: int) -> str:
    """1250000000 → "1.250.000.000" (no locale lookup, so it never varies)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")


@register.filter
def vnd(value: Any) -> str:
    """Money as officials write it: ``1.250.000.000 đ``; empty for no value."""
    if value in (None, ""):
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{group_thousands(number)}\u00a0đ"


@register.filter
def thousands(value: Any) -> str:
    """A whole number with dots between thousands, without the currency."""
    if value in (None, ""):
        return ""
    try:
        return group_thousands(int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def dmy(value: Any) -> str:
    """A date (or a datetime in the province's time zone) as dd/mm/yyyy."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@register.filter
def dmy_hm(value: Any) -> str:
    """A moment as ``HH:MM dd/mm/yyyy`` in the province's time zone."""
    if not isinstance(value, dt.datetime):
        return dmy(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.strftime("%H:%M %d/%m/%Y")


@register.filter
def state_tone(state: Any) -> str:
    """The CSS tone of a state badge, so each state reads at a glance."""
    return _STATE_TONE.get(str(state), "neutral")


@register.filter
def percent_of(achieved: Any, target: Any) -> int:
    """Achieved over target as a whole percent, capped at 100, for progress bars."""
    try:
        done, goal = int(achieved or 0), int(target or 0)
    except (TypeError, ValueError):
        return 0
    if goal <= 0:
        return 0
    return max(0, min(100, round(100 * done / goal)))
