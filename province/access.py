"""Who may run the province: the admin role (SPEC §10), checked by every service here.

A refusal is audited like every other (``refused.<verb>``), after the failed
block, with nothing else written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from approvals import audit
from approvals.events import refused
from approvals.exceptions import DomainError, Forbidden, NotAuthenticated
from approvals.roles import Role, roles_of


def is_admin(user: Any) -> bool:
    return Role.ADMIN in roles_of(user)


def require_admin(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAuthenticated(_("Cần đăng nhập."))
    if not is_admin(actor):
        raise Forbidden(_("Chỉ quản trị hệ thống được quản lý hồ sơ tỉnh và cán bộ."))


def audit_refusal(
    verb: str,
    *,
    actor: Any,
    error: DomainError,
    object_type: str = "",
    object_id: Any = "",
    ip: str = "",
) -> None:
    if error.status == 401 or actor is None or not getattr(actor, "is_authenticated", False):
        return
    audit.append(
        action=refused(verb),
        actor=actor,
        role=",".join(sorted(roles_of(actor))),
        object_type=object_type,
        object_id=object_id,
        payload={"status": error.status, "code": error.code, "reason": str(error)[:200]},
        ip=ip,
    )
