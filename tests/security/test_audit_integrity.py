"""The audit chain at scale and under tampering.

A valid chain is bulk-inserted directly (hashes computed with the module's
own ``compute_hash``/``entry_dict``), so 100,000 entries cost seconds, not
a day of actions.  Each tampering drops the append-only triggers first (a
DBA could), and the verifier must name the exact sequence number.  A cut
tail, or a tail re-hashed by someone who also rewrote the head row, leaves
a self-consistent chain: only the seq and hash printed on the last paper
report catch it (``matches_anchor``, ``verify_audit --anchor``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from approvals import audit, triggers
from approvals.models import AuditEntry, ChainHead
from tests.factories import Driver
from tests.reports.helpers import flat_text, needs_poppler

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ACTIONS = (
    "registration.submitted",
    "registration.approved",
    "funding.requested",
    "refused.approve_funding",
)


def _entry(seq: int, prev_hash: str, **overrides: Any) -> AuditEntry:
    entry = AuditEntry(
        seq=seq,
        at=START + dt.timedelta(seconds=seq, microseconds=seq % 1_000_000),
        actor_username=("police", "finance", "officer_syt")[seq % 3],
        role=("police", "finance", "officer")[seq % 3],
        agency_code=("CAT", "STC", "SYT")[seq % 3],
        action=ACTIONS[seq % len(ACTIONS)],
        object_type="workflows.pilotmodel",
        object_id=str(seq % 38 + 1),
        from_state="registered",
        to_state="registered",
        payload={"version": seq % 7 + 1, "comment": f"Ý kiến số {seq}", "amount": seq * 1000},
        ip="10.0.0.1",
        prev_hash=prev_hash,
    )
    for name, value in overrides.items():
        setattr(entry, name, value)
    entry.hash = audit.compute_hash(entry.prev_hash, audit.entry_dict(entry))
    return entry


def _insert(entries: list[AuditEntry], rows_per_statement: int = 500) -> None:
    """Insert directly: COPY on PostgreSQL, many rows per statement on SQLite.

    ``bulk_create`` spends most of its time building SQL; this keeps a
    100,000-entry chain to seconds.
    """
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for e in entries:
                    copy.write_row(
                        [
                            json.dumps(e.payload) if f.name == "payload" else getattr(e, f.attname)
                            for f in fields
                        ]
                    )
            return
        one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(entries), rows_per_statement):
            chunk = entries[start : start + rows_per_statement]
            params = [
                f.get_db_prep_save(getattr(e, f.attname), connection) for e in chunk for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(chunk))}",
                params,
            )  # noqa: S608


def build_chain(n: int, *, start: int = 1, prev_hash: str = audit.GENESIS) -> list[AuditEntry]:
    """n valid entries from ``start``, linked from ``prev_hash``, inserted directly; the head follows."""
    entries: list[AuditEntry] = []
    for seq in range(start, start + n):
        entry = _entry(seq, prev_hash)
        entries.append(entry)
        prev_hash = entry.hash
    _insert(entries)
    ChainHead.objects.update_or_create(
        pk=1, defaults={"seq": entries[-1].seq, "hash": entries[-1].hash}
    )
    return entries


@pytest.fixture
def tamper(db: Any) -> Iterator[None]:
    """Drop the append-only triggers for the test, and put them back afterwards."""
    triggers.drop(connection)
    try:
        yield
    finally:
        triggers.install(connection)
        assert triggers.missing(connection) == []


def _rehash_from(seq: int) -> None:
    """Recompute prev_hash and hash from ``seq`` to the end, as a careful forger would."""
    prev = AuditEntry.objects.get(seq=seq).hash
    for entry in AuditEntry.objects.filter(seq__gt=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = audit.compute_hash(prev, audit.entry_dict(entry))
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=entry.hash)
        prev = entry.hash


def _set_head_to_last() -> None:
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    ChainHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)


def _verify_command(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_100000_entries_verify_quickly_and_one_edited_character_is_found(tamper: None) -> None:
    entries = build_chain(100_000)

    started = time.perf_counter()
    result = audit.verify()
    elapsed = time.perf_counter() - started

    assert result.ok and result.entries == 100_000 and result.first_bad_seq is None
    assert (result.head_seq, result.head_hash) == (100_000, entries[-1].hash)
    assert elapsed < 30, f"verify took {elapsed:.1f}s for 100,000 entries"
    assert audit.matches_anchor(100_000, entries[-1].hash)
    assert audit.matches_anchor(50_000, entries[49_999].hash)

    payload = entries[99_122].payload
    AuditEntry.objects.filter(seq=99_123).update(
        payload={**payload, "comment": payload["comment"] + "!"}
    )

    assert audit.verify().first_bad_seq == 99_123


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_username", "polica"),
        ("action", "registration.returned"),
        ("to_state", "financed"),
        ("ip", "10.0.0.2"),
        ("payload", {"version": 1, "comment": "Ý kiến số 5", "amount": 5001}),
    ],
)
def test_a_one_character_edit_is_reported_at_its_seq(field: str, value: Any, tamper: None) -> None:
    build_chain(1000)

    AuditEntry.objects.filter(seq=500 if field != "payload" else 5).update(**{field: value})

    result = audit.verify()
    assert not result.ok and result.first_bad_seq == (500 if field != "payload" else 5)
    assert _verify_command() == (1, f"FAIL {result.first_bad_seq}\n")


def test_a_deleted_entry_is_reported_at_its_seq(tamper: None) -> None:
    build_chain(1000)

    AuditEntry.objects.filter(seq=321).delete()

    assert audit.verify().first_bad_seq == 321


def test_a_deleted_first_entry_is_reported_as_seq_1(tamper: None) -> None:
    build_chain(10)

    AuditEntry.objects.filter(seq=1).delete()

    assert audit.verify().first_bad_seq == 1


def test_two_swapped_entries_are_reported_at_the_first(tamper: None) -> None:
    build_chain(1000)

    AuditEntry.objects.filter(seq=400).update(seq=10**9)
    AuditEntry.objects.filter(seq=700).update(seq=400)
    AuditEntry.objects.filter(seq=10**9).update(seq=700)

    assert audit.verify().first_bad_seq == 400


def test_a_forged_entry_with_its_own_hash_but_a_wrong_link_is_reported_at_its_seq(
    tamper: None,
) -> None:
    entries = build_chain(1000)
    forged = _entry(
        600, entries[597].hash, action="funding.approved", payload={"approved_amount": 10**12}
    )

    AuditEntry.objects.filter(seq=600).update(
        action=forged.action, payload=forged.payload, prev_hash=forged.prev_hash, hash=forged.hash
    )

    assert audit.verify().first_bad_seq == 600


def test_a_forged_entry_with_the_tail_rehashed_is_still_reported_at_its_seq(tamper: None) -> None:
    """The forger re-links everything after it and rewrites the head row; the forged link stays wrong."""
    entries = build_chain(1000)
    forged = _entry(600, entries[597].hash, action="funding.approved")
    AuditEntry.objects.filter(seq=600).update(
        action=forged.action, prev_hash=forged.prev_hash, hash=forged.hash
    )

    _rehash_from(600)
    _set_head_to_last()

    assert audit.verify().first_bad_seq == 600


def test_an_entry_appended_behind_the_head_is_reported_at_its_seq(tamper: None) -> None:
    """A well-formed entry inserted at the end without taking the head lock."""
    entries = build_chain(100)

    _entry(101, entries[-1].hash).save(force_insert=True)

    assert audit.verify().first_bad_seq == 101


def test_a_cut_tail_is_reported_at_the_first_missing_seq(tamper: None) -> None:
    build_chain(1000)

    AuditEntry.objects.filter(seq__gt=990).delete()

    assert audit.verify().first_bad_seq == 991


def test_a_cut_tail_with_the_head_rewritten_is_caught_only_by_the_paper_anchor(
    tamper: None,
) -> None:
    entries = build_chain(1000)
    printed = (entries[-1].seq, entries[-1].hash)  # the head on the last paper report

    AuditEntry.objects.filter(seq__gt=990).delete()
    _set_head_to_last()

    assert audit.verify().ok  # self-consistent: the database alone cannot tell
    assert not audit.matches_anchor(*printed)
    assert audit.anchor_failure(*printed) == 991
    code, out = _verify_command("--anchor", f"{printed[0]}:{printed[1]}")
    assert code == 1 and out.splitlines()[0] == "FAIL 991"


def test_a_perfectly_rehashed_history_is_caught_only_by_the_paper_anchor(tamper: None) -> None:
    entries = build_chain(1000)
    printed = (entries[899].seq, entries[899].hash)
    edited = _entry(850, entries[848].hash, payload={"approved_amount": 10**12})
    AuditEntry.objects.filter(seq=850).update(payload=edited.payload, hash=edited.hash)

    _rehash_from(850)
    _set_head_to_last()

    assert audit.verify().ok
    assert audit.anchor_failure(*printed) == 900  # rewritten at or before the anchored seq
    code, out = _verify_command("--anchor", f"{printed[0]}:{printed[1]}")
    assert code == 1 and out.splitlines()[0] == "FAIL 900"


def test_an_intact_chain_matches_its_paper_anchor(db: Any) -> None:
    entries = build_chain(200)
    build_chain(50, start=201, prev_hash=entries[-1].hash)  # entries written after the report

    code, out = _verify_command("--anchor", f"200:{entries[-1].hash}")

    assert code == 0
    assert out.splitlines()[0].startswith("OK 250 entries, head ")
    assert "anchor 200 matches" in out


@pytest.mark.parametrize("anchor", ["200", "x:abc", "200:zz", "-1:" + "0" * 64])
def test_a_malformed_anchor_is_a_usage_error(anchor: str, db: Any) -> None:
    build_chain(5)

    with pytest.raises(CommandError, match="anchor"):
        call_command("verify_audit", "--anchor", anchor, stdout=io.StringIO())


@needs_poppler
def test_the_anchor_printed_on_the_progress_report_catches_a_cut_tail(
    drive: Driver, police: Any, tamper: None
) -> None:
    """End to end: read seq and hash off the PDF, as a clerk would off the paper, then check."""
    pm = drive.deploying(95)
    client = Client()
    client.force_login(police)
    text = flat_text(client.get("/reports/progress.pdf").content)
    seq = int(re.search(r"mục số (\d+)", text).group(1))  # type: ignore[union-attr]
    digest = re.search(r"[0-9a-f]{64}", text.replace(" ", "")).group(0)  # type: ignore[union-attr]
    assert (seq, digest) == audit.head()

    drive.act("report_progress", pm, "officer", {"percent": 10})  # life goes on after printing
    assert _verify_command("--anchor", f"{seq}:{digest}")[0] == 0

    AuditEntry.objects.filter(seq__gte=seq - 1).delete()  # someone cuts the tail …
    _set_head_to_last()  # … and covers it up in the head row
    assert audit.verify().ok
    code, out = _verify_command("--anchor", f"{seq}:{digest}")
    assert code == 1 and out.splitlines()[0] == f"FAIL {seq - 1}"
