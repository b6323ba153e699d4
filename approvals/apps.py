"""The lower layer: agencies, who may decide, what was decided, and the trail."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Phê duyệt và nhật ký"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signals, triggers  # noqa: F401  (register checks and receivers)

        # SQLite drops triggers whenever Django rebuilds a table, so they are
        # recreated after every migrate, whatever app it touched.
        post_migrate.connect(triggers.install_after_migrate, dispatch_uid="audit-triggers")
