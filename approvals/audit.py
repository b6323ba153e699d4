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
from .permissions import agency_code_of

GENESIS = "0" * 64
# Each hashed key and the AuditEntry column it comes from, in one place for
# ``entry_dict`` (one stored entry) and ``verify`` (every entry, as rows).
_COLUMN_OF_KEY = {
    "seq": "seq",
    "at": "at",
    "actor": "actor_username",
    "role": "role",
    "agency": "agency_code",
    "action": "action",
    "object_type": "object_type",
    "object_id": "object_id",
    "from_state": "from_state",
    "to_state": "to_state",
    "payload": "payload",
    "ip": "ip",
    "prev_hash": "prev_hash",
}


# ``json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``,
# with the encoder built once instead of once per entry.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(entry: Mapping[str, Any]) -> str:
    return _CANONICAL.encode(entry)


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
    body = {key: getattr(entry, column) for key, column in _COLUMN_OF_KEY.items()}
    body["at"] = _at_text(entry.at)
    return body


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
        agency_code = agency_code_of(actor)  # the post and its agency, one query, kept on the user
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


def _iter_rows(chunk: int = 5000) -> Iterator[tuple[dict[str, Any], str]]:
    """Each entry's hashed view and its stored hash, in seq order.

    Plain rows rather than model instances: building 100,000 ``AuditEntry``
    objects cost more than hashing them.  ``entry_dict`` of the same entry
    gives the same view.
    """
    columns = [*_COLUMN_OF_KEY.values(), "hash"]
    last = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(seq__gt=last).order_by("seq").values_list(*columns)[:chunk]
        )
        if not batch:
            return
        for row in batch:
            body = dict(zip(_COLUMN_OF_KEY, row, strict=False))  # the hash, last, is left out
            body["at"] = _at_text(body["at"])
            yield body, row[-1]
        last = batch[-1][0]


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
    head = ChainHead.objects.filter(pk=1).first()
    hash_at_head: str | None = None
    for body, stored_hash in _iter_rows():
        seq, prev_hash = body["seq"], body["prev_hash"]
        if (
            seq != expected_seq
            or prev_hash != expected_prev
            or compute_hash(prev_hash, body) != stored_hash
        ):
            return Verification(
                False,
                count,
                expected_seq - 1,
                last_hash,
                expected_seq if seq > expected_seq else seq,
            )
        count += 1
        expected_seq += 1
        expected_prev = last_hash = stored_hash
        if head is not None and seq == head.seq:
            hash_at_head = stored_hash
    if head is not None and (head.seq != count or head.hash != last_hash):
        return Verification(
            False, count, count, last_hash, _first_bad_against_head(head, count, hash_at_head)
        )
    return Verification(True, count, count, last_hash, None)


def _first_bad_against_head(head: ChainHead, count: int, hash_at_head: str | None) -> int:
    """The chain holds together but disagrees with the head row every append updates.

    Fewer entries than the head counts: the tail was cut, the first missing
    seq is bad.  More entries, after an entry that still matches the head:
    they were written behind the head's lock, the first of them is bad.
    Otherwise history was rewritten at or before the head's seq.
    """
    if head.seq > count:
        return count + 1
    if head.seq < count and hash_at_head == head.hash:
        return head.seq + 1
    return max(head.seq, 1)


def head() -> tuple[int, str]:
    """The chain head's seq and hash, for anchoring on paper reports."""
    row = ChainHead.objects.filter(pk=1).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def anchor_failure(seq: int, hash: str) -> int | None:
    """Check the chain against a seq and hash printed outside the database (a paper report).

    The database alone cannot see a cut tail whose head row was rewritten
    too, nor a history re-hashed end to end; the printed pair can.  Returns
    None when the entry at ``seq`` still has that hash (so, with ``verify``
    passing, entries 1..seq are exactly as printed), else the first seq
    known bad: the first missing one when the chain no longer reaches
    ``seq``, otherwise ``seq`` itself (rewritten at or before it).
    """
    stored = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored == hash:
        return None
    if stored is None:
        return AuditEntry.objects.filter(seq__lt=seq).count() + 1
    return seq


def matches_anchor(seq: int, hash: str) -> bool:
    """True when the entry at ``seq`` still has the ``hash`` printed on paper."""
    return anchor_failure(seq, hash) is None
