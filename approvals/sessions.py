"""End a person's API tokens and sessions when their credentials or rights shrink (review finding L4).

Django already refuses a session whose password hash changed, and knox an
inactive user, but a knox token outlives a password reset and a session
keeps running after its owner lost a role.  ``end_sessions`` is called by
``approvals.signals`` for every such change, whichever path made it (the
admin, a shell, the people pages), in the same transaction: a change that
rolls back ends nothing.

Sessions are found by decoding the stored ones, which needs a
database-backed engine (``db`` or ``cached_db``, Django's default is
``db``); with any other engine only the tokens are ended and Django's
password-hash check is what ends the sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from knox.models import AuthToken

_DATABASE_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def end_sessions(user_ids: Iterable[int | None]) -> None:
    """Delete every API token and every stored session of these users."""
    ids = {int(pk) for pk in user_ids if pk}
    if not ids:
        return
    for token in AuthToken.objects.filter(user_id__in=ids).select_related("user"):
        token.delete()  # one at a time: each deletion is audited
    _delete_sessions({str(pk) for pk in ids})


def _delete_sessions(user_ids: set[str]) -> None:
    engine = settings.SESSION_ENGINE
    if engine not in _DATABASE_ENGINES:
        return
    store_class = import_module(engine).SessionStore
    model = store_class.get_model_class()
    ended = [
        row.session_key
        for row in model.objects.filter(expire_date__gt=timezone.now())
        .only("session_key", "session_data")
        .iterator()
        if str(row.get_decoded().get(SESSION_KEY, "")) in user_ids
    ]
    for key in ended:
        store_class(session_key=key).delete()  # through the store, so a cached copy goes too
