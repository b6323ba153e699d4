"""The province's officials: create, change, deactivate, re-activate, and send a set-password link.

Every write goes through the ORM inside ``current.acting(actor)``, so the
receivers in ``approvals.signals`` audit it under the administrator (issue
9's rules: user.created, user.groups_changed, user.deactivated,
official.assigned); this module adds only what they cannot see, the link
that was sent.  Nobody's password passes through here.

Separation of duties is enforced by the actions themselves (SPEC §1); here
it is only foreseen: ``person_conflicts`` and ``agency_conflicts`` name the
combinations of roles that will make some actions refuse, so the
administrator is warned while assigning them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from approvals import current
from approvals.exceptions import DomainError, Forbidden, Invalid
from approvals.models import Agency, Official
from approvals.roles import Role, forget_roles

from .access import audit_refusal, require_admin
from .models import ProvinceProfile
from .passwords import password_link_send

User = get_user_model()


def _clean(
    *, username: str, full_name: str, email: str, roles: Iterable[str], existing: Any = None
) -> tuple[str, ...]:
    errors: dict[str, list[str]] = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        errors["username"] = [str(m) for m in error.messages]
    if not username or len(username) > 150:
        errors["username"] = [_("Tên đăng nhập từ 1 đến 150 ký tự.")]
    elif (
        User.objects.filter(username__iexact=username)
        .exclude(pk=getattr(existing, "pk", 0) or 0)
        .exists()
    ):
        errors["username"] = [_("Tên đăng nhập %(u)s đã có người dùng.") % {"u": username}]
    if not full_name.strip() or len(full_name) > 150:
        errors["full_name"] = [_("Cần họ và tên (tối đa 150 ký tự).")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Địa chỉ email không hợp lệ.")]
    wanted = tuple(sorted(set(roles)))
    unknown = [r for r in wanted if r not in Role.values]
    if unknown or not wanted:
        errors["roles"] = [
            _("Vai trò phải là một hoặc nhiều trong: %(roles)s.")
            % {"roles": ", ".join(Role.values)}
        ]
    if errors:
        raise Invalid(errors)
    return wanted


def _groups(roles: Iterable[str]) -> list[Group]:
    return [Group.objects.get_or_create(name=role)[0] for role in roles]


def _set_roles(user: Any, roles: tuple[str, ...]) -> bool:
    """Make the user's role groups exactly ``roles``; other groups are left alone."""
    held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    removed, added = held - set(roles), set(roles) - held
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added:
        user.groups.add(*_groups(sorted(added)))
    forget_roles(user)
    return bool(removed or added)


def official_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str,
    agency: Agency,
    roles: Iterable[str],
    title: str = "",
    ip: str = "",
) -> Any:
    """A new official of ``agency``, with no usable password and an invitation to set one."""
    try:
        require_admin(actor)
        wanted = _clean(username=username, full_name=full_name, email=email, roles=roles)
        with current.acting(actor, ip), transaction.atomic():
            # Vietnamese names read family name first; first_name holds the
            # whole name so get_full_name() shows it in that order.
            user = User(username=username, first_name=full_name.strip(), email=email)
            user.set_unusable_password()
            user.save()
            Official.objects.create(user=user, agency=agency, title=title)
            _set_roles(user, wanted)
            password_link_send(actor=actor, user=user, purpose="invitation", ip=ip)
        return user
    except DomainError as error:
        audit_refusal("create_official", actor=actor, error=error, object_type="auth.user", ip=ip)
        raise


def official_update(
    *,
    actor: Any,
    user: Any,
    full_name: str,
    email: str,
    agency: Agency,
    roles: Iterable[str],
    title: str = "",
    ip: str = "",
) -> list[str]:
    """Bring an official in line with these facts; returns the names of what changed."""
    try:
        require_admin(actor)
        wanted = _clean(
            username=user.username, full_name=full_name, email=email, roles=roles, existing=user
        )
        if user.pk == actor.pk and Role.ADMIN not in wanted and not user.is_superuser:
            raise Forbidden(_("Không tự bỏ vai trò quản trị của chính mình."))
        changed: list[str] = []
        with current.acting(actor, ip), transaction.atomic():
            fields = {"first_name": full_name.strip(), "last_name": "", "email": email}
            dirty = [name for name, value in fields.items() if getattr(user, name) != value]
            for name in dirty:
                setattr(user, name, fields[name])
            if dirty:
                user.save(update_fields=dirty)
                changed += [
                    "full_name" if name != "email" else "email"
                    for name in dirty
                    if name != "last_name"
                ]
            official = Official.objects.filter(user=user).first()
            if official is None:
                Official.objects.create(user=user, agency=agency, title=title)
                changed.append("agency")
            elif official.agency_id != agency.pk or official.title != title:
                changed += [
                    n
                    for n, d in (
                        ("agency", official.agency_id != agency.pk),
                        ("title", official.title != title),
                    )
                    if d
                ]
                official.agency, official.title = agency, title
                official.save(update_fields=["agency", "title"])
            if _set_roles(user, wanted):
                changed.append("roles")
        return list(dict.fromkeys(changed))
    except DomainError as error:
        audit_refusal(
            "update_official",
            actor=actor,
            error=error,
            object_type="auth.user",
            object_id=user.pk,
            ip=ip,
        )
        raise


def official_roles_set(*, actor: Any, user: Any, roles: Iterable[str], ip: str = "") -> list[str]:
    """Change only the roles, keeping name, e-mail and post."""
    official = Official.objects.select_related("agency").filter(user=user).first()
    if official is None:
        raise Invalid({"agency": [_("Người dùng này chưa thuộc cơ quan nào.")]})
    return official_update(
        actor=actor,
        user=user,
        full_name=user.get_full_name() or user.username,
        email=user.email,
        agency=official.agency,
        roles=roles,
        title=official.title,
        ip=ip,
    )


def official_set_active(*, actor: Any, user: Any, active: bool, ip: str = "") -> bool:
    """Deactivate (never delete: the trail keeps their name) or re-activate; False when already so."""
    verb = "reactivate_official" if active else "deactivate_official"
    try:
        require_admin(actor)
        if user.pk == actor.pk:
            raise Forbidden(_("Không tự khóa tài khoản của chính mình."))
        if user.is_active == active:
            return False
        with current.acting(actor, ip), transaction.atomic():
            user.is_active = active
            user.save(update_fields=["is_active"])
        return True
    except DomainError as error:
        audit_refusal(
            verb, actor=actor, error=error, object_type="auth.user", object_id=user.pk, ip=ip
        )
        raise


def password_reset_send(*, actor: Any, user: Any, ip: str = "") -> None:
    """Mail the official a link to choose a new password; their old one keeps working until they do."""
    try:
        require_admin(actor)
        if not user.is_active:
            raise Invalid(
                {"user": [_("Tài khoản đang bị khóa; hãy mở khóa trước khi gửi liên kết.")]}
            )
        if not user.email:
            raise Invalid({"email": [_("Cán bộ chưa có địa chỉ email.")]})
        with transaction.atomic():
            password_link_send(actor=actor, user=user, purpose="reset", ip=ip)
    except DomainError as error:
        audit_refusal(
            "send_password_link",
            actor=actor,
            error=error,
            object_type="auth.user",
            object_id=user.pk,
            ip=ip,
        )
        raise


# Separation of duties, foreseen.

_PAIRS: tuple[tuple[str, str, Any], ...] = (
    (
        Role.OFFICER,
        Role.FINANCE,
        _lazy(
            "Vừa là cán bộ cơ quan chủ trì vừa thẩm định kinh phí: không thẩm định được đề xuất do chính mình gửi."
        ),
    ),
    (
        Role.OFFICER,
        Role.POLICE,
        _lazy(
            "Vừa là cán bộ cơ quan chủ trì vừa là Công an tỉnh (PC06): không thẩm định, xác minh được hồ sơ do chính mình gửi."
        ),
    ),
    (
        Role.POLICE,
        Role.LEADER,
        _lazy(
            "Vừa xác minh kết quả vừa ký duyệt: người đã xác minh không được ký duyệt cùng hồ sơ."
        ),
    ),
)


def person_conflicts(
    roles: Iterable[str], agency_code: str, profile: ProvinceProfile | None
) -> list[str]:
    """Warnings for one official holding ``roles`` in agency ``agency_code``."""
    held = set(roles)
    warnings = [
        str(message) for first, second, message in _PAIRS if first in held and second in held
    ]
    if profile is not None:
        if (
            Role.POLICE in held
            and profile.standing_agency
            and agency_code != profile.standing_agency
        ):
            warnings.append(
                _(
                    "Vai trò Công an tỉnh (PC06) ở cơ quan %(code)s, không phải cơ quan thường trực %(standing)s."
                )
                % {"code": agency_code, "standing": profile.standing_agency}
            )
        if (
            Role.FINANCE in held
            and profile.finance_agency
            and agency_code != profile.finance_agency
        ):
            warnings.append(
                _(
                    "Vai trò thẩm định kinh phí ở cơ quan %(code)s, không phải cơ quan tài chính %(finance)s."
                )
                % {"code": agency_code, "finance": profile.finance_agency}
            )
    return warnings


def agency_conflicts(members: Mapping[str, Iterable[str]]) -> list[str]:
    """Warnings for one agency whose active members hold ``{username: roles}``."""
    officers = sorted(u for u, roles in members.items() if Role.OFFICER in set(roles))
    finance = sorted(u for u, roles in members.items() if Role.FINANCE in set(roles))
    if officers and finance:
        return [
            _(
                "Cơ quan vừa có cán bộ chủ trì (%(officers)s) vừa có người thẩm định kinh phí (%(finance)s): đề xuất kinh phí của cơ quan có thể do chính cơ quan thẩm định."
            )
            % {"officers": ", ".join(officers), "finance": ", ".join(finance)}
        ]
    return []
