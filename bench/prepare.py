"""Make a template database: migrate, then create the people.

Every figure copies this template (a file copy on SQLite, ``CREATE DATABASE
… TEMPLATE`` on PostgreSQL) instead of migrating again, so each figure still
starts from a fresh database but the run pays for migrations once per backend.
"""

from __future__ import annotations

from bench import harness


def main() -> None:
    args = harness.arguments("migrate a template database and create the people")
    harness.boot(args.db)
    from django.core.management import call_command
    from django.db import connection

    from bench.people import ensure_people

    call_command("migrate", interactive=False, verbosity=0)
    ensure_people()
    if connection.vendor == "sqlite":
        # Fold the WAL into the main file so a plain copy is the whole database.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    harness.emit({"ok": True})


if __name__ == "__main__":
    main()
