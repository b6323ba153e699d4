"""The register pages: thin views over the selectors and the one issuing service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from approvals import clock
from approvals.client_ip import client_ip
from approvals.exceptions import DomainError, Invalid
from approvals.models import Agency
from workflows.models import PilotModel

from . import selectors, services
from .forms import IssueForm
from .models import IssuedDocument, PreparedReport


def _require_reader(request: HttpRequest) -> None:
    if not selectors.may_read(request.user):
        raise PermissionDenied(
            _("Sổ văn bản đi dành cho văn thư, Công an tỉnh, Sở Tài chính, lãnh đạo và thanh tra.")
        )


def _reader_or_404(request: HttpRequest) -> None:
    """A page named by an id: someone who may not read registers learns nothing from it (SPEC §1)."""
    if not selectors.may_read(request.user):
        raise Http404


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    """A clerk lands on their own register for this year; others choose one."""
    _require_reader(request)
    agency_id = selectors.clerk_agency_id(request.user)
    if agency_id is not None and "all" not in request.GET:
        code = Agency.objects.filter(pk=agency_id).values_list("code", flat=True).first()
        if code:
            return redirect("documents:register", code=code, year=clock.today().year)
    return render(request, "documents/index.html", {"registers": selectors.registers(request.user)})


@login_required
@require_GET
def register(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _reader_or_404(request)
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not settings.PILOT06_PROGRAMME_START_YEAR <= year <= clock.today().year:
        raise Http404
    rows = selectors.register_rows(request.user, code=code, year=year)
    return render(
        request,
        "documents/register.html",
        {
            "agency": agency,
            "year": year,
            "rows": rows,
            "years": [
                y
                for y in (year - 1, year + 1)
                if settings.PILOT06_PROGRAMME_START_YEAR <= y <= clock.today().year
            ],
            "is_clerk": selectors.clerk_agency_id(request.user) == agency.pk,
            "prepared": PreparedReport.objects.unissued().filter(agency=agency).order_by("due_on")
            if selectors.clerk_agency_id(request.user) == agency.pk
            else [],
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    _reader_or_404(request)
    document = selectors.readable(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return pdf_response(document)


def pdf_response(document: IssuedDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    filename = f"{document.number:02d}-{document.symbol}-{document.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Digest"] = f"sha-256={document.sha256}"
    return response


def _model_choices() -> list[tuple[int, str]]:
    rows = PilotModel.objects.order_by("number").values_list("pk", "number", "title")[:500]
    return [(pk, f"{number}. {title[:70]}") for pk, number, title in rows]


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest) -> HttpResponse:
    """The clerk chooses a draft and issues it: numbered, dated, signed, archived.

    A POST always goes to the service, which refuses anyone but a clerk of
    the issuing agency and audits the refusal; only the empty form is
    refused here.
    """
    if request.method == "GET" and selectors.clerk_agency_id(request.user) is None:
        raise PermissionDenied(_("Chỉ văn thư được cấp số và ban hành văn bản."))
    today = clock.today()
    if request.method == "POST":
        prepared = request.POST.get("prepared")
        form = IssueForm(request.POST, models=_model_choices())
        try:
            document = services.document_issue(
                actor=request.user,
                data=request.POST.dict(),
                prepared_id=int(prepared) if prepared and prepared.isdigit() else None,
                ip=client_ip(request),
            )
        except Invalid as error:
            for field, problems in error.errors.items():
                form.add_error(field if field in form.fields else None, problems)
        except DomainError as error:
            messages.error(request, str(error))
            status = error.status if error.status in (403, 404, 409) else 400
            return render(
                request, "documents/issue.html", {"form": form, "today": today}, status=status
            )
        else:
            messages.success(
                request,
                _("Đã ban hành văn bản số %(ref)s và lưu vào sổ.") % {"ref": document.reference},
            )
            return redirect(
                reverse("documents:register", args=[document.agency.code, document.year])
            )
        return render(request, "documents/issue.html", {"form": form, "today": today}, status=400)
    form = IssueForm(initial={"date": today, "period": "month"}, models=_model_choices())
    return render(request, "documents/issue.html", {"form": form, "today": today})
