"""The page of a decision node: the node's actions as a small form.

On submit it calls the service, never ``activation.execute()``.  The full
pages (inbox, detail, one form per action) build on this; here it stays a
plain form so the flow can be driven through its own URLs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


class DecisionView(LoginRequiredMixin, View):
    template_name = "workflows/task_decision.html"

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        from .services import available_actions, get_visible
        from .states import Action

        task = request.activation.task  # type: ignore[attr-defined]
        pilot_model = getattr(task.process, "pilot_model", None)
        if pilot_model is None:
            pilot_model = task.process.funding_request.pilot_model
        pilot_model = get_visible(request.user, pilot_model.pk)
        node_actions = getattr(task.flow_task, "actions", ())
        allowed = set(available_actions(pilot_model, request.user))
        actions = [(name, Action(name).label) for name in node_actions if name in allowed]
        return {"task": task, "pilot_model": pilot_model, "actions": actions, **extra}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        from approvals.exceptions import DomainError

        try:
            context = self._context(request)
        except DomainError as error:
            return render(request, "workflows/task_stale.html", {"error": error}, status=error.status)
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        from approvals.exceptions import DomainError, Invalid

        from .services import perform

        action = request.POST.get("action", "")
        try:
            context = self._context(request)
            if action not in dict(context["actions"]) and action:
                # Not offered any more: let the service say why (stale page, wrong role).
                pass
            data = {key: value for key, value in request.POST.items() if key not in {"csrfmiddlewaretoken", "action"}}
            pilot_model = perform(
                action,
                pilot_model_id=context["pilot_model"].pk,
                actor=request.user,
                data=data,
                files=request.FILES.getlist("files"),
                ip=client_ip(request),
            )
        except Invalid as error:
            context = self._context(request, errors=error.errors)
            return render(request, self.template_name, context, status=400)
        except DomainError as error:
            return render(request, "workflows/task_stale.html", {"error": error}, status=error.status)
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": action})
        return HttpResponseRedirect(f"/pilot-models/{pilot_model.pk}/")
