"""The register pages: ``/documents/``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("issue/", views.issue, name="issue"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<slug:code>/<int:year>/", views.register, name="register"),
]
