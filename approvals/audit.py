"""The only writer of the audit trail, and its verifier (SPEC §5).

``hash = sha256(prev_hash + canonical_json(entry_without_hash))``; each
append locks the single chain-head row and takes head + 1, so ``seq`` has
no gaps and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from . import clock
from .events import is_declared
from .models import AuditEntry, ChainHead

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "agency",
    "action",
    "object_type",
    "object_id",
    "from_state",
    "to_state",
    "payload",
    "ip",
    "prev_hash",
)


def canonical_json(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json_safe(value: Any) -> Any:
    """Payloads are stored and hashed as plain JSON: dates become ISO strings."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "__int__") and not isinstance(value, bool):
        return int(value)
    return str(value)


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_dict(entry: AuditEntry) -> dict[str, Any]:
    """The hashed view of a stored entry."""
    return {
        "seq": entry.seq,
        "at": _at_text(entry.at),
        "actor": entry.actor_username,
        "role": entry.role,
        "agency": entry.agency_code,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "payload": entry.payload,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }


def compute_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def append(
    *,
    action: str,
    actor: Any = None,
    role: str = "",
    agency_code: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    from_state: str = "",
    to_state: str = "",
    payload: Mapping[str, Any] | None = None,
    ip: str | None = "",
) -> AuditEntry:
    """Append one entry.  Call inside the transaction of the change it records."""
    if not is_declared(action):
        raise ValueError(f"undeclared audit event: {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    if agency_code == "" and actor is not None:
        official = getattr(actor, "official", None) if getattr(actor, "pk", None) else None
        agency_code = official.agency.code if official is not None else ""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        # Microsecond precision survives every backend, so the stored value
        # hashes exactly as it was written.
        at = clock.now().astimezone(dt.UTC)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_username=getattr(actor, "username", "") or "",
            role=role or "",
            agency_code=agency_code or "",
            action=action,
            object_type=object_type or "",
            object_id=str(object_id if object_id is not None else ""),
            from_state=from_state or "",
            to_state=to_state or "",
            payload=_json_safe(dict(payload or {})),
            ip=ip or "",
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry.prev_hash, entry_dict(entry))
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None


def _iter_entries(chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify() -> Verification:
    """Recompute the whole chain; report the first entry that does not hold.

    An entry is bad when its seq breaks the 1, 2, 3… run (a deletion or a
    reordering), when its prev_hash is not the previous entry's hash (a
    forged or inserted entry), or when its own hash does not match its
    content (an edit).  The chain head row must agree with the last entry.
    """
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    last_hash = GENESIS
    for entry in _iter_entries():
        body = entry_dict(entry)
        if (
            entry.seq != expected_seq
            or entry.prev_hash != expected_prev
            or compute_hash(entry.prev_hash, body) != entry.hash
        ):
            return Verification(False, count, expected_seq - 1, last_hash, expected_seq if entry.seq > expected_seq else entry.seq)
        count += 1
        expected_seq += 1
        expected_prev = last_hash = entry.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != count or head.hash != last_hash):
        # The tail was cut (or the head forged): the first missing seq is bad.
        return Verification(False, count, count, last_hash, count + 1)
    return Verification(True, count, count, last_hash, None)


def head() -> tuple[int, str]:
    """The chain head's seq and hash, for anchoring on paper reports."""
    row = ChainHead.objects.filter(pk=1).first()
    return (row.seq, row.hash) if row else (0, GENESIS)
