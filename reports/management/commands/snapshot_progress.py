"""``manage.py snapshot_progress``: write the day's figures; run daily from cron.

The first run back-fills every day since the first registration from the
audit trail; later runs replay the days since the last run and rewrite
today's provisional figures.  Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.history import snapshot_progress


class Command(BaseCommand):
    help = "Write today's progress snapshot, back-filling earlier days from the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Write as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        written = snapshot_progress(today=today)
        if written.today is None:
            self.stdout.write("No model registered yet: nothing to write.")
            return
        self.stdout.write(
            f"OK {len(written.final_days)} day(s) replayed from the audit trail; "
            f"{written.today.isoformat()} written from the tables (provisional)."
        )
