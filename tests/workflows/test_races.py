"""Races: many people decide the same step at the same moment; exactly one wins.

Plain threads, released together by a barrier, each on its own database
connection (closed when the thread ends).  The locks (flow process first,
then the model row) turn every loser into a clean ``Conflict``: no second
decision, one success entry, one refusal entry per loser, and a chain that
still verifies.

On SQLite the suite's database lives in memory with a shared cache, where a
second writer fails at once with "database table is locked"; that says
nothing about production.  So the SQLite race copies the committed test
database to a file and races on it with the production settings (WAL,
``transaction_mode=IMMEDIATE``, busy timeout).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from approvals import audit
from approvals.exceptions import Conflict, DomainError
from approvals.models import AuditEntry, Outcome
from tests.factories import Driver, approval_data
from workflows.models import FundingRequest, PilotModel
from workflows.states import State

THREADS = 20


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released at once; return what each raised or returned."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            results[index] = "ok"
        except BaseException as error:  # every outcome is a result to inspect
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


def _one(call: Callable[[], Any]) -> Any:
    """Run one call on a fresh connection in another thread (to read the database the racers used)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as error:
            box["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _approvers(drive: Driver, pm: PilotModel) -> list[Callable[[], Any]]:
    who = ["finance", "finance2"]
    return [
        (lambda w=who[i % 2]: drive.act("approve_funding", pm, w, approval_data()))
        for i in range(THREADS)
    ]


def _outcome(pm_id: int, since_seq: int) -> dict[str, Any]:
    pm = PilotModel.objects.get(pk=pm_id)
    request = FundingRequest.objects.get(pilot_model=pm)
    entries = AuditEntry.objects.filter(seq__gt=since_seq)
    return {
        "state": pm.state,
        "outcome": request.step.outcome,
        "approved": entries.filter(action="funding.approved").count(),
        "refused": list(
            entries.filter(action="refused.approve_funding").values_list("payload__code", flat=True)
        ),
        "verified": audit.verify().ok,
    }


def assert_one_winner(results: list[Any], outcome: dict[str, Any]) -> None:
    unexpected = [r for r in results if r != "ok" and not isinstance(r, Conflict)]
    assert unexpected == [], unexpected
    assert results.count("ok") == 1
    assert sum(isinstance(r, Conflict) for r in results) == THREADS - 1
    assert all(r.status == 409 for r in results if isinstance(r, DomainError))
    assert outcome["state"] == State.FINANCED
    assert outcome["outcome"] == Outcome.APPROVED
    assert outcome["approved"] == 1
    assert outcome["refused"] == ["conflict"] * (THREADS - 1)
    assert outcome["verified"] is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_finance_officers_approving_one_request_at_once_make_one_decision(
    drive: Driver, flushable_audit: None
) -> None:
    pm = drive.funding_requested()
    seq = audit.head()[0]

    results = race(_approvers(drive, pm))

    assert_one_winner(results, _outcome(pm.pk, seq))


@contextmanager
def sqlite_file_copy(path: Path, **options: Any) -> Iterator[None]:
    """New connections (other threads) use a file copy of the test database, with production settings."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        # As in production, where the first connection ever made switched the file to WAL.
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
    settings_dict = connections.settings["default"]
    saved_name, saved_options = settings_dict["NAME"], settings_dict.get("OPTIONS", {})
    settings_dict["NAME"] = str(path)
    settings_dict["OPTIONS"] = {**saved_options, **options}
    try:
        yield
    finally:
        settings_dict["NAME"], settings_dict["OPTIONS"] = saved_name, saved_options


sqlite_only = pytest.mark.sqlite


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_twenty_racers_get_one_success_and_clean_conflicts_never_database_is_locked(
    drive: Driver, flushable_audit: None, tmp_path: Path
) -> None:
    pm = drive.funding_requested()
    seq = audit.head()[0]

    with sqlite_file_copy(tmp_path / "race.sqlite3"):
        assert _one(lambda: connection.settings_dict["NAME"]).endswith("race.sqlite3")
        assert (
            _one(lambda: connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
        )
        results = race(_approvers(drive, pm))
        outcome = _one(lambda: _outcome(pm.pk, seq))

    assert_one_winner(results, outcome)
    assert not any("locked" in str(r) for r in results if r != "ok" and not isinstance(r, Conflict))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_write_lock_held_past_the_busy_timeout_is_a_conflict(
    drive: Driver, flushable_audit: None, tmp_path: Path
) -> None:
    pm = drive.funding_requested()
    path = tmp_path / "locked.sqlite3"

    with sqlite_file_copy(path, timeout=0.2):
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            result = _one(
                lambda: _capture(
                    lambda: drive.act("approve_funding", pm, "finance", approval_data())
                )
            )
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        state = _one(lambda: PilotModel.objects.get(pk=pm.pk).state)

    assert isinstance(result, Conflict), result
    assert "locked" not in str(result)
    assert state == State.FUNDING_REQUESTED


def _capture(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as error:
        return error
