"""A system check that fails when the issued documents' immutability triggers are missing."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.utils import DatabaseError

from . import triggers


@register(Tags.database)
def issued_document_triggers_present(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    errors: list[Error] = []
    for alias in databases or []:
        try:
            absent = triggers.missing(connections[alias])
        except DatabaseError as exc:  # the database is not reachable: other checks say so
            return [Error(f"cannot inspect issued-document triggers: {exc}", id="documents.E002")]
        if absent:
            errors.append(
                Error(
                    f"issued-document triggers missing on {alias}: {', '.join(absent)}",
                    hint="Run `python manage.py migrate`; it recreates them.",
                    id="documents.E001",
                )
            )
    return errors
