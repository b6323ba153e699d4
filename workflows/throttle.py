"""A per-person limit on action POSTs, shared by the API and the pages (review finding M1).

Every action POST counts, refused or not: 300 made-up actions in a minute
were how the trail was flooded.  The budget is ``PILOT06_ACTION_RATE``
(``30/minute`` by default; ``off`` disables it), counted per user in fixed
windows in Django's cache.  The default cache lives in each process, so a
deployment with several workers should point ``CACHES`` at a shared store
for the limit to hold across them.  A throttled request is answered 429
with code ``throttled`` and writes nothing, not even an audit entry.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from approvals.exceptions import Throttled

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_COUNTED = "_pilot06_action_counted"


def rate() -> tuple[int, int] | None:
    """``(requests, seconds)`` from ``PILOT06_ACTION_RATE``, or None when there is no limit."""
    text = str(getattr(settings, "PILOT06_ACTION_RATE", "") or "").strip().lower()
    if text in {"", "off", "none", "0"}:
        return None
    count, _slash, period = text.partition("/")
    return int(count), _PERIODS[period.rstrip("s")]


def check(request: Any, *, user: Any = None) -> None:
    """Count this action POST against its sender's budget; raise ``Throttled`` past it.

    ``user`` defaults to ``request.user``.  A request is counted once,
    however many layers ask (the upload gate, then the view).
    """
    limit = rate()
    user = user if user is not None else getattr(request, "user", None)
    if (
        limit is None
        or user is None
        or not user.is_authenticated
        or getattr(request, _COUNTED, False)
    ):
        return
    setattr(request, _COUNTED, True)
    allowed, period = limit
    now = time.time()
    window = int(now // period)
    key = f"pilot06:actions:{user.pk}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 1)
        used = 1
    if used > allowed:
        wait = max(1, int(period - (now % period)) + 1)
        raise Throttled(
            _("Bạn gửi quá nhiều yêu cầu; hãy thử lại sau %(n)s giây.") % {"n": wait},
            retry_after=wait,
        )


def limit_action_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page view whose POSTs count against the sender's budget: 429 once it is spent."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            try:
                check(request)
            except Throttled as error:
                return refused_page(request, error)
        return view(request, *args, **kwargs)

    return wrapper


def refused_page(request: HttpRequest, error: Throttled) -> HttpResponse:
    response = render(
        request,
        "workflows/refused.html",
        {"error": error, "title": _("Tạm dừng nhận yêu cầu")},
        status=error.status,
    )
    response["Retry-After"] = str(error.retry_after)
    return response
