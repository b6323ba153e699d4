"""Pages: thin views that read through selectors and act through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from approvals.exceptions import NotFound

from . import selectors, services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workflows/home.html", {"tasks": selectors.inbox(request.user)})


@login_required
def pilot_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pilot_model = services.get_visible(request.user, pk)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "workflows/detail.html",
        {
            "pm": pilot_model,
            "actions": services.available_actions(pilot_model, request.user),
            "steps": pilot_model.steps.select_related("submitted_by", "decided_by"),
            "deliverables": pilot_model.deliverables.all(),
        },
    )
