"""Admin for agencies, officials and the (read-only) audit trail.

People and credentials are in ``admin_accounts``.  Case data (steps, the
trail, and workflows' models) is read here only by those who read the
province's models anyway (SPEC §10: the admin role reads no case data
unless it also holds a reading role).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import admin_accounts  # noqa: F401  (people, tokens and lockouts)
from .models import Agency, AgencyHead, ApprovalStep, AuditEntry, Official
from .permissions import sees_province


class AgencyHeadInline(admin.TabularInline):
    """A head's term is end-dated when it ends, never deleted: accountability credits it."""

    model = AgencyHead
    extra = 0
    can_delete = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]
    inlines = [AgencyHeadInline]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "title"]
    list_filter = ["agency"]


class CaseDataAdmin(admin.ModelAdmin):
    """Visible only to whoever reads every model (police, finance, leader, inspector)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_province(request.user) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_province(request.user) and super().has_module_permission(request)


class ReadOnlyAdmin(CaseDataAdmin):
    """Steps and audit entries change only through actions, never here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ReadOnlyAdmin):
    list_display = [
        "pilot_model",
        "kind",
        "outcome",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["kind", "outcome"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "at",
        "actor_username",
        "role",
        "action",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
    ]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_id"]
