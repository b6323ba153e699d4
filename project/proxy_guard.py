"""A clear error, not an endless redirect, behind an HTTPS proxy nobody declared (review, "not verified" item).

With DEBUG off Django redirects plain HTTP to HTTPS.  Behind a proxy that
terminates TLS, every request arrives as plain HTTP; only
``X-Forwarded-Proto: https`` says otherwise, and pilot06 believes that
header only from the ``PILOT06_TRUSTED_PROXY_COUNT`` proxies declared.
Left at 0 there, every page redirected to itself until the browser gave
up.  This middleware, first in the stack, answers such a request 500 with
the setting to change, and logs it.  (Start-up checks of the configuration
live apart; this one needs a request to see the proxy.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

MESSAGE = (
    "pilot06 receives plain HTTP from a proxy that says the client used HTTPS, "
    "but PILOT06_TRUSTED_PROXY_COUNT is 0, so every request would be redirected to itself. "
    "Set PILOT06_TRUSTED_PROXY_COUNT to the number of proxies in front of pilot06 "
    "(or DJANGO_SECURE_SSL_REDIRECT=false if nothing serves HTTPS)."
)


class UndeclaredProxyGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(settings, "SECURE_SSL_REDIRECT", False)
            and not int(getattr(settings, "PILOT06_TRUSTED_PROXY_COUNT", 0) or 0)
            and not request.is_secure()
            and request.META.get("HTTP_X_FORWARDED_PROTO", "").strip().lower() == "https"
        ):
            log.error(MESSAGE)
            return HttpResponse(MESSAGE, status=500, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
