"""Set-password links: an invitation for a new official, a reset the administrator sends.

Nobody types or reads another person's password: an official gets a
one-time link made by Django's own token generator and chooses a password
on Django's own page (``password_reset_confirm``).  The link is sent after
the commit, so a rolled-back import mails nobody; sending is audited in the
transaction, because the signals in ``approvals.signals`` cannot see it.
"""

from __future__ import annotations

import logging
from typing import Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from approvals import audit
from approvals.events import Event
from approvals.roles import Role

from .profile import province_name

log = logging.getLogger(__name__)

Purpose = Literal["invitation", "reset"]
TEMPLATES: dict[str, tuple[str, str]] = {
    "invitation": ("registration/invitation_subject.txt", "registration/invitation_email.txt"),
    "reset": ("registration/password_reset_subject.txt", "registration/password_reset_email.html"),
}


class ResetForm(PasswordResetForm):
    """Django's "forgot password" form, also for officials who never set one.

    Django skips users without a usable password (they might sign in some
    other way); in pilot06 every official signs in with a password, and an
    invited one whose link expired must be able to ask again.
    """

    def get_users(self, email: str) -> Any:
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (
            user for user in users if constant_time_compare(email.casefold(), user.email.casefold())
        )


def link_context(user: Any) -> dict[str, Any]:
    """What Django's own reset e-mail template receives, with the address of this installation."""
    base = urlsplit(settings.PILOT06_BASE_URL)
    return {
        "email": user.email,
        "domain": base.netloc,
        "protocol": base.scheme or "https",
        "site_name": "pilot06",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "province": province_name(),
    }


def password_link_send(*, actor: Any, user: Any, purpose: Purpose, ip: str = "") -> None:
    """Audit now; mail the link once the transaction commits (the token is made then, from the saved user)."""
    audit.append(
        action=Event.PASSWORD_LINK_SENT,
        actor=actor,
        role=Role.ADMIN,
        obj=user,
        payload={"username": user.username, "purpose": purpose, "email": user.email},
        ip=ip,
    )
    user_pk = user.pk
    transaction.on_commit(lambda: _mail(user_pk, purpose))


def _mail(user_pk: int, purpose: Purpose) -> None:
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not user.email:
        return
    subject_template, body_template = TEMPLATES[purpose]
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = link_context(user)
            subject = "".join(render_to_string(subject_template, context).splitlines())
            body = render_to_string(body_template, context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    except Exception:  # a mail server that is down must not fail what was already committed
        log.exception("could not send the %s link to %s", purpose, user.username)
