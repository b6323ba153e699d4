"""The province as data: the facts its documents carry, and the people who run it.

It sits beside ``approvals`` (agencies, officials) and below ``workflows``:
reports read the profile, the importer and the admin pages write through
its services.  Nothing here imports ``workflows``.
"""

from __future__ import annotations

from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = "Hồ sơ tỉnh"
    default_auto_field = "django.db.models.BigAutoField"
