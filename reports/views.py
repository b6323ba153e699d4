"""Report pages: thin views that check access, read the report contexts and answer with files.

Access (SPEC §7): officers get 403 on the province-wide reports and get the
records of the models they can see (others' → 404, so ids leak nothing);
police, finance, leader and inspector get everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from approvals import clock
from approvals.exceptions import NotFound
from approvals.permissions import sees_province
from workflows import selectors

from . import contexts, history, jobs, scope
from .dashboard import dashboard_page, reports_index
from .pdf import RenderError, render_pdf
from .periods import BadPeriod, parse_period

TITLES = {
    "progress": "bao-cao-tien-do",
    "funding": "bao-cao-kinh-phi",
    "accountability": "bao-cao-trach-nhiem",
}
REFRESH_SECONDS = 3


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    if "date" in request.GET:
        return _dashboard_on(request, request.GET["date"], today=today)
    stuck_days = scope.stuck_days_or_default(request.GET.get("stuck_days"))
    context = dashboard_page(request.user, stuck_days=stuck_days)
    context["history"] = history.cached_dashboard_history(request.user, today=today)
    return render(request, "reports/dashboard.html", context)


def _dashboard_on(request: HttpRequest, raw: str, *, today: dt.date) -> HttpResponse:
    """``?date=YYYY-MM-DD``: that day's figures, from the daily snapshots."""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return render(request, "reports/bad_date.html", {"today": today}, status=400)
    if day > today:
        return render(request, "reports/bad_date.html", {"today": today}, status=400)
    return render(request, "reports/dashboard_day.html", history.day_page(request.user, day=day, today=today))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", reports_index(request.user))


def _file(content: bytes | None, report: Any, filename: str) -> HttpResponseBase:
    content_type = jobs.CONTENT_TYPES[report.fmt]
    inline = report.fmt == "pdf"
    if content is not None:
        response = HttpResponse(content, content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response
    return FileResponse(
        jobs.file_path(report).open("rb"), content_type=content_type, as_attachment=not inline, filename=filename
    )


def _province_report(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if not sees_province(request.user):
        raise PermissionDenied(_("Báo cáo toàn tỉnh dành cho Công an tỉnh, Sở Tài chính, lãnh đạo và thanh tra."))
    today = clock.today()
    params: dict[str, Any] = {"today": today.isoformat()}
    if kind == "progress":
        try:
            period = parse_period(request.GET.get("period"), request.GET.get("date"), today=today)
        except BadPeriod:
            return render(request, "reports/bad_period.html", status=400)
        params.update(period.as_params())
    try:
        outcome = jobs.obtain(kind, fmt, params, request.user)
    except RenderError:
        return render(request, "reports/failed.html", {"kind": kind}, status=503)
    if outcome.status == "ready":
        stamp = params.get("date", params["today"])
        return _file(outcome.content, outcome.report, f"{TITLES[kind]}-{stamp}.{fmt}")
    if outcome.status == "failed":
        return render(request, "reports/failed.html", {"kind": kind, "report": outcome.report}, status=503)
    response = render(
        request,
        "reports/wait.html",
        {"kind": kind, "fmt": fmt, "report": outcome.report, "refresh": REFRESH_SECONDS},
        status=202,
    )
    response["Refresh"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _report_view(kind: str, fmt: str) -> Any:
    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponseBase:
        return _province_report(request, kind, fmt)

    view.__name__ = f"{kind}_{fmt}"
    view.__doc__ = f"/reports/{kind}.{fmt}"
    return view


progress_pdf = _report_view("progress", "pdf")
progress_xlsx = _report_view("progress", "xlsx")
funding_pdf = _report_view("funding", "pdf")
funding_xlsx = _report_view("funding", "xlsx")
accountability_pdf = _report_view("accountability", "pdf")
accountability_xlsx = _report_view("accountability", "xlsx")


@login_required
@require_GET
def pilot_model_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One model's record; a model the user may not see is a 404, like everywhere else."""
    try:
        pilot_model = selectors.get_visible(request.user, pk)
    except NotFound:
        raise Http404 from None
    try:
        with translation.override("vi"):  # an official document, whatever the page language
            content = render_pdf("pilot_model", contexts.pilot_model_context(pilot_model))
    except RenderError:
        return render(request, "reports/failed.html", {"kind": "pilot_model"}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ho-so-mo-hinh-{pilot_model.number}.pdf"'
    return response
