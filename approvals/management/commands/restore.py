"""``manage.py restore PATH --yes``: replace the whole database with a backup, then verify the chain.

Destructive, so it asks for ``--yes``.  Stop the web server and the worker
first.  It ends like ``verify_audit``: ``OK <n> entries, head <hash>``
(compare the head with the one printed by ``backup``) or ``FAIL <seq>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from approvals.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup at PATH, then recompute the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm that every table is replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("restore replaces every table of the database; run again with --yes")
        try:
            result = restore(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            self.stdout.write(f"FAIL {result.first_bad_seq}")
            raise CommandError(
                f"restored, but the audit chain is broken at seq {result.first_bad_seq}",
                returncode=1,
            )
        self.stdout.write(f"Restored {options['path']}")
        self.stdout.write(f"OK {result.entries} entries, head {result.head_hash}")
