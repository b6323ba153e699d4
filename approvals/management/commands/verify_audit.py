"""Recompute the audit chain: ``OK <n> entries, head <hash>`` or ``FAIL <seq>``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from approvals import audit


class Command(BaseCommand):
    help = "Recompute the hash chain of the audit trail (exit 0 intact, 1 broken)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"OK {result.entries} entries, head {result.head_hash}")
            return
        self.stdout.write(f"FAIL {result.first_bad_seq}")
        raise CommandError(f"audit chain broken at seq {result.first_bad_seq}", returncode=1)
