"""The page of a decision node: the node's actions, each with its own form.

On submit it calls the service, never ``activation.execute()``; the
service completes the task.  The forms are the same page forms as on the
model's action pages, so both pages validate and refuse alike.  A task that
was decided meanwhile (through the API, another tab, a colleague) gets a
clear message and nothing is written: not viewflow's 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from approvals.client_ip import client_ip


class DecisionView(LoginRequiredMixin, View):
    template_name = "workflows/task_decision.html"

    def _task(self, request: HttpRequest) -> Any:
        return request.activation.task  # type: ignore[attr-defined]

    def _pilot_model(self, request: HttpRequest) -> Any:
        from approvals.exceptions import NotFound

        from .page_selectors import pilot_model_of_task
        from .services import get_visible
        from .services.base import audit_refusal

        pilot_model = pilot_model_of_task(self._task(request))
        if pilot_model is None:
            raise Http404
        try:
            return get_visible(request.user, pilot_model.pk)
        except NotFound as error:
            if request.method == "POST":  # a refused action, on a model this user cannot see: a request
                action = str(request.POST.get("action", ""))[:64] if not (request.content_type or "").startswith("multipart/") else ""
                audit_refusal(action or "unknown", actor=request.user, object_id=pilot_model.pk, error=error, ip=client_ip(request))
            raise Http404 from None

    def _context(self, request: HttpRequest, pilot_model: Any, *, bound: Any = None, bound_action: str = "") -> dict[str, Any]:
        from viewflow.workflow.status import STATUS

        from .forms import PAGE_FORMS
        from .page_selectors import RETURN_ACTIONS, action_context
        from .services import available_actions
        from .states import Action

        task = self._task(request)
        allowed = set(available_actions(pilot_model, request.user))
        node_actions = [name for name in getattr(task.flow_task, "actions", ()) if name in allowed]
        forms = []
        for name in node_actions:
            form = bound if name == bound_action and bound is not None else PAGE_FORMS[name](pilot_model=pilot_model, user=request.user)
            forms.append(
                {
                    "name": name,
                    "label": Action(name).label,
                    "form": form,
                    "danger": name in RETURN_ACTIONS,
                    **action_context(pilot_model, name),
                }
            )
        in_queue = bool(task.owner_permission) and task.owner_permission in request.user.get_all_permissions()
        return {
            "task": task,
            "title": str(task.flow_task.task_title or task.flow_task.name),
            "pm": pilot_model,
            "forms": forms,
            "open_action": bound_action or (node_actions[0] if node_actions else ""),
            "in_queue": in_queue,
            "can_claim": in_queue and task.status == STATUS.NEW,
            "can_unclaim": in_queue and task.status == STATUS.ASSIGNED and task.owner_id == request.user.pk,
        }

    def _stale(self, request: HttpRequest, pilot_model: Any, status: int, message: str = "") -> HttpResponse:
        task = self._task(request)
        return render(
            request,
            "workflows/task_stale.html",
            {"task": task, "pm": pilot_model, "message": message, "title": str(task.flow_task.task_title or task.flow_task.name)},
            status=status,
        )

    def _is_open(self, request: HttpRequest) -> bool:
        from .bridge import OPEN_TASK

        task = self._task(request)
        task.refresh_from_db()
        return task.status in OPEN_TASK

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        pilot_model = self._pilot_model(request)
        if not self._is_open(request):
            return self._stale(request, pilot_model, status=200)
        return render(request, self.template_name, self._context(request, pilot_model))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        from approvals.exceptions import DomainError, Invalid, Throttled

        from .forms import PAGE_FORMS
        from .services import perform
        from .states import Action
        from .throttle import check, refused_page

        try:
            check(request)
        except Throttled as error:
            return refused_page(request, error)
        pilot_model = self._pilot_model(request)
        if not self._is_open(request):
            return self._stale(request, pilot_model, status=409)
        task = self._task(request)
        action = request.POST.get("action", "")
        if action not in getattr(task.flow_task, "actions", ()) or action not in PAGE_FORMS:
            return self._stale(request, pilot_model, status=409, message=_("Thao tác không thuộc bước này."))
        form = PAGE_FORMS[action](data=request.POST, files=request.FILES, pilot_model=pilot_model, user=request.user)
        try:
            perform(
                action,
                pilot_model_id=pilot_model.pk,
                actor=request.user,
                data=form.action_data(),
                files=request.FILES.getlist("files"),
                ip=client_ip(request),
            )
        except Invalid as error:
            form.show_errors(error.errors)
            context = self._context(request, pilot_model, bound=form, bound_action=action)
            return render(request, self.template_name, context, status=400)
        except DomainError as error:
            return self._stale(request, pilot_model, status=error.status, message=str(error))
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": Action(action).label})
        return HttpResponseRedirect(reverse("workflows:detail", kwargs={"pk": pilot_model.pk}))
