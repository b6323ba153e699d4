"""``manage.py prepare_periodic_reports``: the periodic reports due from the schedule; run daily from cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from approvals.exceptions import DomainError
from documents.schedule import prepare_periodic_reports


class Command(BaseCommand):
    help = "Prepare the draft of each scheduled periodic report whose period just ended, and tell its clerk and signer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        try:
            prepared = prepare_periodic_reports(today=today)
        except DomainError as error:
            raise CommandError(str(error)) from None
        if not prepared:
            self.stdout.write("The province reports on no schedule: nothing to prepare.")
        for item in prepared:
            report = item.report
            if report is None:
                assert item.period is not None
                self.stdout.write(
                    f"already issued as {item.issued_as}: progress {item.period.kind} "
                    f"{item.period.start}..{item.period.end}"
                )
                continue
            verb = "prepared" if item.created else "already prepared"
            self.stdout.write(
                f"{verb}: {report.kind} {report.period_kind} {report.period_start}..{report.period_end}, "
                f"due {report.due_on}"
            )
