"""What answers under ``/api/`` when no API view does: JSON, whatever the method.

Two gaps let HTML through before.  A path no route matched, or an id the
URL pattern refuses (``-1``), fell to a plain Django view that
``CsrfViewMiddleware`` guarded: a POST with a valid token got the HTML CSRF
page, a GET a JSON 404.  And Django's own error handlers (a bad Host, an
exception no view caught, a CSRF refusal) answer with HTML pages.

``not_found`` is the last route under ``/api/`` and is CSRF-exempt: it
changes nothing, so there is nothing to forge, and a typo answers
``404 not_found`` with or without credentials.  It also takes paths without
their trailing slash, so ``CommonMiddleware`` never redirects an API call
(a redirected POST loses its body).  The handlers answer JSON for
``/api/`` paths and hand every other path to Django's defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import error_body, field_errors
from .language import activate_for

PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path == PREFIX.rstrip("/") or request.path.startswith(PREFIX)


def _answer(status_code: int, body: Callable[[], Any]) -> Callable[..., JsonResponse]:
    """A JSON answer whose messages are in the request's API language (``language``)."""

    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        activate_for(request)
        return JsonResponse(body(), status=status_code)

    return answer


# Any path under /api/ that no route takes, with any method.
not_found = csrf_exempt(
    _answer(404, lambda: error_body(exceptions.NotFound.default_detail, "not_found"))
)


def _for_api(
    json_answer: Callable[..., JsonResponse], default: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return json_answer(request) if is_api(request) else default(request, *args, **kwargs)

    handler.__doc__ = f"JSON under {PREFIX}, else Django's ``{default.__name__}``."
    return handler


bad_request = _for_api(
    _answer(400, lambda: field_errors([_("Yêu cầu không hợp lệ.")])),
    defaults.bad_request,
)
permission_denied = _for_api(
    _answer(403, lambda: error_body(exceptions.PermissionDenied.default_detail, "forbidden")),
    defaults.permission_denied,
)
page_not_found = _for_api(not_found, defaults.page_not_found)
server_error = _for_api(
    _answer(500, lambda: error_body(_("Lỗi máy chủ; hãy thử lại sau."), "server_error")),
    defaults.server_error,
)
csrf_failure = _for_api(
    _answer(403, lambda: error_body(_("Thiếu hoặc sai mã CSRF."), "csrf_failed")),
    csrf.csrf_failure,
)


class JsonErrorsMixin:
    """For API views whose own renderers are not JSON (the schema's YAML, the docs' HTML page).

    Their successes keep their format; their errors (405, 401, 406…) are the
    API's ``{detail, code}`` in JSON like everywhere else under ``/api/``.
    """

    def handle_exception(self, exc: Exception) -> Response:
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        request: Request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
        return response
