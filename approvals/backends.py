"""Permission strings that scope viewflow queues by role and agency.

viewflow filters a queue on ``owner_permission__in=user.get_all_permissions()``.
Granting each officer ``workflows.officer_agency_<id>`` and each role
``workflows.role_<name>`` lets stock queue, claim and permission checks scope
tasks without any permission rows in the database.
"""

from __future__ import annotations

from typing import Any

from .roles import KNOWN_ROLES, Role, roles_of


def agency_permission(agency_id: int) -> str:
    return f"{_AGENCY_PREFIX}{agency_id}"


def role_permission(role: str) -> str:
    return f"{_ROLE_PREFIX}{role}"


_ROLE_PREFIX = "workflows.role_"
_AGENCY_PREFIX = "workflows.officer_agency_"


def role_of_permission(permission: str) -> str | None:
    """The declared role a queue's permission string names, if it names one."""
    role = permission.removeprefix(_ROLE_PREFIX) if permission.startswith(_ROLE_PREFIX) else None
    return role if role in KNOWN_ROLES else None


def agency_of_permission(permission: str) -> int | None:
    tail = permission.removeprefix(_AGENCY_PREFIX) if permission.startswith(_AGENCY_PREFIX) else ""
    return int(tail) if tail.isdigit() else None


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
