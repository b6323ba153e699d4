"""Figure ``audit_verify``: ``approvals.audit.verify()`` over 100,000 entries vs its floor.

The floor is what no verification can skip: fetching the same rows with a
raw cursor (in the same batches) and SHA-256 over each entry's canonical
bytes, those bytes prepared beforehand.  The ratio is what rebuilding the
canonical JSON from the rows costs on top.  The first round's floor, the
hashing alone, is kept beside it for comparison.

``verify_audit --since-anchor`` is timed too: 1,000 entries appended after
a verified anchor on top of the 100,000.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from bench import harness

ACTIONS = [
    ("registration.submitted", "officer", "SYT", "", "registered"),
    ("registration.approved", "police", "CAT", "registered", "registered"),
    ("funding.requested", "officer", "SYT", "registered", "funding_requested"),
    ("funding.approved", "finance", "STC", "funding_requested", "financed"),
    ("deployment.started", "officer", "SYT", "financed", "deploying"),
]


def drafts(count: int, people: dict[str, Any]) -> Iterator[Any]:
    """A plausible trail: each model registered, approved, funded, financed, deployed."""
    from bench.audit_rows import Draft

    start = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC)
    for i in range(count):
        action, who, agency, from_state, to_state = ACTIONS[i % len(ACTIONS)]
        model_id = 1 + i // len(ACTIONS)
        payload: dict[str, Any] = {"version": 1 + i % len(ACTIONS), "comment": f"Ý kiến số {i}"}
        if action == "funding.approved":
            payload.update(
                approved_amount=1_000_000_000,
                decision_number=f"{1 + i % 9999}/QĐ-UBND",
                decision_date="2025-10-01",
                it_appraisal=None,
                round=1,
            )
        yield Draft(
            at=start + dt.timedelta(seconds=37 * i, microseconds=i % 1_000_000),
            action=action,
            actor=people[who],
            role=who,
            agency_code=agency,
            object_type="workflows.pilotmodel",
            object_id=str(model_id),
            from_state=from_state,
            to_state=to_state,
            payload=payload,
            ip=f"10.0.0.{i % 250 + 1}",
        )


def canonical_bytes() -> list[bytes]:
    """What ``compute_hash`` feeds SHA-256 for every stored entry, in order."""
    from approvals.audit import canonical_json, entry_dict
    from approvals.models import AuditEntry

    return [
        (entry.prev_hash + canonical_json(entry_dict(entry))).encode("utf-8")
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
    ]


def fetch_all(chunk: int = 5000) -> int:
    """Every entry's hashed columns and hash, through a raw cursor, in ``verify``'s batches."""
    from django.db import connection

    query = (
        'SELECT "seq", "at", "actor_username", "role", "agency_code", "action", "object_type", "object_id", '
        '"from_state", "to_state", "payload", "ip", "prev_hash", "hash" FROM "approvals_auditentry" '
        'WHERE "seq" > %s ORDER BY "seq" LIMIT %s'
    )
    rows = last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(query, [last, chunk])
            batch = cursor.fetchall()
            if not batch:
                return rows
            rows += len(batch)
            last = batch[-1][0]


def since_anchor_s(people: dict[str, Any], entries: int, more: int = 1000) -> float:
    """``verify_audit --since-anchor`` after ``more`` entries appended on top of a verified head."""
    import io

    from django.core.management import call_command

    from bench.audit_rows import append_many

    call_command("verify_audit", stdout=io.StringIO())  # stores the head it verified
    append_many(list(drafts(entries + more, people))[entries:])
    out = io.StringIO()
    start = harness.clock()
    call_command("verify_audit", "--since-anchor", stdout=out)
    elapsed = harness.clock() - start
    assert f"checked {more} entries" in out.getvalue(), out.getvalue()
    return elapsed


def hash_all(blobs: list[bytes]) -> list[str]:
    sha256 = hashlib.sha256
    return [sha256(blob).hexdigest() for blob in blobs]


def measure(entries: int) -> dict[str, Any]:
    from approvals import audit
    from approvals.models import AuditEntry
    from bench.audit_rows import append_many
    from bench.people import ensure_people

    people = ensure_people()
    existing = AuditEntry.objects.count()
    harness.note(f"audit_verify/{harness.vendor()}: writing {entries - existing} chained entries")
    append_many(drafts(entries - existing, people))

    blobs = canonical_bytes()
    stored = list(AuditEntry.objects.order_by("seq").values_list("hash", flat=True))
    assert hash_all(blobs) == stored, "the floor must hash exactly what verify() hashes"

    verify_times: list[float] = []
    for _ in range(3):
        t0 = harness.clock()
        result = audit.verify()
        verify_times.append(harness.clock() - t0)
        assert result.ok and result.entries == entries, result
    hash_times = harness.timed_runs(lambda: hash_all(blobs), runs=5)
    assert fetch_all() == entries
    fetch_times = harness.timed_runs(fetch_all, runs=5)

    verify_s = harness.median(verify_times)
    hash_s = harness.median(hash_times)
    floor_s = harness.median(fetch_times) + hash_s
    incremental_s = since_anchor_s(people, entries)
    return {
        "figure": {
            "entries": entries,
            "per_s": round(entries / verify_s),
            "floor_per_s": round(entries / floor_s),
            "ratio": round(verify_s / floor_s, 2),
            "hash_only_floor_per_s": round(entries / hash_s),
            "hash_only_ratio": round(verify_s / hash_s, 2),
            "since_anchor_1000_s": round(incremental_s, 3),
        },
        "extra": {
            "database": harness.vendor(),
            "verify_s": round(verify_s, 3),
            "floor_s": round(floor_s, 3),
            "fetch_s": round(floor_s - hash_s, 3),
            "hash_s": round(hash_s, 3),
        },
    }


def main() -> None:
    args = harness.arguments(
        "audit.verify() vs sha256 over the same canonical bytes", entries=100_000
    )
    harness.boot(args.db)
    harness.emit(measure(args.entries))


if __name__ == "__main__":
    main()
