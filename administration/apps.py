"""The administrator's pages: the province profile, the spreadsheet import, the officials.

The top layer beside ``workflows``' pages: views parse the request and call
the services of ``province`` and ``workflows.province_import``, which check
the role again and audit.
"""

from __future__ import annotations

from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "administration"
    verbose_name = "Quản trị tỉnh"
    default_auto_field = "django.db.models.BigAutoField"
