"""URLs: pages, the flow's task pages, the admin and the API."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from reports import views as reports_views
from workflows.api import fallback
from workflows.api.schema import DocsView, SchemaView
from workflows.flows import FundingRoundFlow, PilotFlow
from workflows.viewsets import TaskPagesViewset

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("flow/pilot/", TaskPagesViewset(PilotFlow).urls),
    path("flow/funding-round/", TaskPagesViewset(FundingRoundFlow).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("workflows.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    # Whatever else starts with /api/, with any method: a JSON 404 (see fallback).
    re_path(r"^api(?:/|$)", fallback.not_found),
    path("dashboard/", reports_views.dashboard, name="dashboard"),
    path("reports/", include("reports.urls")),
    path("", include("workflows.urls")),
]

# Django's error pages: JSON under /api/, HTML elsewhere.
handler400 = fallback.bad_request
handler403 = fallback.permission_denied
handler404 = fallback.page_not_found
handler500 = fallback.server_error
