"""The read side of the administrator's pages: officials by agency, with the conflicts foreseen."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model

from approvals.models import Agency, Official
from approvals.roles import Role

from .models import ProvinceProfile
from .people import agency_conflicts, person_conflicts


def roles_by_user() -> dict[int, list[str]]:
    roles: dict[int, list[str]] = defaultdict(list)
    rows = get_user_model().groups.through.objects.filter(group__name__in=Role.values)  # type: ignore[attr-defined]
    for user_id, name in rows.values_list("user_id", "group__name"):
        roles[user_id].append(name)
    return {user_id: sorted(names) for user_id, names in roles.items()}


def people_by_agency(profile: ProvinceProfile) -> list[dict[str, Any]]:
    """Every agency with its officials (active first), their roles and the warnings to show."""
    roles = roles_by_user()
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for official in Official.objects.select_related("user").order_by("user__username"):
        user = official.user
        held = roles.get(user.pk, [])
        members[official.agency_id].append(
            {
                "user": user,
                "title": official.title,
                "roles": [Role(r).label for r in held],
                "role_codes": held,
                "warnings": person_conflicts(held, "", None),
            }
        )
    out = []
    for agency in Agency.objects.order_by("code"):
        people = sorted(
            members.get(agency.pk, []), key=lambda p: (not p["user"].is_active, p["user"].username)
        )
        for person in people:
            person["warnings"] = person_conflicts(person["role_codes"], agency.code, profile)
        active = {p["user"].username: p["role_codes"] for p in people if p["user"].is_active}
        out.append({"agency": agency, "people": people, "warnings": agency_conflicts(active)})
    return out


def people_without_agency() -> list[Any]:
    """Accounts with no post (a fresh superuser): they can sign in but belong to no agency."""
    return list(get_user_model().objects.filter(official__isnull=True).order_by("username"))
