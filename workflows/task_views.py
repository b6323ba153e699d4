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
from viewflow.workflow.status import STATUS

from approvals.client_ip import client_ip
from approvals.exceptions import DomainError, Invalid, NotFound, Throttled

from .actions import actions_of_node
from .labels import action_label
from .page_context import action_context, button_tone
from .page_forms import page_form_for
from .routing import OPEN_TASK
from .selectors import available_actions, get_visible, pilot_model_of_task
from .services import perform
from .services.pipeline import audit_refusal
from .throttle import check, refused_page


class DecisionView(LoginRequiredMixin, View):
    template_name = "workflows/task_decision.html"

    def _task(self, request: HttpRequest) -> Any:
        return request.activation.task  # type: ignore[attr-defined]

    def _pilot_model(self, request: HttpRequest) -> Any:
        pilot_model = pilot_model_of_task(self._task(request))
        if pilot_model is None:
            raise Http404
        try:
            return get_visible(request.user, pilot_model.pk)
        except NotFound as error:
            if (
                request.method == "POST"
            ):  # a refused action, on a model this user cannot see: a request
                action = (
                    str(request.POST.get("action", ""))[:64]
                    if not (request.content_type or "").startswith("multipart/")
                    else ""
                )
                audit_refusal(
                    action or "unknown",
                    actor=request.user,
                    object_id=pilot_model.pk,
                    error=error,
                    ip=client_ip(request),
                )
            raise Http404 from None

    def _context(
        self, request: HttpRequest, pilot_model: Any, *, bound: Any = None, bound_action: str = ""
    ) -> dict[str, Any]:
        task = self._task(request)
        allowed = set(available_actions(pilot_model, request.user))
        node_actions = [name for name in actions_of_node(task.flow_task.name) if name in allowed]
        forms = []
        for name in node_actions:
            page_form = page_form_for(name)
            assert page_form is not None
            form = (
                bound
                if name == bound_action and bound is not None
                else page_form(pilot_model=pilot_model, user=request.user)
            )
            forms.append(
                {
                    "name": name,
                    "label": action_label(name),
                    "form": form,
                    "danger": button_tone(name) == "danger",
                    **action_context(pilot_model, name),
                }
            )
        in_queue = (
            bool(task.owner_permission)
            and task.owner_permission in request.user.get_all_permissions()
        )
        return {
            "task": task,
            "title": str(task.flow_task.task_title or task.flow_task.name),
            "pm": pilot_model,
            "forms": forms,
            "open_action": bound_action or (node_actions[0] if node_actions else ""),
            "in_queue": in_queue,
            "can_claim": in_queue and task.status == STATUS.NEW,
            "can_unclaim": in_queue
            and task.status == STATUS.ASSIGNED
            and task.owner_id == request.user.pk,
        }

    def _stale(
        self, request: HttpRequest, pilot_model: Any, status: int, message: str = ""
    ) -> HttpResponse:
        task = self._task(request)
        return render(
            request,
            "workflows/task_stale.html",
            {
                "task": task,
                "pm": pilot_model,
                "message": message,
                "title": str(task.flow_task.task_title or task.flow_task.name),
            },
            status=status,
        )

    def _is_open(self, request: HttpRequest) -> bool:
        task = self._task(request)
        task.refresh_from_db()
        return task.status in OPEN_TASK

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        pilot_model = self._pilot_model(request)
        if not self._is_open(request):
            return self._stale(request, pilot_model, status=200)
        return render(request, self.template_name, self._context(request, pilot_model))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            check(request)
        except Throttled as error:
            return refused_page(request, error)
        pilot_model = self._pilot_model(request)
        if not self._is_open(request):
            return self._stale(request, pilot_model, status=409)
        task = self._task(request)
        action = request.POST.get("action", "")
        page_form = page_form_for(action)
        if action not in actions_of_node(task.flow_task.name) or page_form is None:
            return self._stale(
                request, pilot_model, status=409, message=_("Thao tác không thuộc bước này.")
            )
        form = page_form(
            data=request.POST, files=request.FILES, pilot_model=pilot_model, user=request.user
        )
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
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": action_label(action)})
        return HttpResponseRedirect(reverse("workflows:detail", kwargs={"pk": pilot_model.pk}))
