"""A system check that fails when the issued documents' immutability triggers are missing."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from .triggers import ISSUED


@register(Tags.database)
def issued_document_triggers_present(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    return ISSUED.check(databases, what="issued-document triggers", app="documents")
