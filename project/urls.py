"""URLs: pages, the flow's task pages, the admin and the API."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from documents import api as documents_api
from province.passwords import ResetForm
from reports import api as reports_api
from reports import views as reports_views
from workflows.api import fallback
from workflows.api.converters import ensure_registered
from workflows.api.docs import DocsView, SchemaView
from workflows.flow_sync import main_flow, round_flow
from workflows.viewsets import TaskPagesViewset

ensure_registered()  # ``<id:…>`` below, before the API's own URLconf loads

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail, Django's own views with Vietnamese templates.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("flow/pilot/", TaskPagesViewset(main_flow()).urls),
    path("flow/funding-round/", TaskPagesViewset(round_flow()).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/dashboard/", reports_api.DashboardView.as_view(), name="api-dashboard"),
    path(
        "api/v1/dashboard/history/",
        reports_api.DashboardHistoryView.as_view(),
        name="api-dashboard-history",
    ),
    path("api/v1/documents/", documents_api.DocumentListView.as_view(), name="api-documents"),
    path(
        "api/v1/documents/<id:pk>/file",
        documents_api.DocumentFileView.as_view(),
        name="api-document-file",
    ),
    path("api/v1/", include("workflows.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    # Whatever else starts with /api/, with any method: a JSON 404 (see fallback).
    re_path(r"^api(?:/|$)", fallback.not_found),
    path("dashboard/", reports_views.dashboard, name="dashboard"),
    path("reports/", include("reports.urls")),
    path("documents/", include("documents.urls")),
    path("administration/", include("administration.urls")),
    path("", include("workflows.urls")),
]

# Django's error pages: JSON under /api/, HTML elsewhere.
handler400 = fallback.bad_request
handler403 = fallback.permission_denied
handler404 = fallback.page_not_found
handler500 = fallback.server_error
