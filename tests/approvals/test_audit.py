"""The audit trail (SPEC §5): one entry per success and per refusal, hash-chained, verifiable.

The chain is recomputed here from SPEC's own definition (sha256 of the
previous hash and ``json.dumps(..., sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``), not through ``audit.compute_hash``.  Tampering is
done with the append-only triggers dropped, as an attacker with database
access would, and must be reported at its exact seq by ``verify()`` and
``manage.py verify_audit``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ProtectedError

from approvals import audit, triggers
from approvals.exceptions import DomainError
from approvals.management.commands.verify_audit import Command as VerifyAudit
from approvals.models import AuditEntry, ChainHead
from tests.factories import Driver, approval_data, completion_data, evidence_pdf, funding_data
from workflows import services
from workflows.models import PilotModel

GENESIS = "0" * 64


def spec_hash(entry: AuditEntry) -> str:
    """``hash = sha256(prev_hash + canonical_json(entry_without_hash))``, written out from SPEC §5."""
    body = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
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
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((entry.prev_hash + text).encode("utf-8")).hexdigest()


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


LIFECYCLE: list[tuple[str, str, Any, str, str, str]] = [
    # (action, who, data, event, from_state, to_state)
    (
        "approve_registration",
        "police",
        {"comment": "Đồng ý"},
        "registration.approved",
        "registered",
        "registered",
    ),
    (
        "request_funding",
        "officer",
        funding_data(),
        "funding.requested",
        "registered",
        "funding_requested",
    ),
    (
        "reject_funding",
        "finance",
        {"comment": "Chưa có nguồn"},
        "funding.rejected",
        "funding_requested",
        "registered",
    ),
    (
        "request_funding",
        "officer",
        funding_data(),
        "funding.requested",
        "registered",
        "funding_requested",
    ),
    (
        "approve_funding",
        "finance",
        approval_data(),
        "funding.approved",
        "funding_requested",
        "financed",
    ),
    (
        "start_deployment",
        "officer",
        {"start_date": "2026-01-05"},
        "deployment.started",
        "financed",
        "deploying",
    ),
    ("report_progress", "officer", {"percent": 50}, "progress.reported", "deploying", "deploying"),
    (
        "set_blocker",
        "police",
        {"reason": "legacy_systems", "note": "x"},
        "blocker.set",
        "deploying",
        "deploying",
    ),
    (
        "clear_blocker",
        "police",
        {"reason": "legacy_systems"},
        "blocker.cleared",
        "deploying",
        "deploying",
    ),
    (
        "submit_completion",
        "officer",
        completion_data(),
        "completion.submitted",
        "deploying",
        "deploying",
    ),
    ("verify_completion", "police", {}, "completion.verified", "deploying", "deploying"),
    ("sign_off", "leader", {}, "completion.signed_off", "deploying", "completed"),
]


def test_every_successful_action_writes_exactly_one_entry_with_who_what_and_where(
    drive: Driver,
) -> None:
    seq = audit.head()[0]
    pm = drive.register()
    (registered,) = new_entries(seq)
    assert (registered.action, registered.to_state, registered.actor_username) == (
        "registration.submitted",
        "registered",
        "officer_syt",
    )

    for action, who, data, event, from_state, to_state in LIFECYCLE:
        seq = audit.head()[0]
        files = [evidence_pdf()] if action == "submit_completion" else []
        services.perform(
            action, pilot_model_id=pm.pk, actor=drive.p[who], data=data, files=files, ip="10.0.0.7"
        )

        (entry,) = new_entries(seq)
        actor = drive.p[who]
        assert entry.action == event
        assert (entry.from_state, entry.to_state) == (from_state, to_state)
        assert (entry.actor_id, entry.actor_username) == (actor.pk, actor.username)
        assert entry.role == who  # the role that authorised it
        assert entry.agency_code == actor.official.agency.code
        assert (entry.object_type, entry.object_id) == ("workflows.pilotmodel", str(pm.pk))
        assert entry.ip == "10.0.0.7"
        assert entry.payload["version"] == PilotModel.objects.get(pk=pm.pk).version
        assert entry.at.utcoffset() == dt.timedelta(0)

    assert audit.verify().ok


def test_evidence_is_recorded_by_its_sha256_never_its_bytes(drive: Driver) -> None:
    pm = drive.deploying()
    seq = audit.head()[0]
    content = evidence_pdf().read()

    drive.act(
        "submit_completion", pm, "officer", completion_data(), files=[evidence_pdf("bien-ban.pdf")]
    )

    (entry,) = new_entries(seq)
    assert entry.payload["evidence"] == [
        {
            "name": "bien-ban.pdf",
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }
    ]
    assert "%PDF" not in json.dumps(entry.payload)


@pytest.mark.parametrize(
    ("who", "action", "data", "status", "code"),
    [
        ("outsider", "approve_registration", {}, 404, "not_found"),
        ("finance", "approve_registration", {}, 403, "forbidden"),
        ("finance", "approve_funding", approval_data(), 409, "conflict"),
        ("police", "return_registration", {}, 400, "invalid"),
    ],
)
def test_every_refusal_writes_exactly_one_refused_entry_with_the_reason(
    drive: Driver,
    outsider: User,
    who: str,
    action: str,
    data: dict[str, Any],
    status: int,
    code: str,
) -> None:
    pm = drive.register()
    seq = audit.head()[0]

    with pytest.raises(DomainError) as caught:
        services.perform(action, pilot_model_id=pm.pk, actor=drive.p[who], data=data, ip="10.0.0.9")

    (entry,) = new_entries(seq)
    assert caught.value.status == status
    assert entry.action == f"refused.{action}"
    assert (entry.payload["status"], entry.payload["code"]) == (status, code)
    assert entry.payload["reason"] == str(caught.value)
    # A 404 is about a model the actor cannot see: a request, with the id asked for in its payload.
    where = ("request", "") if status == 404 else ("workflows.pilotmodel", str(pm.pk))
    assert (entry.actor_username, entry.object_type, entry.object_id, entry.ip) == (
        drive.p[who].username,
        *where,
        "10.0.0.9",
    )
    if status == 404:
        assert entry.payload["attempted_id"] == str(pm.pk)
    assert (entry.from_state, entry.to_state) == ("", "")
    assert audit.verify().ok


def test_an_unauthenticated_call_is_refused_without_an_entry(drive: Driver) -> None:
    from django.contrib.auth.models import AnonymousUser

    pm = drive.register()
    seq = audit.head()[0]

    with pytest.raises(DomainError) as caught:
        services.perform(
            "approve_registration", pilot_model_id=pm.pk, actor=AnonymousUser(), data={}
        )

    assert caught.value.status == 401
    assert new_entries(seq) == []


def test_the_chain_is_seq_1_2_3_from_genesis_each_hash_as_spec_defines_it(drive: Driver) -> None:
    drive.completed()
    with pytest.raises(DomainError):
        drive.act("sign_off", PilotModel.objects.get(), "leader")

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    for entry in entries:
        assert entry.hash == spec_hash(entry), entry.seq
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    result = audit.verify()
    assert (result.ok, result.entries, result.head_seq, result.head_hash, result.first_bad_seq) == (
        True,
        len(entries),
        entries[-1].seq,
        entries[-1].hash,
        None,
    )


def run_verify_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """``manage.py verify_audit``: the command line path, which turns CommandError into the exit status.

    That path closes every connection when it ends, which would also end the
    test's transaction; here it leaves them open.
    """
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    VerifyAudit().run_from_argv(["manage.py", "verify_audit"])


def test_verify_audit_prints_ok_with_the_count_and_head_and_exits_0(
    drive: Driver, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    drive.financed()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None

    run_verify_audit(monkeypatch)  # returns: exit status 0

    assert capsys.readouterr().out.strip() == f"OK {last.seq} entries, head {last.hash}"


# Tampering, with the triggers dropped.


@pytest.fixture
def tampering(drive: Driver) -> Iterator[list[AuditEntry]]:
    """A real chain from a lifecycle, and the triggers dropped; they come back afterwards."""
    drive.completed()
    entries = list(AuditEntry.objects.order_by("seq"))
    triggers.drop(connection)
    try:
        yield entries
    finally:
        triggers.install(connection)
        assert triggers.missing(connection) == []


def _middle(entries: list[AuditEntry], action: str) -> AuditEntry:
    return next(e for e in entries if e.action == action)


def _fails_at(
    seq: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, seq)
    with pytest.raises(SystemExit) as exited:
        run_verify_audit(monkeypatch)
    assert exited.value.code == 1
    assert capsys.readouterr().out.strip() == f"FAIL {seq}"
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert raised.value.returncode == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("payload", '{"approved_amount": 9999999999}'),
        ("actor_username", "leader"),
        ("action", "funding.rejected"),
        ("to_state", "cancelled"),
        ("at", "2020-01-01 00:00:00"),
        ("ip", "203.0.113.5"),
    ],
)
def test_an_edit_made_with_the_triggers_dropped_is_reported_at_its_exact_seq(
    tampering: list[AuditEntry],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    column: str,
    value: str,
) -> None:
    target = _middle(tampering, "funding.approved")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE approvals_auditentry SET {column} = %s WHERE seq = %s", [value, target.seq]
        )

    _fails_at(target.seq, capsys, monkeypatch)


def test_an_edit_through_the_orm_is_reported_at_its_exact_seq(
    tampering: list[AuditEntry], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _middle(tampering, "completion.verified")
    AuditEntry.objects.filter(seq=target.seq).update(payload={"comment": "Đã sửa"})

    _fails_at(target.seq, capsys, monkeypatch)


def test_a_rehashed_edit_still_breaks_the_link_of_the_next_entry(
    tampering: list[AuditEntry], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _middle(tampering, "funding.approved")
    target.payload = {**target.payload, "approved_amount": 1}
    new_hash = spec_hash(target)
    AuditEntry.objects.filter(seq=target.seq).update(payload=target.payload, hash=new_hash)

    _fails_at(target.seq + 1, capsys, monkeypatch)


def test_a_deleted_entry_is_reported_at_its_seq(
    tampering: list[AuditEntry], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _middle(tampering, "registration.approved")
    AuditEntry.objects.filter(seq=target.seq).delete()

    _fails_at(target.seq, capsys, monkeypatch)


def test_a_cut_tail_is_reported_at_the_first_missing_seq(
    tampering: list[AuditEntry], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    last = tampering[-1]
    AuditEntry.objects.filter(seq=last.seq).delete()

    _fails_at(last.seq, capsys, monkeypatch)


def test_a_user_with_audit_entries_cannot_be_deleted(drive: Driver) -> None:
    drive.register()
    officer = drive.p["officer"]
    assert AuditEntry.objects.filter(actor=officer).exists()

    with pytest.raises(ProtectedError):
        User.objects.filter(pk=officer.pk).delete()
