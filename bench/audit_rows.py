"""Audit entries in bulk, with a valid hash chain, written straight to the table.

The services append one entry per action under the chain-head lock; that is
the right path for real actions and far too slow for 100,000 of them.  Here
entries are hashed exactly as ``approvals.audit.append`` hashes them (same
``entry_dict``, same ``compute_hash``), inserted in batches, and the chain
head is moved to the last one, so ``verify()`` sees an intact chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

BATCH = 5000


@dataclass
class Draft:
    """One entry to append: everything but seq, prev_hash and hash."""

    at: dt.datetime
    action: str
    actor: Any = None
    role: str = ""
    agency_code: str = ""
    object_type: str = ""
    object_id: str = ""
    from_state: str = ""
    to_state: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    ip: str = ""


def append_many(drafts: Iterable[Draft]) -> int:
    """Chain and insert ``drafts`` after the current head; returns how many were written."""
    from types import SimpleNamespace

    from django.db import transaction

    from approvals.audit import compute_hash, entry_dict
    from approvals.models import AuditEntry, ChainHead
    from bench.bulk import Db, Table, reset_sequences

    db = Db()
    fields = [
        "seq",
        "at",
        "actor",
        "actor_username",
        "role",
        "agency_code",
        "action",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
        "payload",
        "ip",
        "prev_hash",
        "hash",
    ]
    written = 0
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.seq, head.hash
        table = Table(AuditEntry, fields)
        for batch in _batches(drafts, BATCH):
            for draft in batch:
                seq += 1
                # Hashed exactly as append() hashes a stored entry: entry_dict reads
                # the same attributes from this stand-in as from an AuditEntry.
                entry = SimpleNamespace(
                    seq=seq,
                    at=draft.at,
                    actor_username=getattr(draft.actor, "username", "") or "",
                    role=draft.role,
                    agency_code=draft.agency_code,
                    action=draft.action,
                    object_type=draft.object_type,
                    object_id=draft.object_id,
                    from_state=draft.from_state,
                    to_state=draft.to_state,
                    payload=draft.payload,
                    ip=draft.ip,
                    prev_hash=prev,
                )
                digest = compute_hash(prev, entry_dict(entry))  # type: ignore[arg-type]
                table.add(
                    seq,
                    db.dt(draft.at),
                    getattr(draft.actor, "pk", None),
                    entry.actor_username,
                    draft.role,
                    draft.agency_code,
                    draft.action,
                    draft.object_type,
                    draft.object_id,
                    draft.from_state,
                    draft.to_state,
                    db.json(draft.payload),
                    draft.ip,
                    prev,
                    digest,
                )
                prev = digest
            table.flush()
            written += len(batch)
        reset_sequences([AuditEntry])
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return written


def _batches(items: Iterable[Draft], size: int) -> Iterator[list[Draft]]:
    batch: list[Draft] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
