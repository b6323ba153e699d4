"""``/api/v1/``: tokens, pilot models and their actions, the audit trail (the dashboard is ``reports.api``).

Each action has a URL (and an OpenAPI operation) of its own, so the schema
documents its body; any other action name answers 404 from the service.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import (
    schema,  # noqa: F401  (registers the OpenAPI auth descriptions)
    views,
)
from .converters import ensure_registered

ensure_registered()

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("pilot-models/", views.PilotModelListView.as_view(), name="pilot-models"),
    path("pilot-models/<id:pk>/", views.PilotModelDetailView.as_view(), name="pilot-model"),
    path("pilot-models/<id:pk>/actions/", views.AvailableActionsView.as_view(), name="actions"),
    *[
        path(f"pilot-models/<id:pk>/actions/{name}/", view.as_view(), name=f"action-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ],
    path(
        "pilot-models/<id:pk>/actions/<str:action>/",
        views.UnknownActionView.as_view(),
        name="action",
    ),
    path("pilot-models/<id:pk>/audit/", views.PilotModelAuditView.as_view(), name="audit"),
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
    # Any other path, or an id the converter refuses: project.urls ends /api/ with fallback.not_found.
]
