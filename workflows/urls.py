"""Page URLs."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("", views.home, name="home"),
    path("pilot-models/<int:pk>/", views.pilot_model_detail, name="detail"),
]
