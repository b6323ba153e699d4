"""The same races on SQLite in IMMEDIATE mode: one winner, and never "database is locked".

The races run once, in a subprocess on a file database with the production
SQLite settings (see ``sqlite_race_main``); each test reads its case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.security.racing import SITUATIONS, RaceResult, assert_one_winner

THREADS = 8
ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.sqlite


@pytest.fixture(scope="module")
def races(tmp_path_factory: Any) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("sqlite-race")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PILOT06_PRIVATE_STORAGE"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.sqlite_race_main", str(workdir), str(THREADS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    results: dict[str, Any] = json.loads(lines[-1][len("RESULTS ") :])
    results["_stderr"] = done.stderr
    return results


def _result(races: dict[str, Any], case: str) -> RaceResult:
    raw = dict(races[case])
    raw.pop("winner", None)
    raw.pop("state", None)
    return RaceResult(**raw)


@pytest.mark.parametrize("case", sorted(SITUATIONS))
def test_racers_on_sqlite_one_winner(case: str, races: dict[str, Any]) -> None:
    result = _result(races, case)

    assert_one_winner(result)
    assert result.refusal_codes == ["conflict"]
    assert result.version_delta == 1
    if case == "submit_completion":
        assert (result.evidence_files_on_disk, result.evidence_rows) == (1, 1)


def test_same_number_on_sqlite_one_model(races: dict[str, Any]) -> None:
    result = _result(races, "register")

    assert_one_winner(result, losers=("invalid_number", "conflict"))
    assert result.version_delta == 1


def test_mixed_funding_decisions_on_sqlite_decide_once(races: dict[str, Any]) -> None:
    raw = races["mixed"]
    result = _result(races, "mixed")

    assert result.outcomes == {"ok": 1, "conflict": THREADS - 1}
    assert (result.success_entries, result.refusal_entries, result.other_entries) == (
        1,
        THREADS - 1,
        0,
    )
    assert result.steps_decided == 1 and result.pending_steps == 0
    assert raw["state"] == {"approve_funding": "financed"}.get(raw["winner"], "registered")
    assert result.in_step == "ok" and result.chain_ok


def test_unversioned_reports_on_sqlite_all_land(races: dict[str, Any]) -> None:
    result = _result(races, "unversioned")

    assert result.outcomes == {"ok": THREADS} and result.version_delta == THREADS


def test_a_lock_held_past_the_busy_timeout_is_a_conflict(races: dict[str, Any]) -> None:
    """Another writer holds SQLite's lock longer than the busy timeout allows.

    The action and a registration both answer Conflict; the refusal entry,
    which cannot be written either, is logged as missed instead of turning
    the 409 into "database is locked".
    """
    lock = races["lock_timeout"]

    assert lock["approve_registration"] == "conflict"
    assert lock["register"] == "conflict"
    assert lock["model_301_exists"] is False
    assert "database is locked" not in json.dumps(
        {k: v for k, v in races.items() if k != "_stderr"}
    )
    assert races["chain_ok_at_end"] is True
