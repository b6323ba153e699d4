"""Report URLs (SPEC §9): the documents and their .xlsx twins; the dashboard is at /dashboard/."""

from __future__ import annotations

from django.urls import path

from workflows.api.converters import ensure_registered

from . import views

ensure_registered()

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("progress.pdf", views.progress_pdf, name="progress_pdf"),
    path("progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path("funding.pdf", views.funding_pdf, name="funding_pdf"),
    path("funding.xlsx", views.funding_xlsx, name="funding_xlsx"),
    path("accountability.pdf", views.accountability_pdf, name="accountability_pdf"),
    path("accountability.xlsx", views.accountability_xlsx, name="accountability_xlsx"),
    path("pilot-models/<id:pk>.pdf", views.pilot_model_pdf, name="pilot_model_pdf"),
]
