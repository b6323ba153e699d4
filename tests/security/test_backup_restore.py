"""Backup and restore round trip: the trail verifies and the dashboard shows the same numbers.

Runs on SQLite in the first pass and on PostgreSQL (pg_dump/pg_restore) in
the second; transactional, because a dump only sees committed rows.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client

from approvals import audit
from tests.factories import Driver
from workflows.models import PilotModel

pytestmark = pytest.mark.django_db(transaction=True)


def _dashboard(driver: Driver) -> dict[str, Any]:
    # A session, not a token: issuing a token is itself an audit entry.
    client = Client()
    client.force_login(driver.p["police"])
    response = client.get("/api/v1/dashboard/")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _by_state() -> dict[str, int]:
    return {
        row["state"]: row["n"] for row in PilotModel.objects.values("state").annotate(n=Count("id"))
    }


def _province(drive: Driver) -> None:
    drive.register(1)
    drive.approved(2)
    drive.financed(3)
    drive.deploying(4)
    drive.completed(5)
    drive.act(
        "cancel", drive.register(6), "leader", {"decision_number": "9/QĐ-UBND", "comment": "Hủy"}
    )


def _command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_backup_then_restore_gives_back_the_same_province(
    drive: Driver, tmp_path: Path, flushable_audit: Any
) -> None:
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.fail("pg_dump and pg_restore are needed for the PostgreSQL backup")
    _province(drive)
    states, dashboard = _by_state(), _dashboard(drive)
    head = audit.head()
    path = tmp_path / "pilot06.backup"

    printed = _command("backup", str(path))
    assert f"audit head {head[0]} {head[1]}" in printed

    # Life goes on after the backup …
    drive.act(
        "cancel",
        PilotModel.objects.get(number=2),
        "leader",
        {"decision_number": "10/QĐ-UBND", "comment": "Hủy"},
    )
    drive.register(7)
    assert _by_state() != states

    # … and the restore brings back the province as it was.
    out = _command("restore", str(path), "--yes")

    assert f"OK {head[0]} entries, head {head[1]}" in out
    assert _by_state() == states
    assert _dashboard(drive) == dashboard
    assert _command("verify_audit").startswith(f"OK {head[0]} entries")
    # The append-only triggers came back with the data.
    with pytest.raises(Exception, match="append-only"):
        audit.AuditEntry.objects.filter(seq=1).update(ip="x")


def test_restore_asks_for_confirmation(db: Any, tmp_path: Path, flushable_audit: Any) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.backup"))


def test_restore_refuses_a_file_that_is_not_a_backup(
    db: Any, tmp_path: Path, flushable_audit: Any
) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)

    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes", stdout=io.StringIO())
    assert audit.verify().ok
