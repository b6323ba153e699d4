"""Refused actions in the trail: every one recorded, none where the refused person cannot see (review M1).

A refusal about a model the actor may see (403, 409, 400) joins that
model's trail.  A refusal about something the actor cannot see (a 404: a
hidden or missing model, an unknown action) and every refused registration
(there is no model yet) is a request-level entry: ``object_type`` is
``request`` and the id or number asked for is in the payload, so nobody
writes into the trail of a model they cannot see, and a number asked for
never files an entry under the model whose id it happens to be.

Free text in the payload (the reason, a made-up action name) is cut to
``MAX_TEXT`` characters: a refusal records that something was tried, not
whatever the request carried.
"""

from __future__ import annotations

from typing import Any

from approvals import audit
from approvals.events import refused
from approvals.exceptions import DomainError, Invalid, NotFound
from approvals.roles import roles_of

from ..actions import REGISTRY
from ..states import Action

MAX_TEXT = 200
MAX_FIELDS = 50
REQUEST = "request"
MODEL = "workflows.pilotmodel"


def _text(value: Any) -> str:
    return str(value)[:MAX_TEXT]


def refusal_payload(
    action: str, *, error: DomainError, object_id: Any, request_level: bool
) -> dict[str, Any]:
    payload: dict[str, Any] = {"status": error.status, "code": error.code, "reason": _text(error)}
    if action not in REGISTRY:
        payload["requested"] = _text(action)
    if isinstance(error, Invalid):
        payload["fields"] = sorted(_text(name) for name in error.errors)[:MAX_FIELDS]
    if request_level and object_id not in (None, ""):
        key = "attempted_number" if action == Action.REGISTER else "attempted_id"
        payload[key] = _text(object_id)
    return payload


def record(action: str, *, actor: Any, object_id: Any, error: DomainError, ip: str = "") -> None:
    """Append the refusal's entry: on the model's trail, or as a request."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    # Event names come from one declared list: an action nobody declared is
    # recorded as refused.unknown, with the name asked for in the payload.
    verb = action if action in REGISTRY else "unknown"
    request_level = action == Action.REGISTER or isinstance(error, NotFound)
    audit.append(
        action=refused(verb),
        actor=actor,
        role=",".join(sorted(roles_of(actor))),
        object_type=REQUEST if request_level else MODEL,
        object_id="" if request_level else _text(object_id)[:64],
        payload=refusal_payload(
            action, error=error, object_id=object_id, request_level=request_level
        ),
        ip=ip,
    )
