"""Admin for pilot models: details are editable only through the services.

The state, steps and audit are read-only here; a change of state is an
action, and actions go through the services like every other caller.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from viewflow.workflow.models import Process, Task

from approvals.admin import CaseDataAdmin
from approvals.permissions import sees_province

from .models import Blocker, Deliverable, FundingRequest, PilotModel


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PilotModel)
class PilotModelAdmin(CaseDataAdmin):
    list_display = ["number", "title", "lead_agency", "state", "deadline", "version", "is_sample"]
    list_filter = ["state", "lead_agency", "is_sample"]
    search_fields = ["title", "=number"]
    inlines = [DeliverableInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(CaseDataAdmin):
    list_display = [
        "pilot_model",
        "round",
        "amount",
        "approved_amount",
        "funding_source",
        "budget_year",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Blocker)
class BlockerAdmin(FundingRequestAdmin):
    list_display = ["pilot_model", "reason", "set_by", "set_at", "cleared_at"]


# viewflow registers its Process and Task admins with change and delete
# allowed: editing a task's queue or deleting an open task would move the
# flow without the services (VIEWFLOW.md: don't expose bypasses).  Keep them
# for reading only.
class _ReadOnlyFlowAdmin:
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_province(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return sees_province(request.user) and super().has_module_permission(request)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _model in (Process, Task):
    _stock = type(admin.site._registry[_model])
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"ReadOnly{_stock.__name__}", (_ReadOnlyFlowAdmin, _stock), {})
    )
