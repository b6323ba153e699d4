"""Who may see and who may decide: pure functions of (user, model, action).

They read only attributes (``lead_agency_id``, coordinating agency ids), so
``approvals`` never imports ``workflows``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F

from .models import Official
from .roles import ADDRESS_READERS, PROVINCE_WIDE, Role, remember_roles, roles_of


def official_of(user: Any) -> Any | None:
    """The user's post with its agency, read in one query and kept on the user object.

    An action asks several times (the role check, the audit entry's agency
    code); the first asker reads the agency along, so later ones query nothing.
    A post already on the user (Django's own relation cache) is used as it is.
    """
    if not getattr(user, "pk", None):
        return None
    descriptor = getattr(type(user), "official", None)
    relation = getattr(descriptor, "related", None)
    if relation is None:
        return getattr(user, "official", None)
    if relation.is_cached(user):
        return relation.get_cached_value(user)
    official = Official.objects.select_related("agency").filter(user_id=user.pk).first()
    relation.set_cached_value(user, official)
    return official


def load_actor(user: Any) -> None:
    """Read the user's roles and post (with its agency) in one query, and keep both on the user.

    An action asks for both (who may act, the audit entry's agency); read
    apart they cost two queries.  A user without a post falls back to the
    two lazy reads.
    """
    if not getattr(user, "pk", None) or hasattr(user, "_pilot06_roles"):
        return
    descriptor = getattr(type(user), "official", None)
    relation = getattr(descriptor, "related", None)
    if relation is None or relation.is_cached(user):
        return
    rows = list(
        Official.objects.select_related("agency")
        .filter(user_id=user.pk)
        .annotate(group_name=F("user__groups__name"))
    )
    if not rows:
        return
    relation.set_cached_value(user, rows[0])
    remember_roles(user, (row.group_name for row in rows if row.group_name is not None))


def agency_id_of(user: Any) -> int | None:
    official = official_of(user)
    return official.agency_id if official is not None else None


def agency_code_of(user: Any) -> str:
    official = official_of(user)
    return official.agency.code if official is not None else ""


def sees_province(user: Any) -> bool:
    return bool(roles_of(user) & PROVINCE_WIDE)


def sees_addresses(user: Any) -> bool:
    """Client IP addresses in the trail are for those who investigate (review item I2)."""
    return bool(roles_of(user) & ADDRESS_READERS)


def can_see(user: Any, *, lead_agency_id: int, coordinating_ids: Iterable[int]) -> bool:
    """Officers see models their agency leads or coordinates on; others see all."""
    if sees_province(user):
        return True
    if Role.OFFICER not in roles_of(user):
        return False
    agency_id = agency_id_of(user)
    return agency_id is not None and (
        agency_id == lead_agency_id or agency_id in set(coordinating_ids)
    )


def authorising_role(
    user: Any, allowed: Iterable[str], *, lead_agency_id: int | None = None
) -> str | None:
    """The role under which ``user`` may take an action, or None.

    ``officer`` counts only for the lead agency's own officers.
    """
    held = roles_of(user)
    for role in allowed:
        if role not in held:
            continue
        if role == Role.OFFICER and (
            lead_agency_id is None or agency_id_of(user) != lead_agency_id
        ):
            continue
        return str(role)
    return None
