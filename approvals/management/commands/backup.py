"""``manage.py backup PATH``: a consistent copy of the whole database, audit trail included.

SQLite through its online backup API, PostgreSQL through ``pg_dump
--format=custom``.  It prints the audit head at the time of the backup:
keep that line with the file, it is what a restore must show again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from approvals.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to PATH (SQLite backup API or pg_dump custom format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            snapshot = backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written: {snapshot.path} ({snapshot.size} bytes), "
            f"audit head {snapshot.head_seq} {snapshot.head_hash}"
        )
