"""The reports app: reads through selectors, never writes the lifecycle."""

from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"
    default_auto_field = "django.db.models.BigAutoField"
