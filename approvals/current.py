"""Who is acting in this request, for audit entries written by admin receivers.

Changes to users, groups and agencies happen in the Django admin, where the
receivers in ``approvals.signals`` have no request; the middleware below
leaves the user in a context variable for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from .client_ip import client_ip

_actor: ContextVar[Any] = ContextVar("pilot06_actor", default=None)
_ip: ContextVar[str] = ContextVar("pilot06_ip", default="")


def actor() -> Any:
    user = _actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def ip() -> str:
    return _ip.get()


@contextmanager
def acting(user: Any, *, address: str = "") -> Iterator[None]:
    """Name who acts for changes made outside a request (a command, an import, a test)."""
    actor_token, ip_token = _actor.set(user), _ip.set(address)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _ip.reset(ip_token)


class CurrentActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor_token = _actor.set(getattr(request, "user", None))
        ip_token = _ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(actor_token)
            _ip.reset(ip_token)
