"""Permission strings that scope viewflow queues by role and agency.

viewflow filters a queue on ``owner_permission__in=user.get_all_permissions()``.
Granting each officer ``workflows.officer_agency_<id>`` and each role
``workflows.role_<name>`` lets stock queue, claim and permission checks scope
tasks without any permission rows in the database.
"""

from __future__ import annotations

from typing import Any

from .roles import Role, roles_of


def agency_permission(agency_id: int) -> str:
    return f"workflows.officer_agency_{agency_id}"


def role_permission(role: str) -> str:
    return f"workflows.role_{role}"


class RolePermissionBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or user_obj.is_anonymous:
            return set()
        perms = {role_permission(role) for role in roles_of(user_obj) if role != Role.OFFICER}
        if Role.OFFICER in roles_of(user_obj):
            official = getattr(user_obj, "official", None)
            if official is not None:
                perms.add(agency_permission(official.agency_id))
        return perms

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
