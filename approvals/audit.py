"""The only writer of the audit trail, and its verifier (SPEC §5).

``hash = sha256(prev_hash + canonical_json(entry_without_hash))``; each
append locks the single chain-head row and takes head + 1, so ``seq`` has
no gaps and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from . import clock
from .events import is_declared
from .models import AuditEntry, ChainHead
from .permissions import agency_code_of

GENESIS = "0" * 64
# Each hashed key and the AuditEntry column it comes from (``entry_dict``;
# ``verify`` reads the same columns through ``_ROW_TEMPLATE``).
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
    savepoint: bool = True,
) -> AuditEntry:
    """Append one entry.  Call inside the transaction of the change it records.

    ``savepoint=False`` for a caller whose whole transaction fails with the
    entry anyway (an action): one savepoint fewer on the action's path.
    """
    if not is_declared(action):
        raise ValueError(f"undeclared audit event: {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    if agency_code == "" and actor is not None:
        agency_code = agency_code_of(actor)  # the post and its agency, one query, kept on the user
    with transaction.atomic(savepoint=savepoint):
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
    # How many entries were recomputed (all of them, unless ``since`` was given).
    checked: int = 0


# The canonical JSON of a stored entry, as one template: the keys in sorted
# order, ``,`` and ``:`` without spaces, strings escaped by the encoder that
# ``canonical_json`` uses (the hashes and the time need no escaping).  Byte
# for byte what ``canonical_json(entry_dict(entry))`` gives;
# tests/approvals/test_audit.py holds the two together.
_ROW_TEMPLATE = (
    '{"action":%s,"actor":%s,"agency":%s,"at":"%s","from_state":%s,"ip":%s,"object_id":%s,'
    '"object_type":%s,"payload":%s,"prev_hash":"%s","role":%s,"seq":%d,"to_state":%s}'
)


def _at_sql(vendor: str) -> str:
    """``_at_text(at)`` computed by the database: UTC, microseconds, ``+00:00``.

    Django's own loader builds a datetime per row and ``isoformat`` formats
    it back, which costs more than reading the row.  SQLite keeps the value
    as naive UTC text (no fraction when it is zero).
    """
    if vendor == "postgresql":
        return """to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""
    return """CASE WHEN length("at") = 19 THEN replace("at", ' ', 'T') || '.000000' ELSE replace("at", ' ', 'T') END || '+00:00'"""


def _payload_codec() -> tuple[Callable[[str], Any], Callable[[Any], str]]:
    """Parse the stored payload and encode it canonically, without json's per-call set-up.

    The same C scanner ``json.loads`` uses and the same C encoder
    ``_CANONICAL.encode`` builds on every call, built once (circular-reference
    checks do not change the output of plain JSON data).
    """
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    iterencode = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if iterencode is None:  # a Python without the C accelerator: the plain calls
        return json.loads, _CANONICAL.encode
    encoder = iterencode(
        None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )

    def parse(text: str) -> Any:
        try:
            return scan(text, 0)[0]
        except StopIteration:
            return json.loads(text)  # raises the usual error

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    return parse, encode


def _hashed_batches(
    after_seq: int = 0, chunk: int = 5000
) -> Iterator[list[tuple[int, str, str, str]]]:
    """(seq, prev_hash, recomputed hash, stored hash) of the entries after ``after_seq``, a batch at a time.

    A raw cursor, the timestamp formatted in SQL and the JSON filled into a
    fixed template: no model instances, no per-row datetimes, no per-row
    dictionaries.  Only the payload is parsed and encoded again, since the
    database keeps it in its own spelling.
    """
    from django.db import connection

    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    payload = '"payload"::text' if connection.vendor == "postgresql" else '"payload"'
    query = (
        f'SELECT "seq", {_at_sql(connection.vendor)}, "actor_username", "role", "agency_code", "action", '
        f'"object_type", "object_id", "from_state", "to_state", {payload}, "ip", "prev_hash", "hash" '
        f'FROM {table} WHERE "seq" > %s ORDER BY "seq" LIMIT %s'
    )
    parse, encode = _payload_codec()
    text, sha256, template = json.encoder.encode_basestring, hashlib.sha256, _ROW_TEMPLATE
    last = after_seq
    with connection.cursor() as cursor:
        while True:
            cursor.execute(query, [last, chunk])
            rows = cursor.fetchall()
            if not rows:
                return
            yield [
                (
                    seq,
                    prev,
                    sha256(
                        (
                            prev
                            + template
                            % (
                                text(action), text(actor), text(agency), at, text(from_state), text(ip),
                                text(object_id), text(object_type),
                                encode(parse(body) if isinstance(body, str) else body),
                                prev, text(role), seq, text(to_state),
                            )
                        ).encode("utf-8")
                    ).hexdigest(),
                    digest,
                )
                for seq, at, actor, role, agency, action, object_type, object_id, from_state, to_state, body, ip, prev, digest in rows
            ]  # fmt: skip
            last = rows[-1][0]


def verify(*, since: tuple[int, str] | None = None) -> Verification:
    """Recompute the whole chain; report the first entry that does not hold.

    An entry is bad when its seq breaks the 1, 2, 3… run (a deletion or a
    reordering), when its prev_hash is not the previous entry's hash (a
    forged or inserted entry), or when its own hash does not match its
    content (an edit).  The chain head row must agree with the last entry.

    ``since=(seq, hash)``, an anchor verified before: the entry at ``seq``
    must still have ``hash``, and only the entries after it are recomputed
    (``checked`` counts them; ``entries`` is still the chain's length).
    """
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    last_hash = GENESIS
    if since is not None:
        anchor_seq, anchor_hash = since
        bad = anchor_failure(anchor_seq, anchor_hash)
        if bad is not None:
            return Verification(False, bad - 1, bad - 1, GENESIS, bad, checked=0)
        expected_prev = last_hash = anchor_hash
        expected_seq = anchor_seq + 1
        count = anchor_seq
    start = count
    head = ChainHead.objects.filter(pk=1).first()
    hash_at_head: str | None = (
        since[1] if since is not None and head is not None and head.seq == since[0] else None
    )
    for batch in _hashed_batches(after_seq=count):
        for seq, prev_hash, recomputed, stored_hash in batch:
            if seq != expected_seq or prev_hash != expected_prev or recomputed != stored_hash:
                first_bad = expected_seq if seq > expected_seq else seq
                return Verification(
                    False, count, expected_seq - 1, last_hash, first_bad, checked=count - start
                )
            count += 1
            expected_seq += 1
            expected_prev = last_hash = stored_hash
            if head is not None and seq == head.seq:
                hash_at_head = stored_hash
    checked = count - start
    if head is not None and (head.seq != count or head.hash != last_hash):
        first_bad = _first_bad_against_head(head, count, hash_at_head)
        return Verification(False, count, count, last_hash, first_bad, checked=checked)
    return Verification(True, count, count, last_hash, None, checked=checked)


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
