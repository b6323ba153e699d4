"""Audit changes to users' groups, agencies and their heads (SPEC §5).

These are administration changes made through the Django admin or a shell;
receivers are the one hook every path passes through.  They only record,
they never decide anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from . import audit, current
from .events import Event
from .models import Agency, AgencyHead, Official
from .roles import forget_roles

User = get_user_model()


def _append(**kwargs: Any) -> None:
    """Append with whoever is acting in the current request (the admin user)."""
    audit.append(actor=current.actor(), ip=current.ip(), **kwargs)


@receiver(m2m_changed, sender=User.groups.through)
def user_groups_changed(sender: Any, instance: Any, action: str, pk_set: Any, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, User):
        return
    forget_roles(instance)
    _append(
        action=Event.USER_GROUPS_CHANGED,
        obj=instance,
        payload={
            "username": instance.username,
            "change": action.removeprefix("post_"),
            "groups": sorted(instance.groups.values_list("name", flat=True)),
        },
    )


@receiver(post_save, sender=User)
def user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        _append(action=Event.USER_CREATED, obj=instance, payload={"username": instance.username})
    elif not instance.is_active:
        _append(action=Event.USER_DEACTIVATED, obj=instance, payload={"username": instance.username})


@receiver(post_save, sender=Agency)
def agency_saved(sender: Any, instance: Agency, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _append(
        action=Event.AGENCY_CREATED if created else Event.AGENCY_CHANGED,
        obj=instance,
        agency_code=instance.code,
        payload={"code": instance.code, "name": instance.name, "kind": instance.kind},
    )


@receiver(post_save, sender=AgencyHead)
def agency_head_saved(sender: Any, instance: AgencyHead, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    _append(
        action=Event.AGENCY_HEAD_CHANGED,
        obj=instance,
        agency_code=instance.agency.code,
        payload={
            "name": instance.name,
            "title": instance.title,
            "since": instance.since,
            "until": instance.until,
        },
    )


@receiver(post_save, sender=Official)
def official_saved(sender: Any, instance: Official, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    forget_roles(instance.user)
    _append(
        action=Event.OFFICIAL_ASSIGNED,
        obj=instance.user,
        agency_code=instance.agency.code,
        payload={"username": instance.user.username, "agency": instance.agency.code},
    )
