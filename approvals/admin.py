"""Admin for agencies, officials and the (read-only) audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Agency, AgencyHead, ApprovalStep, AuditEntry, Official


class AgencyHeadInline(admin.TabularInline):
    model = AgencyHead
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]
    inlines = [AgencyHeadInline]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "title"]
    list_filter = ["agency"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Steps and audit entries change only through actions, never here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ReadOnlyAdmin):
    list_display = ["pilot_model", "kind", "outcome", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["kind", "outcome"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_username", "role", "action", "object_type", "object_id", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_id"]
