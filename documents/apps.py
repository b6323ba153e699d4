"""Outgoing documents: the clerk's register, the signed archive, the periodic schedule.

It sits above ``reports`` (it renders their documents with a number and a
signature) and below the project's wiring; nothing under it imports it.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Văn bản đi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, triggers  # noqa: F401  (register the system check)

        # As for the audit trail: SQLite drops triggers when a table is rebuilt.
        post_migrate.connect(
            triggers.install_after_migrate, dispatch_uid="issued-document-triggers"
        )
