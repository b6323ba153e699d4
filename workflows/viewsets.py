"""Mount the flows' task URLs without viewflow's process-level bypasses.

viewflow's process cancel view would end a process without the services;
removing its path keeps every change on the one service path.

viewflow answers 403 (or a redirect) for a process or task the user may
not open and 404 for one that does not exist, which tells anyone which ids
exist.  SPEC §1 answers 404 for what a user may not see, so every view
mounted here first asks an anonymous visitor to log in, then checks that
the user may see the process's pilot model, and turns any remaining
refusal into a 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver
from viewflow.workflow.flow import FlowViewset

from approvals.exceptions import NotFound

from .models import FundingRequest, PilotModel
from .selectors import get_visible

View = Callable[..., HttpResponseBase]


def _visible_process(user: Any, process_pk: Any) -> bool:
    """Whether ``user`` may see the pilot model behind a main or funding-round process."""
    model_id = PilotModel.objects.filter(process_id=process_pk).values_list("pk", flat=True).first()
    if model_id is None:
        model_id = (
            FundingRequest.objects.filter(process_id=process_pk)
            .values_list("pilot_model_id", flat=True)
            .first()
        )
    if model_id is None:
        return False
    try:
        get_visible(user, model_id)
    except NotFound:
        return False
    return True


def not_found_when_forbidden(view: View) -> View:
    """The view, answering 404 for another agency's process and wherever it would answer 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Before anything is looked up: an existing task and a missing one answer alike (review I3).
            return redirect_to_login(request.get_full_path())
        if "process_pk" in kwargs and not _visible_process(user, kwargs["process_pk"]):
            raise Http404
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None
        if response.status_code == 403:
            raise Http404
        return response

    return wrapper


def _hide_forbidden(patterns: Iterable[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _hide_forbidden(pattern.url_patterns)
        else:
            pattern.callback = not_found_when_forbidden(pattern.callback)


class TaskPagesViewset(FlowViewset):  # type: ignore[misc]
    process_cancel_path = None
    index_path = None
    process_list_path = None
    process_detail_path = None
    task_list_path = None
    chart_path = None
    flow_chart_path = None

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns: list[URLPattern | URLResolver] = super()._get_urls()
        _hide_forbidden(patterns)
        return patterns
