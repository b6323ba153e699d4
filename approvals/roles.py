"""Roles are Django groups; this module names them and reads them off a user.

Kept free of any model import so that permission checks stay pure functions.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ cơ quan chủ trì")
    POLICE = "police", _("Công an tỉnh (PC06)")
    FINANCE = "finance", _("Sở Tài chính")
    LEADER = "leader", _("Lãnh đạo UBND tỉnh")
    INSPECTOR = "inspector", _("Sở Nội vụ (thanh tra)")
    ADMIN = "admin", _("Quản trị hệ thống")
    CLERK = "clerk", _("Văn thư")


# The roles a workflow's actions name; an extension's action declares its own.
KNOWN_ROLES: set[str] = set(Role.values)


# Roles that see every pilot model in the province.  The clerk (văn thư) of an
# agency numbers and issues its documents, which cover the whole province.
PROVINCE_WIDE: set[str] = {
    Role.POLICE,
    Role.FINANCE,
    Role.LEADER,
    Role.INSPECTOR,
    Role.ADMIN,
    Role.CLERK,
}


def declare_role(name: str, *, province_wide: bool = False) -> None:
    """A role an action names; ``province_wide`` when it decides a step for every agency."""
    KNOWN_ROLES.add(str(name))
    if province_wide:
        PROVINCE_WIDE.add(str(name))


def roles_of(user: Any) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_pilot06_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if getattr(user, "is_superuser", False):
            names.add(Role.ADMIN.value)
        cached = frozenset(name for name in names if name in KNOWN_ROLES)
        user._pilot06_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after a change of groups."""
    if hasattr(user, "_pilot06_roles"):
        del user._pilot06_roles
