"""No multipart body is read before its sender is known to be allowed to send it (review, upload item).

Django reads a whole multipart body (into memory and temporary files) the
first time anything touches ``request.POST``, and the CSRF check touches
it for every page POST, before any view.  So a signed-in user of any
agency could stream a few hundred MB at ``submit_completion`` and only
then be told 404.  ``UploadGateMiddleware`` sits before the CSRF check
and decides from the URL and the credentials alone:

* a large multipart body is accepted only by the actions that take files
  (``services.precheck.file_actions``: the API action, the page action
  and the flow task page that offers it), or by a view marked with
  ``accepts_uploads(allowed)``; anywhere else a multipart body is held to
  the size of any other form (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and a
  larger one is refused 413, unread;
* for those actions, the checks that need no input run first
  (``services.precheck``: 401, 404, 403, 409, separation of duties) and
  the action POST counts against the sender's rate budget; a refusal is
  answered, and audited, before the body is read.

The request's total size is capped by ``uploads`` (Content-Length, then
while streaming).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import ResolverMatch
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from viewflow.workflow.models import Task

from approvals.client_ip import client_ip
from approvals.exceptions import DomainError, NotAuthenticated, NotFound

from . import throttle
from .actions import actions_of_node
from .api.auth import TokenAuthentication
from .api.language import activate_for
from .selectors import pilot_model_of_task
from .services.precheck import file_actions, precheck
from .uploads import RequestSizeMiddleware

UPLOAD_CHECK = "pilot06_upload_check"


def accepts_uploads(allowed: Callable[[HttpRequest], bool]) -> Callable[[Any], Any]:
    """Let a view receive multipart bodies, from senders for whom ``allowed(request)`` holds (checked unread)."""

    def mark(view: Any) -> Any:
        setattr(view, UPLOAD_CHECK, allowed)
        return view

    return mark


def _declared(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_multipart(request: HttpRequest) -> bool:
    return request.method == "POST" and str(request.META.get("CONTENT_TYPE", "")).startswith(
        "multipart/"
    )


def _target(match: ResolverMatch) -> tuple[str, str, Any] | None:
    """``(surface, action, pilot model id)`` when the URL is an action that takes files."""
    actions = file_actions()
    kwargs = match.kwargs
    if match.namespaces == ["api"] and match.url_name and match.url_name.startswith("action-"):
        action = match.url_name.removeprefix("action-")
        return ("api", action, kwargs.get("pk")) if action in actions else None
    if match.view_name == "workflows:action" and kwargs.get("action") in actions:
        return "page", str(kwargs["action"]), kwargs.get("pk")
    if match.url_name == "execute" and "task_pk" in kwargs:
        return _task_target(kwargs, actions)
    return None


def _task_target(kwargs: dict[str, Any], actions: frozenset[str]) -> tuple[str, str, Any] | None:
    task = Task.objects.filter(pk=kwargs["task_pk"], process_id=kwargs.get("process_pk")).first()
    if task is None:
        return None
    offered = [name for name in actions_of_node(task.flow_task.name) if name in actions]
    pilot_model = pilot_model_of_task(task)
    if not offered or pilot_model is None:
        return None
    return "task", offered[0], pilot_model.pk


def _sender(request: HttpRequest, surface: str) -> Any:
    """Who sends it: the API believes a token first, then the session, as its views do."""
    if surface == "api":
        found = TokenAuthentication().authenticate(Request(request))
        if found is not None:
            return found[0]
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class UploadGateMiddleware:
    """Place it before ``CsrfViewMiddleware``: its ``process_view`` must run before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not _is_multipart(request) or request.resolver_match is None:
            return None
        allowed = getattr(view, UPLOAD_CHECK, None)
        if allowed is not None:
            return None if allowed(request) else self._refuse_page(request, NotFound())
        target = _target(request.resolver_match)
        api = request.path.startswith("/api/")
        if target is None:
            # Not an upload: a form sent as multipart, no larger than any other form.
            limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
            return (
                RequestSizeMiddleware.too_large(request, limit)
                if limit and _declared(request) > limit
                else None
            )
        surface, action, pilot_model_id = target
        try:
            sender = _sender(request, surface)
        except AuthenticationFailed:
            sender = None
        if sender is None:
            if api:
                return self._refuse_api(request, NotAuthenticated(_("Cần đăng nhập.")))
            return redirect_to_login(request.get_full_path())
        try:
            throttle.check(request, user=sender)
            precheck(action, pilot_model_id=pilot_model_id, actor=sender, ip=client_ip(request))
        except DomainError as error:
            return self._refuse_api(request, error) if api else self._refuse_page(request, error)
        return None

    @staticmethod
    def _refuse_api(request: HttpRequest, error: DomainError) -> HttpResponse:
        activate_for(request)
        response = JsonResponse({"detail": str(error), "code": error.code}, status=error.status)
        if error.status == 401:
            response["WWW-Authenticate"] = "Token"
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response

    @staticmethod
    def _refuse_page(request: HttpRequest, error: DomainError) -> HttpResponse:
        if isinstance(error, NotFound):
            # Django's own 404 page, without the CSRF check its decorator runs: that check reads the body.
            response: HttpResponse = page_not_found.__wrapped__(request, Http404())  # type: ignore[attr-defined]
            return response
        response = render(
            request,
            "workflows/refused.html",
            {"error": error, "title": _("Không thực hiện được")},
            status=error.status,
        )
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
