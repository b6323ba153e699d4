"""Report pages: thin views that check access, read the report contexts and answer with files.

The documents answer a browser session and an API token alike (``DocumentView``),
and the OpenAPI schema lists them as binary responses.

Access (SPEC §7): officers get 403 on the province-wide reports and get the
records of the models they can see (others' → 404, so ids leak nothing);
police, finance, leader and inspector get everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import clock
from approvals.exceptions import NotFound
from approvals.permissions import sees_province
from province.profile import load
from workflows import selectors
from workflows.api.auth import AUTHENTICATION_CLASSES
from workflows.api.views import ERROR

from . import contexts, history, jobs, scope
from .dashboard import dashboard_page, reports_index
from .jobs import CONTENT_TYPES
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
    if day > today or day.year < settings.PILOT06_PROGRAMME_START_YEAR:
        return render(request, "reports/bad_date.html", {"today": today}, status=400)
    return render(
        request, "reports/dashboard_day.html", history.day_page(request.user, day=day, today=today)
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    # The province's reporting schedule (its profile) picks the period offered first.
    schedule = load().schedule
    return render(
        request,
        "reports/index.html",
        {**reports_index(request.user), "schedule": schedule},
    )


def _file(content: bytes | None, report: Any, filename: str) -> HttpResponseBase:
    content_type = jobs.CONTENT_TYPES[report.fmt]
    inline = report.fmt == "pdf"
    if content is not None:
        response = HttpResponse(content, content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response
    return FileResponse(
        jobs.file_path(report).open("rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename,
    )


def _province_report(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if not sees_province(request.user):
        raise PermissionDenied(
            _("Báo cáo toàn tỉnh dành cho Công an tỉnh, Sở Tài chính, lãnh đạo và thanh tra.")
        )
    today = clock.today()
    params: dict[str, Any] = {"today": today.isoformat()}
    if kind == "progress":
        try:
            period = parse_period(
                request.GET.get("period"),
                request.GET.get("date"),
                today=today,
                first_year=settings.PILOT06_PROGRAMME_START_YEAR,
            )
        except BadPeriod:
            return render(request, "reports/bad_period.html", status=400)
        params.update(period.as_params())
    try:
        outcome = jobs.obtain(kind, fmt, params, request.user)
    except RenderError:
        return render(request, "reports/failed.html", {"kind": kind}, status=503)
    except jobs.TooManyPending as busy:
        response = render(
            request, "reports/busy.html", {"kind": kind, "limit": busy.limit}, status=429
        )
        response["Retry-After"] = str(REFRESH_SECONDS * 10)
        return response
    if outcome.status == "ready":
        stamp = params.get("date", params["today"])
        return _file(outcome.content, outcome.report, f"{TITLES[kind]}-{stamp}.{fmt}")
    if outcome.status == "failed":
        return render(
            request, "reports/failed.html", {"kind": kind, "report": outcome.report}, status=503
        )
    response = render(
        request,
        "reports/wait.html",
        {"kind": kind, "fmt": fmt, "report": outcome.report, "refresh": REFRESH_SECONDS},
        status=202,
    )
    response["Refresh"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DocumentView(APIView):
    """A document by session (a browser) or by token (``Authorization: Token …``, the operations centre).

    Either way the same checks run on the same user (SPEC §10).  A browser
    with no session is sent to log in; a client that sent a token and failed
    gets 401; every other answer is the document or the same page a browser
    gets.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a file whatever the client accepts; JSON only carries errors.
        return super().perform_content_negotiation(request, force=True)

    def handle_exception(self, exc: Exception) -> Response:
        request = self.request
        by_token = "HTTP_AUTHORIZATION" in request.META
        if (
            isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed)
            and not by_token
        ):
            return redirect_to_login(request.get_full_path())  # type: ignore[return-value]
        if isinstance(exc, PermissionDenied | Http404) and not by_token:
            raise exc  # a browser gets the site's own page, as before
        return super().handle_exception(exc)


def _document_view(kind: str, fmt: str) -> Any:
    parameters = PERIOD_PARAMETERS if kind == "progress" else []

    @extend_schema(
        operation_id=f"report_{kind}_{fmt}",
        tags=["reports"],
        summary=SUMMARIES[kind] + (" (PDF)" if fmt == "pdf" else " (Excel)"),
        parameters=parameters,
        responses=_file_responses(fmt, bad_period=kind == "progress"),
    )
    def get(self: DocumentView, request: Request) -> HttpResponseBase:
        return _province_report(request._request, kind, fmt)

    view: type[DocumentView] = type(
        f"{kind.title()}{fmt.title()}View",
        (DocumentView,),
        {"get": get, "__doc__": f"/reports/{kind}.{fmt}"},
    )
    return view.as_view()


def _file_responses(
    fmt: str, *, bad_period: bool = False, not_found: bool = False
) -> dict[Any, Any]:
    binary = OpenApiResponse(OpenApiTypes.BINARY, description=f"The document ({fmt.upper()}).")
    html = OpenApiResponse(OpenApiTypes.STR, description="An HTML page.")
    responses: dict[Any, Any] = {
        (200, CONTENT_TYPES[fmt]): binary,
        (202, "text/html"): OpenApiResponse(
            OpenApiTypes.STR,
            description="Being rendered in the background: ask again after the `Refresh` seconds.",
        ),
        (401, "application/json"): ERROR,
        (403, "application/json"): ERROR,
        (503, "text/html"): html,
    }
    if bad_period:
        responses[(400, "text/html")] = OpenApiResponse(
            OpenApiTypes.STR, description="A period or date it cannot read."
        )
    if not_found:
        responses[(404, "application/json")] = ERROR
    return responses


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        enum=["week", "month", "quarter", "half", "year"],
        description="Default: month.",
    ),
    OpenApiParameter(
        "date", OpenApiTypes.DATE, description="The period's last day (YYYY-MM-DD); default: today."
    ),
]
SUMMARIES = {
    "progress": "Periodic progress report",
    "funding": "Consolidated funding report",
    "accountability": "Accountability report",
}

progress_pdf = _document_view("progress", "pdf")
progress_xlsx = _document_view("progress", "xlsx")
funding_pdf = _document_view("funding", "pdf")
funding_xlsx = _document_view("funding", "xlsx")
accountability_pdf = _document_view("accountability", "pdf")
accountability_xlsx = _document_view("accountability", "xlsx")


class PilotModelPdfView(DocumentView):
    @extend_schema(
        operation_id="report_pilot_model_pdf",
        tags=["reports"],
        summary="One model's record (PDF)",
        responses={k: v for k, v in _file_responses("pdf", not_found=True).items() if k[0] != 202},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        return _pilot_model_pdf(request._request, pk)


pilot_model_pdf = PilotModelPdfView.as_view()


def _pilot_model_pdf(request: HttpRequest, pk: int) -> HttpResponse:
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
