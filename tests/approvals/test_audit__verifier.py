"""The lean verifier and ``verify_audit --since-anchor``.

``verify()`` rebuilds each entry's canonical JSON from raw rows through a
fixed template; it must hash exactly the bytes ``append`` hashed, whatever
the entry holds.  An anchor it verified lets a routine check recompute only
what came after it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from approvals import audit, triggers
from approvals.events import Event
from approvals.models import AuditEntry, VerifiedAnchor
from tests.factories import Driver

TRICKY_PAYLOADS: list[dict[str, Any]] = [
    {"comment": 'Đồng ý, đề nghị "khẩn" \\ xử lý\nngay\ttrong tuần', "version": 3},
    {"z": 1, "a": {"y": [1, 2.5, None, True, False], "b": "\x01\x1f"}, "big": 10**18, "tiny": 1e-7},
    {"emoji": "✅ 🚀", "empty": "", "list": [], "dict": {}, "float": 1.0, "neg": -0.5},
    {},
]


@pytest.fixture
def tricky_entries(people: dict[str, Any]) -> list[AuditEntry]:
    """Entries whose text needs escaping, whose payload keys are unsorted, and one at a whole second."""
    entries = []
    with time_machine.travel(dt.datetime(2026, 3, 1, 1, 2, 3, tzinfo=dt.UTC), tick=False):
        for index, payload in enumerate(TRICKY_PAYLOADS):
            entries.append(
                audit.append(
                    action=Event.MODEL_CANCELLED,
                    actor=people["leader"] if index % 2 else None,
                    role="leader" if index % 2 else "",
                    object_type="workflows.pilotmodel",
                    object_id=f'{index}"\\',
                    from_state="registered",
                    to_state="cancelled",
                    payload=payload,
                    ip="10.0.0.1" if index % 2 else "",
                )
            )
    return entries


def test_the_lean_verifier_hashes_exactly_the_bytes_append_hashed(
    tricky_entries: list[AuditEntry],
) -> None:
    recomputed = {
        seq: digest for batch in audit._hashed_batches() for seq, _prev, digest, _stored in batch
    }
    for entry in AuditEntry.objects.order_by("seq"):
        assert (
            recomputed[entry.seq]
            == audit.compute_hash(entry.prev_hash, audit.entry_dict(entry))
            == entry.hash
        )
    assert tricky_entries[0].at.microsecond == 0
    total = AuditEntry.objects.count()
    assert total >= len(tricky_entries)
    result = audit.verify()
    assert (result.ok, result.entries, result.checked) == (True, total, total)


def test_verifying_since_an_anchor_recomputes_only_the_entries_after_it(drive: Driver) -> None:
    pm = drive.financed()
    anchor = audit.head()
    drive.act("start_deployment", pm, "officer", {"start_date": dt.date.today().isoformat()})
    total = AuditEntry.objects.count()

    result = audit.verify(since=anchor)

    assert (result.ok, result.entries, result.checked) == (True, total, total - anchor[0])
    assert result.head_hash == audit.head()[1]


@pytest.fixture
def tampering(drive: Driver) -> Iterator[tuple[int, str]]:
    """A verified anchor in the middle of a real chain, then the triggers dropped."""
    pm = drive.financed()
    anchor = audit.head()
    drive.act("start_deployment", pm, "officer", {"start_date": dt.date.today().isoformat()})
    triggers.drop(connection)
    try:
        yield anchor
    finally:
        triggers.install(connection)


def test_an_edit_after_the_anchor_is_reported_at_its_seq(tampering: tuple[int, str]) -> None:
    seq = tampering[0] + 1
    AuditEntry.objects.filter(seq=seq).update(role="leader")

    result = audit.verify(since=tampering)

    assert (result.ok, result.first_bad_seq) == (False, seq)


def test_a_rewritten_anchor_entry_fails_the_check_since_the_anchor(
    tampering: tuple[int, str],
) -> None:
    AuditEntry.objects.filter(seq=tampering[0]).update(hash="f" * 64)

    result = audit.verify(since=tampering)

    assert (result.ok, result.first_bad_seq) == (False, tampering[0])


def test_verify_audit_stores_the_head_it_verified_and_since_anchor_starts_there(
    drive: Driver,
) -> None:
    pm = drive.financed()
    call_command("verify_audit", stdout=io.StringIO())
    stored = VerifiedAnchor.objects.get()
    assert (stored.seq, stored.hash) == audit.head()
    drive.act("start_deployment", pm, "officer", {"start_date": dt.date.today().isoformat()})
    seq, digest = audit.head()

    out = io.StringIO()
    call_command("verify_audit", "--since-anchor", stdout=out)

    assert out.getvalue().splitlines() == [
        f"OK {seq} entries, head {digest}",
        f"checked {seq - stored.seq} entries after anchor {stored.seq}",
    ]
    assert VerifiedAnchor.objects.first() is not None
    assert (VerifiedAnchor.objects.first().seq, VerifiedAnchor.objects.count()) == (seq, 2)  # type: ignore[union-attr]


def test_since_anchor_without_a_stored_anchor_checks_the_whole_chain(drive: Driver) -> None:
    drive.financed()
    seq, digest = audit.head()

    out = io.StringIO()
    call_command("verify_audit", "--since-anchor", stdout=out)

    assert out.getvalue().strip() == f"OK {seq} entries, head {digest}"
