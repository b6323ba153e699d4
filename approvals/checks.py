"""A system check that fails when the audit triggers are missing."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from .triggers import AUDIT


@register(Tags.database)
def audit_triggers_present(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    return AUDIT.check(databases, what="audit triggers", app="approvals")
