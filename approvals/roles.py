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

# Roles that see every pilot model in the province.  Not ``admin``: it
# manages people and agencies and reads no case data unless it also holds
# one of these (SPEC §10, review item I1).  The clerk (văn thư) of an agency
# numbers and issues its documents, which cover the whole province, and
# decides nothing.  A role that decides an approval step joins it
# (``declare_role``).
PROVINCE_WIDE: set[str] = {Role.POLICE, Role.FINANCE, Role.LEADER, Role.INSPECTOR, Role.CLERK}
# Roles that read the client IP address of trail entries (review item I2).
ADDRESS_READERS = frozenset({Role.POLICE, Role.LEADER, Role.INSPECTOR})


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
        cached = remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def remember_roles(user: Any, group_names: Any) -> frozenset[str]:
    """Keep the roles named by ``group_names`` on the user (a superuser is also admin)."""
    names = set(group_names)
    if getattr(user, "is_superuser", False):
        names.add(Role.ADMIN.value)
    roles = frozenset(name for name in names if name in KNOWN_ROLES)
    user._pilot06_roles = roles
    return roles


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after a change of groups."""
    if hasattr(user, "_pilot06_roles"):
        del user._pilot06_roles
