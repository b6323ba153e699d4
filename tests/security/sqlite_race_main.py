"""Run the race cases on a SQLite *file* database and print the results as JSON.

The test suite's SQLite database lives in memory with a shared cache, where
a second writer fails at once with "database table is locked": that says
nothing about production.  This runner starts Django on a fresh file
database with the production settings (WAL, ``transaction_mode=IMMEDIATE``,
busy timeout), migrates it, races every case and reports back.

    python -m tests.security.sqlite_race_main WORKDIR THREADS
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any


def _configure(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'race.sqlite3'}"
    os.environ["PILOT06_PRIVATE_STORAGE"] = str(workdir / "private")
    os.environ["PILOT06_TESTING"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")


def _while_locked(call: Any, *, hold: float = 1.5, timeout: float = 0.3) -> str:
    """Run ``call`` in a thread while another connection holds SQLite's write lock.

    The busy timeout is shorter than the hold, so the action's BEGIN
    IMMEDIATE gives up: the caller must see Conflict, never "database is
    locked".
    """
    import sqlite3

    from django.db import connection, connections

    from tests.security.racing import recording_outcome

    options = connections.settings["default"]["OPTIONS"]
    saved = options["timeout"]
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], timeout=5, isolation_level=None, check_same_thread=False
    )
    outcome: list[str] = []
    act = recording_outcome(call, outcome)

    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(hold, holder.execute, args=("COMMIT",))
    options["timeout"] = timeout
    try:
        worker = threading.Thread(target=act)
        release.start()
        worker.start()
        worker.join(30)
    finally:
        options["timeout"] = saved
        release.join()
        holder.close()
    return outcome[0] if outcome else "still running"


def _lock_timeout_cases(drive: Any) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from approvals.models import AuditEntry
    from tests.factories import registration_data
    from workflows import services
    from workflows.models import PilotModel

    pm = drive.register(300)
    police = User.objects.get(username="police")
    officer = User.objects.get(username="officer_syt")
    approve = _while_locked(
        lambda: services.perform(
            "approve_registration", pilot_model_id=pm.pk, actor=police, data={"comment": ""}
        )
    )
    register = _while_locked(
        lambda: services.pilot_model_register(actor=officer, data=registration_data(301))
    )
    return {
        "approve_registration": approve,
        "register": register,
        # Refusals written once the lock was free again (or logged as missed).
        "refusals": AuditEntry.objects.filter(
            action__in=["refused.approve_registration", "refused.register"],
            object_id__in=[str(pm.pk), "301"],
        ).count(),
        "model_301_exists": PilotModel.objects.filter(number=301).exists(),
    }


def main(workdir: Path, threads: int) -> dict[str, Any]:
    _configure(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import get_resolver

    call_command("migrate", verbosity=0)
    get_resolver().url_patterns  # noqa: B018 - viewflow reverses node URLs

    from tests.factories import ROLE_PEOPLE, Driver, make_user
    from tests.security import racing

    drive = Driver(
        {key: make_user(name, code, *roles) for key, (name, code, roles) in ROLE_PEOPLE.items()}
    )
    results: dict[str, Any] = {}
    for number, case in enumerate(sorted(racing.SITUATIONS), start=100):
        results[case] = racing.race_action(drive, case, number=number, threads=threads).as_dict()
    results["register"] = racing.race_register(drive, number=200, threads=threads).as_dict()
    mixed, winner, state = racing.race_mixed_funding(drive, number=201, threads=threads)
    results["mixed"] = {**mixed.as_dict(), "winner": winner, "state": state}
    results["unversioned"] = racing.race_unversioned_progress(
        drive, number=202, threads=threads
    ).as_dict()
    results["lock_timeout"] = _lock_timeout_cases(drive)
    from approvals import audit

    results["chain_ok_at_end"] = audit.verify().ok
    return results


if __name__ == "__main__":
    out = main(Path(sys.argv[1]), int(sys.argv[2]))
    sys.stdout.write("RESULTS " + json.dumps(out, default=str) + "\n")
