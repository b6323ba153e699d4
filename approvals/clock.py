"""The one clock services read.

Tests move it with time-machine; ``seed_demo`` replays five months of
history by pinning it per event, so durations in the demo are real ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_pinned: ContextVar[dt.datetime | None] = ContextVar("pilot06_clock", default=None)


def now() -> dt.datetime:
    pinned = _pinned.get()
    return pinned if pinned is not None else timezone.now()


def today() -> dt.date:
    """Today in the province's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(now()).date()


@contextmanager
def pinned_at(moment: dt.datetime) -> Iterator[None]:
    token = _pinned.set(moment)
    try:
        yield
    finally:
        _pinned.reset(token)
