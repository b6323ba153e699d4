"""The administrator's pages: thin views over ``province`` and ``workflows.province_import``.

Each view parses the request, calls the service (which checks the role
again and audits), and maps ``Invalid`` to the form again with a 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.client_ip import client_ip
from approvals.exceptions import DomainError, Invalid
from approvals.models import Agency, Official
from approvals.roles import Role
from province import people as people_services
from province.forms import profile_forms
from province.models import DocumentKind
from province.profile import issuer_code, load
from province.selectors import people_by_agency, people_without_agency, roles_by_user
from province.services import profile_update, stored_reports
from workflows.province_import import applying, reading, template

from . import pending
from .access import admin_required
from .forms import OfficialForm, UploadForm

SESSION_KEY = "province_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "administration/index.html", {"profile": load()})


# The province profile.


@admin_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponseBase:
    status = 200
    data = None
    if request.method == "POST":
        try:
            profile_update(actor=request.user, data=request.POST, ip=client_ip(request))
        except Invalid:
            data, status = request.POST, 400
        else:
            messages.success(request, _("Đã lưu hồ sơ tỉnh; các văn bản từ nay theo hồ sơ này."))
            return HttpResponseRedirect(reverse("administration:profile"))
    stored = load()
    reports = stored_reports(stored)
    main, per_kind = profile_forms(data, stored, reports)
    known = set(Agency.objects.values_list("code", flat=True))
    named = {
        stored.standing_agency,
        stored.finance_agency,
        *(issuer_code(stored, r) for r in reports.values()),
    }
    context = {
        "form": main,
        "documents": [(DocumentKind(kind).label, form) for kind, form in per_kind.items()],
        "unknown_codes": sorted(code for code in named if code and code not in known),
        "agencies": Agency.objects.order_by("code"),
    }
    return render(request, "administration/profile.html", context, status=status)


# The spreadsheet import: upload → dry run → apply.


@admin_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu-tinh.xlsx"'
    return response


@admin_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "administration/import.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "administration/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["workbook"]
    content = upload.read()
    filename = str(upload.name)[:200]
    book = reading.read(content, filename=filename)
    outcome = applying.run(book, actor=request.user, commit=False, ip=client_ip(request))
    previous = request.session.pop(SESSION_KEY, None)
    if previous:
        pending.discard(previous.get("token", ""))
    token = ""
    if outcome.ok and outcome.changed:
        token = pending.keep(content)
        request.session[SESSION_KEY] = {"token": token, "sha256": book.sha256, "filename": filename}
    context = {"form": UploadForm(), "outcome": outcome, "filename": filename, "token": token}
    return render(request, "administration/import.html", context, status=200 if outcome.ok else 400)


@admin_required
@require_POST
def import_apply(request: HttpRequest) -> HttpResponseBase:
    kept = request.session.get(SESSION_KEY) or {}
    token = str(request.POST.get("token", ""))
    content = pending.take(token) if kept.get("token") == token else None
    if content is None or reading.read(content).sha256 != kept.get("sha256"):
        messages.error(request, _("Không còn tệp đã chạy thử; hãy tải tệp lên và chạy thử lại."))
        return HttpResponseRedirect(reverse("administration:import"))
    book = reading.read(content, filename=kept.get("filename", ""))
    outcome = applying.run(book, actor=request.user, commit=True, ip=client_ip(request))
    if outcome.ok:
        pending.discard(token)
        request.session.pop(SESSION_KEY, None)
    context = {
        "form": UploadForm(),
        "outcome": outcome,
        "filename": kept.get("filename", ""),
        "applied": True,
    }
    return render(request, "administration/import.html", context, status=200 if outcome.ok else 400)


# Officials.


@admin_required
def people(request: HttpRequest) -> HttpResponse:
    context = {"agencies": people_by_agency(load()), "without_agency": people_without_agency()}
    return render(request, "administration/people.html", context)


def _person_or_404(pk: int) -> Any:
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _form_page(request: HttpRequest, form: OfficialForm, user: Any, status: int) -> HttpResponse:
    return render(
        request, "administration/person.html", {"form": form, "person": user}, status=status
    )


@admin_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponseBase:
    if request.method == "GET":
        initial = {"agency": request.GET.get("agency"), "roles": [Role.OFFICER.value]}
        return _form_page(request, OfficialForm(initial=initial), None, 200)
    form = OfficialForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, None, 400)
    data = form.cleaned_data
    try:
        user = people_services.official_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            agency=data["agency"],
            roles=data["roles"],
            title=data["title"],
            ip=client_ip(request),
        )
    except Invalid as error:
        _add_errors(form, error)
        return _form_page(request, form, None, 400)
    messages.success(
        request,
        _("Đã tạo tài khoản %(u)s và gửi email đặt mật khẩu tới %(e)s.")
        % {"u": user.username, "e": user.email},
    )
    _warn(request, data["roles"], data["agency"].code)
    return HttpResponseRedirect(reverse("administration:people"))


@admin_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _person_or_404(pk)
    official = Official.objects.select_related("agency").filter(user=user).first()
    if request.method == "GET":
        initial = {
            "full_name": user.get_full_name(),
            "email": user.email,
            "agency": official.agency.code if official else None,
            "roles": roles_by_user().get(user.pk, []),
            "title": official.title if official else "",
        }
        return _form_page(request, OfficialForm(initial=initial, editing=True), user, 200)
    form = OfficialForm(request.POST, editing=True)
    if not form.is_valid():
        return _form_page(request, form, user, 400)
    data = form.cleaned_data
    try:
        changed = people_services.official_update(
            actor=request.user,
            user=user,
            full_name=data["full_name"],
            email=data["email"],
            agency=data["agency"],
            roles=data["roles"],
            title=data["title"],
            ip=client_ip(request),
        )
    except Invalid as error:
        _add_errors(form, error)
        return _form_page(request, form, user, 400)
    except DomainError as error:
        form.add_error(None, str(error))
        return _form_page(request, form, user, error.status)
    messages.success(
        request,
        _("Đã lưu %(u)s.") % {"u": user.username} if changed else _("Không có gì thay đổi."),
    )
    _warn(request, data["roles"], data["agency"].code)
    return HttpResponseRedirect(reverse("administration:people"))


@admin_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _person_or_404(pk)
    active = request.POST.get("active") == "1"
    try:
        people_services.official_set_active(
            actor=request.user, user=user, active=active, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("administration:people"))
    text = (
        _("Đã mở khóa tài khoản %(u)s.")
        if active
        else _("Đã khóa tài khoản %(u)s; lịch sử của người này vẫn giữ nguyên.")
    )
    messages.success(request, text % {"u": user.username})
    return HttpResponseRedirect(reverse("administration:people"))


@admin_required
@require_POST
def person_password_link(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _person_or_404(pk)
    try:
        people_services.password_reset_send(actor=request.user, user=user, ip=client_ip(request))
    except Invalid as error:
        messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
    else:
        messages.success(request, _("Đã gửi liên kết đặt mật khẩu tới %(e)s.") % {"e": user.email})
    return HttpResponseRedirect(reverse("administration:people"))


def _add_errors(form: OfficialForm, error: Invalid) -> None:
    for field, texts in error.errors.items():
        form.add_error(field if field in form.fields else None, texts)


def _warn(request: HttpRequest, roles: list[str], agency_code: str) -> None:
    for warning in people_services.person_conflicts(roles, agency_code, load()):
        messages.warning(request, warning)
