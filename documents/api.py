"""``GET /api/v1/documents/`` and ``GET /api/v1/documents/{id}/file``: the register for other systems.

Documents are read, never written, through the API: issuing is the clerk's
act on the register page.  The list carries what a receiving system needs
to file and check a document (its number, kind, period, when, sha256 and
where to download it); the file is the signed PDF exactly as archived.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from approvals.exceptions import NotFound
from province.models import DocumentKind
from workflows.api.params import check_query
from workflows.api.views import ERROR, INVALID, ApiListView, ApiView

from . import selectors
from .models import IssuedDocument
from .views import pdf_response


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="week, month, quarter, half or year")
    start = serializers.DateField()
    end = serializers.DateField()


class AgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class IssuedDocumentSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    reference = serializers.CharField(
        help_text="The number and symbol as on the Số line, e.g. `12/BC-CAT`."
    )
    period = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "agency",
            "year",
            "number",
            "reference",
            "kind",
            "title",
            "period",
            "pilot_model",
            "issued_on",
            "issued_at",
            "signer_name",
            "signer_title",
            "sha256",
            "size",
            "audit_seq",
            "audit_hash",
            "download_url",
        ]
        extra_kwargs = {"kind": {"help_text": "progress, funding, accountability or pilot_model"}}

    pilot_model = serializers.IntegerField(
        source="subject_id", allow_null=True, help_text="The model's id (its record)."
    )

    @extend_schema_field(AgencySerializer)
    def get_agency(self, document: IssuedDocument) -> dict[str, str]:
        return {"code": document.agency.code, "name": document.agency.name}

    @extend_schema_field(PeriodSerializer(allow_null=True))
    def get_period(self, document: IssuedDocument) -> dict[str, Any] | None:
        if not document.period_kind:
            return None
        return {
            "kind": document.period_kind,
            "start": document.period_start,
            "end": document.period_end,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: IssuedDocument) -> str:
        request = self.context.get("request")
        path = f"/api/v1/documents/{document.pk}/file"
        return request.build_absolute_uri(path) if request is not None else path


class DocumentFilterSerializer(serializers.Serializer):
    agency = serializers.SlugField(
        required=False, max_length=20, help_text="The issuing agency's code."
    )
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(required=False, choices=DocumentKind.choices)


@extend_schema(tags=["documents"])
class DocumentListView(ApiListView):
    serializer_class = IssuedDocumentSerializer

    @extend_schema(
        summary="Issued documents",
        description=(
            "Every numbered, signed document in the registers, newest first; "
            "for the readers of province-wide reports and every clerk (others get an empty list)."
        ),
        parameters=[DocumentFilterSerializer],
        responses={200: IssuedDocumentSerializer(many=True), 400: INVALID, 401: ERROR, 404: ERROR},
    )
    def get(self, request: Request) -> Response:
        check_query(request, accepted=DocumentFilterSerializer().fields)
        filters = DocumentFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        documents = selectors.readable(request.user).select_related("agency").defer("content")
        if "agency" in wanted:
            documents = documents.filter(agency__code=wanted["agency"])
        if "year" in wanted:
            documents = documents.filter(year=wanted["year"])
        if "kind" in wanted:
            documents = documents.filter(kind=wanted["kind"])
        page = self.paginate_queryset(documents.order_by("-issued_at", "-pk"))
        data = IssuedDocumentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


@extend_schema(
    tags=["documents"],
    summary="The signed PDF",
    description="The file exactly as issued: its sha256 is the list's `sha256` and the audit entry's.",
    responses={
        (200, "application/pdf"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The signed PDF."
        ),
        (401, "application/json"): ERROR,
        (404, "application/json"): ERROR,
    },
)
class DocumentFileView(ApiView):
    renderer_classes = [renderers.JSONRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is the file whatever the client accepts; JSON only carries errors.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request, pk: int) -> HttpResponse:
        document = selectors.readable(request.user).filter(pk=pk).first()
        if document is None:
            raise NotFound(_("Không có văn bản này."))
        return pdf_response(document)
