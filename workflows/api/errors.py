"""One error shape for the whole API (SPEC §9).

Every error but 400 answers ``{detail, code}``; bad input answers
``{field: [messages]}``.  The services raise ``DomainError``s that already
carry their status and code, so this handler only translates shapes: it
adds no rule of its own.  Known failure modes (a lock timeout, an oversized
or malformed body) get a 4xx here, so none of them ever becomes a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from approvals.exceptions import DomainError, Invalid
from workflows.services.pipeline import is_lock_error, lock_failed

# The key DRF uses for errors that belong to no single field; the services'
# forms say ``__all__`` for the same thing, and the API speaks one dialect.
NON_FIELD = "non_field_errors"

# DRF's own codes, renamed to the ones SPEC §9 lists.
_CODES = {
    "authentication_failed": "not_authenticated",
    "permission_denied": "forbidden",
}


class CsrfFailed(exceptions.PermissionDenied):
    """A session-authenticated write without a valid CSRF token."""

    default_code = "csrf_failed"


class LockedOut(exceptions.APIException):
    """Too many failed logins for this username from this address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy(
        "Quá nhiều lần đăng nhập sai; tài khoản tạm bị khóa, hãy thử lại sau."
    )
    default_code = "locked_out"


def error_body(detail: Any, code: str) -> dict[str, str]:
    return {"detail": str(detail), "code": code}


def field_errors(errors: Any) -> dict[str, list[str]]:
    """``{field: [messages]}`` from whatever DRF or a form produced."""
    if isinstance(errors, dict):
        out: dict[str, list[str]] = {}
        for field, messages in errors.items():
            key = NON_FIELD if field == "__all__" else str(field)
            out[key] = _flatten(messages)
        return out
    return {NON_FIELD: _flatten(errors)}


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [f"{k}: {m}" for k, v in messages.items() for m in _flatten(v)]
    if isinstance(messages, list | tuple):
        return [m for item in messages for m in _flatten(item)]
    return [str(messages)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: domain errors first, then DRF's, reshaped."""
    if isinstance(exc, Invalid):
        return Response(field_errors(exc.errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DomainError):
        if exc.status == status.HTTP_400_BAD_REQUEST:
            return Response(field_errors([str(exc)]), status=exc.status)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Response(error_body(exc, exc.code), status=exc.status, headers=headers)
    if isinstance(exc, DatabaseError) and is_lock_error(exc):
        conflict = lock_failed()  # the same answer perform gives
        return Response(error_body(conflict, conflict.code), status=conflict.status)
    if isinstance(exc, SuspiciousOperation):
        # Among them: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files.
        return Response(
            field_errors([_("Yêu cầu quá lớn hoặc không hợp lệ.")]),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ParseError):
        response.data = field_errors([exc.detail])
        return response
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = field_errors(response.data)
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    response.data = error_body(
        exc.detail if not isinstance(exc.detail, list | dict) else exc.default_detail,
        _CODES.get(code, code),
    )
    return response
