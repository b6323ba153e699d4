"""The administrator's pages, under /administration/."""

from __future__ import annotations

from django.urls import path

from . import calendar_views, views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("profile/", views.profile, name="profile"),
    path("import/", views.import_upload, name="import"),
    path("import/apply/", views.import_apply, name="import_apply"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", calendar_views.calendar_remove, name="calendar_remove"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_edit, name="person"),
    path("people/<int:pk>/active/", views.person_active, name="person_active"),
    path("people/<int:pk>/password-link/", views.person_password_link, name="person_password_link"),
]
