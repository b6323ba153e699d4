"""``manage.py send_reminders``: the day's deadline reminders, once (SPEC §8).

Run it daily from cron; a second run the same day sends nothing twice.  The
mails go out from the django-tasks worker (``manage.py db_worker``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.reminders import send_reminders


class Command(BaseCommand):
    help = "Send deadline reminders: due within 7 days, overdue, and overdue by more than 30 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Act as if today were YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be sent; send and record nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        outcome = send_reminders(day=day, dry_run=options["dry_run"])
        verb = "would send" if options["dry_run"] else "sent"
        self.stdout.write(
            f"{verb} {outcome.sent}, queued {outcome.queued}, already sent today {outcome.already_sent}, "
            f"failed {outcome.failed}"
        )
        if outcome.failed:
            raise CommandError(
                f"{outcome.failed} reminder(s) could not be sent; rerun to retry them"
            )
