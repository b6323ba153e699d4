"""Audit every change to people, groups, agencies, heads, officials and tokens (SPEC §5, review L1/H1/L4).

These changes are made in the Django admin, a shell, or the people pages,
all through the ORM; its signals are the one hook every path passes
through, so this module is the single place that audits them.  Each save
writes one entry naming the acting administrator (``approvals.current``)
and a field diff; a save that changes nothing writes nothing, and a
password appears only as "changed", never as a hash.

They decide nothing.  Beyond recording, they end a person's tokens and
sessions when that person's credentials or rights shrink
(``approvals.sessions``), because a token must not outlive the password or
the role it was issued under, whichever path made the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from . import audit, current
from .events import Event
from .models import Agency, AgencyHead, Official
from .roles import Role, forget_roles
from .sessions import end_sessions

User = get_user_model()

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)
AGENCY_FIELDS = (
    "code",
    "name",
    "kind",
    "parent_name",
    "signing_prefix",
    "signing_title",
    "signing_name",
)
HEAD_FIELDS = ("name", "title", "email", "since", "until")
OFFICIAL_FIELDS = ("user_id", "agency_id", "title")
_BEFORE = "_pilot06_before"
# Only these saves skip the comparison: Django stamps the login time on every login.
_UNAUDITED_UPDATES = frozenset({"last_login"})


def _append(*, actor: Any = None, **kwargs: Any) -> None:
    """Append with whoever is acting in the current request (the admin), else ``actor``."""
    audit.append(actor=current.actor() or actor, ip=current.ip(), **kwargs)


def _remember(instance: Model, fields: Iterable[str], update_fields: Any) -> None:
    """Keep the stored values before a save, to diff against after it."""
    if instance.pk is None or (
        update_fields is not None and set(update_fields) <= _UNAUDITED_UPDATES
    ):
        setattr(instance, _BEFORE, None)
        return
    setattr(
        instance,
        _BEFORE,
        type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first(),
    )


def _diff(instance: Model, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    before: Mapping[str, Any] | None = getattr(instance, _BEFORE, None)
    if before is None:
        return {}
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = {"from": _plain(old), "to": _plain(new)}
    return changes


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- People --------------------------------------------------------------------


@receiver(pre_save, sender=User)
def user_before_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not raw:
        _remember(instance, (*USER_FIELDS, "password"), update_fields)


def _password_changed(instance: Any) -> bool:
    """A new password was set (``set_password``) or disabled; a rehash at login is no change."""
    before = getattr(instance, _BEFORE, None)
    if before is None or before["password"] == instance.password:
        return False
    return getattr(instance, "_password", None) is not None or not instance.has_usable_password()


def _turned_off(changes: Mapping[str, Any], name: str) -> bool:
    return name in changes and changes[name]["from"] is True and changes[name]["to"] is False


@receiver(post_save, sender=User)
def user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        _append(
            action=Event.USER_CREATED,
            obj=instance,
            payload={
                "username": instance.username,
                **{f: getattr(instance, f) for f in ("is_active", "is_staff", "is_superuser")},
            },
        )
        return
    changes: dict[str, Any] = _diff(instance, USER_FIELDS)
    password = _password_changed(instance)
    if password:
        changes["password"] = {"changed": True}
    if not changes:
        return
    if _turned_off(changes, "is_active"):
        action = Event.USER_DEACTIVATED
    elif set(changes) == {"password"}:
        action = Event.USER_PASSWORD_CHANGED
    else:
        action = Event.USER_CHANGED
    _append(
        action=action, obj=instance, payload={"username": instance.username, "changes": changes}
    )
    if password or any(
        _turned_off(changes, name) for name in ("is_active", "is_staff", "is_superuser")
    ):
        end_sessions([instance.pk])


@receiver(post_delete, sender=User)
def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _append(action=Event.USER_DELETED, obj=instance, payload={"username": instance.username})


def _names(model: type[Model], pks: Iterable[Any], field: str) -> list[str]:
    return sorted(model._default_manager.filter(pk__in=list(pks)).values_list(field, flat=True))


@receiver(m2m_changed, sender=User.groups.through)
def groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """A user's groups, changed from the user's side or, ``reverse``, from the group's side."""
    if action == "pre_clear":
        # What a clear removes is gone by post_clear: remember it now.
        related = instance.user_set if reverse else instance.groups
        instance._pilot06_cleared = set(related.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    change = action.removeprefix("post_")
    touched = (
        set(pk_set or ()) if change != "clear" else getattr(instance, "_pilot06_cleared", set())
    )
    if reverse:
        _group_members_changed(instance, change, touched)
    else:
        _user_groups_changed(instance, change, touched)


def _user_groups_changed(user: Any, change: str, group_ids: set[Any]) -> None:
    forget_roles(user)
    changed = _names(Group, group_ids, "name")
    _append(
        action=Event.USER_GROUPS_CHANGED,
        obj=user,
        payload={
            "username": user.username,
            "change": change,
            "changed": changed,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
    )
    if change != "add" and set(changed) & set(Role.values):
        end_sessions([user.pk])


def _group_members_changed(group: Group, change: str, user_ids: set[Any]) -> None:
    _append(
        action=Event.GROUP_MEMBERS_CHANGED,
        obj=group,
        payload={
            "group": group.name,
            "change": change,
            "users": _names(User, user_ids, "username"),
        },
    )
    if change != "add" and group.name in Role.values:
        end_sessions(user_ids)


@receiver(m2m_changed, sender=User.user_permissions.through)
def user_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    _append(
        action=Event.USER_PERMISSIONS_CHANGED,
        obj=instance,
        payload={
            "username": instance.username,
            "change": action.removeprefix("post_"),
            "permissions": _codenames(pk_set),
        },
    )


@receiver(m2m_changed, sender=Group.permissions.through)
def group_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    _append(
        action=Event.GROUP_PERMISSIONS_CHANGED,
        obj=instance,
        payload={
            "group": instance.name,
            "change": action.removeprefix("post_"),
            "permissions": _codenames(pk_set),
        },
    )


def _codenames(pk_set: Any) -> list[str]:
    from django.contrib.auth.models import Permission

    return _names(Permission, pk_set or (), "codename")


# --- Groups ----------------------------------------------------------------------


@receiver(pre_save, sender=Group)
def group_before_save(
    sender: Any, instance: Group, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not raw:
        _remember(instance, ("name",), update_fields)


@receiver(post_save, sender=Group)
def group_saved(
    sender: Any, instance: Group, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        _append(action=Event.GROUP_CREATED, obj=instance, payload={"name": instance.name})
        return
    changes = _diff(instance, ("name",))
    if not changes:
        return
    _append(action=Event.GROUP_RENAMED, obj=instance, payload={"changes": changes})
    if changes["name"]["from"] in Role.values:
        end_sessions(instance.user_set.values_list("pk", flat=True))


@receiver(pre_delete, sender=Group)
def group_before_delete(sender: Any, instance: Group, **kwargs: Any) -> None:
    instance._pilot06_members = list(instance.user_set.values_list("pk", "username"))  # type: ignore[attr-defined]


@receiver(post_delete, sender=Group)
def group_deleted(sender: Any, instance: Group, **kwargs: Any) -> None:
    members = getattr(instance, "_pilot06_members", [])
    _append(
        action=Event.GROUP_DELETED,
        obj=instance,
        payload={"name": instance.name, "members": sorted(u for _pk, u in members)},
    )
    if instance.name in Role.values:
        end_sessions(pk for pk, _u in members)


# --- Agencies, heads and officials -------------------------------------------------


@receiver(pre_save, sender=Agency)
def agency_before_save(
    sender: Any, instance: Agency, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not raw:
        _remember(instance, AGENCY_FIELDS, update_fields)


@receiver(post_save, sender=Agency)
def agency_saved(
    sender: Any, instance: Agency, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    payload: dict[str, Any] = {"code": instance.code, "name": instance.name, "kind": instance.kind}
    if not created:
        changes = _diff(instance, AGENCY_FIELDS)
        if not changes:
            return
        payload["changes"] = changes
    _append(
        action=Event.AGENCY_CREATED if created else Event.AGENCY_CHANGED,
        obj=instance,
        agency_code=instance.code,
        payload=payload,
    )


@receiver(post_delete, sender=Agency)
def agency_deleted(sender: Any, instance: Agency, **kwargs: Any) -> None:
    _append(
        action=Event.AGENCY_DELETED,
        obj=instance,
        agency_code=instance.code,
        payload={"code": instance.code, "name": instance.name},
    )


@receiver(pre_save, sender=AgencyHead)
def head_before_save(
    sender: Any, instance: AgencyHead, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not raw:
        _remember(instance, HEAD_FIELDS, update_fields)


@receiver(post_save, sender=AgencyHead)
def agency_head_saved(
    sender: Any, instance: AgencyHead, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    payload: dict[str, Any] = {
        "name": instance.name,
        "title": instance.title,
        "since": instance.since,
        "until": instance.until,
    }
    if not created:
        changes = _diff(instance, HEAD_FIELDS)
        if not changes:
            return
        payload["changes"] = changes
    _append(
        action=Event.AGENCY_HEAD_CHANGED,
        obj=instance,
        agency_code=instance.agency.code,
        payload=payload,
    )


@receiver(post_delete, sender=AgencyHead)
def agency_head_deleted(sender: Any, instance: AgencyHead, **kwargs: Any) -> None:
    """Heads are end-dated, never deleted; the admin refuses it, and a shell that does it is on record."""
    _append(
        action=Event.AGENCY_HEAD_DELETED,
        obj=instance,
        agency_code=instance.agency.code,
        payload={
            "name": instance.name,
            "title": instance.title,
            "since": instance.since,
            "until": instance.until,
        },
    )


@receiver(pre_save, sender=Official)
def official_before_save(
    sender: Any, instance: Official, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if not raw:
        _remember(instance, OFFICIAL_FIELDS, update_fields)


@receiver(post_save, sender=Official)
def official_saved(
    sender: Any, instance: Official, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    forget_roles(instance.user)
    payload: dict[str, Any] = {"username": instance.user.username, "agency": instance.agency.code}
    if created:
        _append(
            action=Event.OFFICIAL_ASSIGNED,
            obj=instance.user,
            agency_code=instance.agency.code,
            payload=payload,
        )
        return
    changes = _diff(instance, OFFICIAL_FIELDS)
    if not changes:
        return
    if "agency_id" in changes:
        changes["agency"] = {
            "from": _agency_code(changes.pop("agency_id")["from"]),
            "to": instance.agency.code,
        }
    if "user_id" in changes:
        changes["user"] = {
            "from": _username(changes.pop("user_id")["from"]),
            "to": instance.user.username,
        }
    _append(
        action=Event.OFFICIAL_CHANGED,
        obj=instance.user,
        agency_code=instance.agency.code,
        payload={**payload, "changes": changes},
    )
    if "agency" in changes or "user" in changes:
        before = getattr(instance, _BEFORE, None) or {}
        end_sessions([instance.user_id, before.get("user_id")])


def _agency_code(pk: Any) -> str:
    return Agency.objects.filter(pk=pk).values_list("code", flat=True).first() or ""


def _username(pk: Any) -> str:
    return User._default_manager.filter(pk=pk).values_list("username", flat=True).first() or ""


@receiver(post_delete, sender=Official)
def official_removed(sender: Any, instance: Official, **kwargs: Any) -> None:
    _append(
        action=Event.OFFICIAL_REMOVED,
        obj=instance.user,
        agency_code=instance.agency.code,
        payload={
            "username": instance.user.username,
            "agency": instance.agency.code,
            "title": instance.title,
        },
    )
    end_sessions([instance.user_id])


# --- Credentials -------------------------------------------------------------------


def _token_payload(token: AuthToken) -> dict[str, Any]:
    """Whose token and until when: never the token, its digest or its lookup prefix."""
    return {"username": token.user.username, "expiry": token.expiry}


@receiver(post_save, sender=AuthToken)
def token_created(
    sender: Any, instance: AuthToken, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        _append(
            action=Event.TOKEN_CREATED,
            actor=instance.user,
            obj=instance.user,
            payload=_token_payload(instance),
        )


@receiver(post_delete, sender=AuthToken)
def token_deleted(sender: Any, instance: AuthToken, **kwargs: Any) -> None:
    payload = {
        **_token_payload(instance),
        "expired": bool(instance.expiry and instance.expiry <= timezone.now()),
    }
    _append(action=Event.TOKEN_DELETED, actor=instance.user, obj=instance.user, payload=payload)


@receiver(post_delete, sender=AccessAttempt)
def lockout_cleared(sender: Any, instance: AccessAttempt, **kwargs: Any) -> None:
    """An administrator lifted a login lockout.  django-axes' own resets (at a login, after the cool-off) are not admin changes."""
    if current.actor() is None:
        return
    _append(
        action=Event.LOCKOUT_CLEARED,
        payload={"username": instance.username or "", "ip": instance.ip_address or ""},
    )
