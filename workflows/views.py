"""Pages: thin views that read through selectors and act through services.

Each view parses the request, lets the service check permission and
state, and maps the outcome to a page: ``Invalid`` re-renders the form with
the service's messages (400); any other refusal shows its message with its
status and writes nothing (the service has rolled back).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.client_ip import client_ip
from approvals.exceptions import Conflict, DomainError, Forbidden, Invalid, NotFound
from approvals.permissions import agency_id_of, authorising_role
from approvals.roles import Role, roles_of

from . import claims, evidence, page_context, selectors, services, throttle, trail
from .actions import REGISTRY
from .labels import action_label
from .models import EvidenceFile
from .page_forms import ModelFilterForm, PageForm, RegisterPage, page_form_for
from .services.pipeline import audit_refusal
from .states import Action

PAGE_SIZE = 25


def _refused(
    request: HttpRequest, error: DomainError, *, pilot_model: Any = None, title: str = ""
) -> HttpResponse:
    """A refusal as a page: the service's message, its status, and the reassurance that nothing changed."""
    return render(
        request,
        "workflows/refused.html",
        {"error": error, "pilot_model": pilot_model, "title": title or _("Không thực hiện được")},
        status=error.status,
    )


def _visible_or_404(request: HttpRequest, pk: int, *, refused_action: str = "") -> Any:
    """The model, or a 404; a refused action on it is audited as a request (review M1)."""
    try:
        return selectors.get_visible(request.user, pk)
    except NotFound as error:
        if refused_action:
            audit_refusal(
                refused_action, actor=request.user, object_id=pk, error=error, ip=client_ip(request)
            )
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role's home: tasks to do (mine, queued, held by colleagues) and the models at a glance."""
    roles = roles_of(request.user)
    return render(
        request,
        "workflows/home.html",
        {
            "inbox": page_context.inbox_for(request.user),
            "figures": page_context.home_figures(request.user),
            "roles": [Role(r).label for r in sorted(roles)],
            "can_register": Role.OFFICER in roles and agency_id_of(request.user) is not None,
            "read_only": roles <= {Role.INSPECTOR},
        },
    )


@login_required
def pilot_model_list(request: HttpRequest) -> HttpResponse:
    form = ModelFilterForm(
        request.GET or None, agencies=page_context.agency_choices_for(request.user)
    )
    filters = form.filters() if request.GET else {}
    qs = page_context.pilot_model_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/list.html",
        {
            "form": form,
            "page": page,
            "rows": page_context.list_rows(page),
            "query": query.urlencode(),
            "filtered": bool(filters),
            "can_register": Role.OFFICER in roles_of(request.user),
        },
    )


@login_required
def pilot_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot_model = _visible_or_404(request, pk)
    return render(
        request, "workflows/detail.html", page_context.pilot_model_record(pilot_model, request.user)
    )


@login_required
def pilot_model_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole trail, paged: the record page shows only its latest entries."""
    pilot_model = _visible_or_404(request, pk)
    page = Paginator(trail.entries_of(pilot_model), int(settings.PILOT06_TRAIL_PAGE_SIZE)).get_page(
        request.GET.get("page")
    )
    rows = page_context.audit_rows(pilot_model, page.object_list)
    return render(
        request,
        "workflows/audit.html",
        {"pm": pilot_model, "page": page, "rows": rows, "query": ""},
    )


def _action_page(
    request: HttpRequest, *, form: PageForm, pilot_model: Any, action: str, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "pm": pilot_model,
        "action": action,
        "action_label": action_label(action),
        "task_id": request.GET.get("task") or request.POST.get("task") or "",
        "danger": page_context.button_tone(action) == "danger",
        **(page_context.action_context(pilot_model, action) if pilot_model is not None else {}),
    }
    return render(request, "workflows/action.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@throttle.limit_action_posts
def pilot_model_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action's form: GET shows it, POST hands it to the service."""
    posted = action if request.method == "POST" else ""
    form_class = page_form_for(action)
    if form_class is None:
        _visible_or_404(request, pk, refused_action=posted)
        if posted:
            audit_refusal(
                posted, actor=request.user, object_id=pk, error=NotFound(), ip=client_ip(request)
            )
        raise Http404
    pilot_model = _visible_or_404(request, pk, refused_action=posted)
    if request.method == "GET":
        if action not in selectors.available_actions(pilot_model, request.user):
            return _refused(
                request,
                _why_not(request.user, pilot_model, action),
                pilot_model=pilot_model,
                title=action_label(action),
            )
        form = form_class(pilot_model=pilot_model, user=request.user)
        return _action_page(request, form=form, pilot_model=pilot_model, action=action)
    form = form_class(
        data=request.POST, files=request.FILES, pilot_model=pilot_model, user=request.user
    )
    try:
        services.perform(
            action,
            pilot_model_id=pilot_model.pk,
            actor=request.user,
            data=form.action_data(),
            files=request.FILES.getlist("files"),
            ip=client_ip(request),
        )
    except Invalid as error:
        form.show_errors(error.errors)
        return _action_page(request, form=form, pilot_model=pilot_model, action=action, status=400)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        return _refused(request, error, pilot_model=pilot_model, title=action_label(action))
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": action_label(action)})
    return HttpResponseRedirect(reverse("workflows:detail", kwargs={"pk": pilot_model.pk}))


def _why_not(user: Any, pilot_model: Any, action: str) -> DomainError:
    """Why an action is not offered: the role (403) or the model's situation (409)."""
    spec = REGISTRY[action]
    if authorising_role(user, spec.roles, lead_agency_id=pilot_model.lead_agency_id) is None:
        return Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    return Conflict(
        _(
            "Thao tác này không thực hiện được ở tình trạng hiện tại của mô hình (hoặc bạn không được tự quyết định hồ sơ của mình)."
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
@throttle.limit_action_posts
def pilot_model_register(request: HttpRequest) -> HttpResponse:
    """pilot_model_register: only an officer registers, for their own agency."""
    if Role.OFFICER not in roles_of(request.user):
        return _refused(
            request,
            Forbidden(_("Chỉ cán bộ cơ quan chủ trì được đăng ký mô hình.")),
            title=action_label(Action.REGISTER),
        )
    if request.method == "GET":
        form = RegisterPage(user=request.user)
        return render(
            request,
            "workflows/action.html",
            {"form": form, "action": "register", "action_label": action_label(Action.REGISTER)},
        )
    form = RegisterPage(data=request.POST, user=request.user)
    try:
        pilot_model = services.pilot_model_register(
            actor=request.user, data=form.action_data(), ip=client_ip(request)
        )
    except Invalid as error:
        form.show_errors(error.errors)
        context = {
            "form": form,
            "action": "register",
            "action_label": action_label(Action.REGISTER),
        }
        return render(request, "workflows/action.html", context, status=400)
    except DomainError as error:
        return _refused(request, error, title=action_label(Action.REGISTER))
    messages.success(
        request,
        _("Đã đăng ký Mô hình %(n)s; hồ sơ đã gửi Công an tỉnh thẩm định.")
        % {"n": pilot_model.number},
    )
    return HttpResponseRedirect(reverse("workflows:detail", kwargs={"pk": pilot_model.pk}))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workflows:home")


@login_required
@require_POST
def task_claim(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        claims.task_claim(task_id=task_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(_back(request))
    messages.success(request, _("Bạn đã nhận việc này."))
    return HttpResponseRedirect(_back(request))


@login_required
@require_POST
def task_unclaim(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        claims.task_unclaim(task_id=task_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(_back(request))
    messages.success(request, _("Đã trả việc về hàng chờ chung."))
    return HttpResponseRedirect(_back(request))


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, only for those who may see its model; always an attachment, never sniffed."""
    item = EvidenceFile.objects.select_related("report").filter(pk=pk).first()
    if item is None:
        raise Http404
    _visible_or_404(request, item.report.pilot_model_id)
    path = evidence.path_of(item.stored_name)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
