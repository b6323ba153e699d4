"""Page URLs: the inbox, the model list and record, one form per action, evidence."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("", views.home, name="home"),
    path("pilot-models/", views.pilot_model_list, name="list"),
    path("pilot-models/new/", views.pilot_model_register, name="register"),
    path("pilot-models/<int:pk>/", views.pilot_model_detail, name="detail"),
    path("pilot-models/<int:pk>/audit/", views.pilot_model_audit, name="audit"),
    path("pilot-models/<int:pk>/actions/<slug:action>/", views.pilot_model_action, name="action"),
    path("tasks/<int:task_id>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:task_id>/unclaim/", views.task_unclaim, name="task_unclaim"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
