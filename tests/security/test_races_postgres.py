"""Twenty racers per action on PostgreSQL: exactly one wins, the rest get a clean 409.

Real threads on real connections, released together by a barrier.  The
locks (flow process first, then the model row) must turn every loser into a
``Conflict``: no deadlock, no IntegrityError, no second decision, one
success entry, and a chain that still verifies.

Every situation is built and raced once, in one module fixture on committed
data, and the database is flushed once at the end: a flush per case would
cost more than all the races together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import get_resolver

from approvals import triggers
from tests.factories import ROLE_PEOPLE, Driver, make_user
from tests.security.racing import (
    SITUATIONS,
    RaceResult,
    assert_one_winner,
    lock_timeout_cases_pg,
    race_action,
    race_mixed_funding,
    race_register,
    race_unversioned_progress,
)
from workflows.states import State

THREADS = 20

# ``django_db`` (rollback only) makes pytest-django create the test database;
# the races themselves commit, inside the module fixture.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(scope="module")
def races(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """Race every case once on committed data, then empty the database again."""
    get_resolver().url_patterns  # noqa: B018 - viewflow reverses node URLs
    storage: Path = tmp_path_factory.mktemp("race-evidence")
    results: dict[str, Any] = {}
    with django_db_blocker.unblock(), override_settings(PRIVATE_STORAGE_ROOT=storage):
        try:
            drive = Driver(
                {
                    key: make_user(name, code, *roles)
                    for key, (name, code, roles) in ROLE_PEOPLE.items()
                }
            )
            for number, case in enumerate(sorted(SITUATIONS), start=100):
                results[case] = race_action(drive, case, number=number, threads=THREADS)
            results["register"] = race_register(drive, number=200, threads=THREADS)
            results["mixed"] = race_mixed_funding(drive, number=201, threads=THREADS)
            results["unversioned"] = race_unversioned_progress(drive, number=202, threads=THREADS)
            results["lock_timeout"] = lock_timeout_cases_pg(drive, number=300)
        finally:
            triggers.drop(connection)  # the flush empties the audit table; migrate reinstalls them
            call_command("flush", interactive=False, verbosity=0)
    return results


@pytest.mark.parametrize("case", sorted(SITUATIONS))
def test_twenty_racers_one_winner(case: str, races: dict[str, Any]) -> None:
    result: RaceResult = races[case]

    assert_one_winner(result)
    assert result.refusal_codes == ["conflict"]
    assert result.version_delta == 1
    assert result.steps_decided <= 1
    if case == "submit_completion":
        # Losers are refused before their files are written: one set on disk.
        assert (result.evidence_files_on_disk, result.evidence_rows) == (1, 1)


def test_twenty_officers_register_the_same_number(races: dict[str, Any]) -> None:
    """The number is unique: one model; the others are told the number is taken (400)."""
    result: RaceResult = races["register"]

    assert_one_winner(result, losers=("invalid_number", "conflict"))
    assert result.version_delta == 1  # one model with that number


def test_approve_return_reject_at_once_decide_once(races: dict[str, Any]) -> None:
    result, winner, state = races["mixed"]

    assert not result.unexpected, result.unexpected
    assert result.outcomes == {"ok": 1, "conflict": THREADS - 1}
    assert (result.success_entries, result.refusal_entries, result.other_entries) == (
        1,
        THREADS - 1,
        0,
    )
    assert result.steps_decided == 1 and result.pending_steps == 0
    expected = {
        "approve_funding": State.FINANCED,
        "return_funding": State.REGISTERED,
        "reject_funding": State.REGISTERED,
    }
    assert state == expected[winner]
    assert result.in_step == "ok" and result.chain_ok


def test_unversioned_reports_queue_and_none_is_lost(races: dict[str, Any]) -> None:
    result: RaceResult = races["unversioned"]

    assert result.outcomes == {"ok": THREADS}
    assert result.version_delta == THREADS
    assert result.success_entries == THREADS and result.evidence_rows == THREADS
    assert result.chain_ok


def test_a_lock_held_past_the_timeout_is_a_conflict(races: dict[str, Any]) -> None:
    """The flow-process lock, the model row and the chain head, each held past lock_timeout.

    Every wait ends as Conflict and changes nothing; a registration waiting
    on the chain head too.
    """
    lock = races["lock_timeout"]

    assert lock["outcomes"] == {
        "process": "conflict",
        "model_row": "conflict",
        "chain_head": "conflict",
        "register_chain_head": "conflict",
    }
    assert lock["version_unchanged"] and lock["still_pending"]
    assert not lock["registered_extra"]
    assert lock["chain_ok"]
