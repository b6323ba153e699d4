"""The OpenAPI schema and its docs page: public only where the deployment says so (review item I4).

``PILOT06_API_DOCS_PUBLIC`` defaults to DEBUG: a developer reads them
freely, a production deployment asks for a login first (a token or a
session), so the list of operations and their bodies is not handed to
anyone who finds the server.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBase
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request

from .auth import AUTHENTICATION_CLASSES
from .fallback import JsonErrorsMixin


def _public() -> bool:
    return bool(settings.PILOT06_API_DOCS_PUBLIC)


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    """``/api/schema/``: YAML or JSON, with JSON errors."""

    authentication_classes = AUTHENTICATION_CLASSES

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if _public() else [IsAuthenticated()]


class DocsView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    """``/api/docs/``: the Swagger UI page, with JSON errors."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _public() and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
