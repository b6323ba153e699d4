"""Each approval step's time limit in working days, as the province profile sets it (issue 14).

A field ``time_limit_<step kind>`` of the profile holds the limit of that
step; a step kind with no such field (a step an extension declares) has no
time limit.  Pages ask on every request, so the limits are cached and
forgotten when the profile is saved.
"""

from __future__ import annotations

from django.core.cache import cache

from .models import PROFILE_PK, TIME_LIMIT_PREFIX, ProvinceProfile

CACHE_KEY = "pilot06:step-time-limits"
CACHE_SECONDS = 300


def limit_fields() -> dict[str, int]:
    """The profile's time-limit fields and their defaults."""
    return {
        f.name: int(f.get_default())
        for f in ProvinceProfile._meta.fields
        if f.name.startswith(TIME_LIMIT_PREFIX)
    }


def step_time_limits() -> dict[str, int]:
    """{step kind: working days}; the defaults while no profile is stored."""
    limits: dict[str, int] | None = cache.get(CACHE_KEY)
    if limits is None:
        fields = limit_fields()
        row = ProvinceProfile.objects.filter(pk=PROFILE_PK).values(*fields).first() or fields
        limits = {name.removeprefix(TIME_LIMIT_PREFIX): int(value) for name, value in row.items()}
        cache.set(CACHE_KEY, limits, CACHE_SECONDS)
    return limits


def forget() -> None:
    cache.delete(CACHE_KEY)
