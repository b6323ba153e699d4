"""Load the demo province: agencies, people and 38 models with five months of history.

The province is imported from its workbook through ``import_province``'s
importer, then its history is replayed through the real services
(``workflows.demo.replay``); this command only prepares the database, holds
the e-mails back and tells how to log in.

``--reset`` rebuilds the database instead of deleting rows, because the
audit trail refuses deletion at the database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from workflows.demo import province as demo
from workflows.demo.replay import ReplayError, Timeline, seed
from workflows.demo.workbook import demo_workbook
from workflows.models import PilotModel

User = get_user_model()

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_EVIDENCE_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png|docx)$")


class Command(BaseCommand):
    help = (
        "Load the demo province (agencies, users, 38 pilot models with five months of history) "
        "through the real services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="The password every demo user gets (required unless --workbook)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help="Rebuild the database first (SQLite: a new file; PostgreSQL: a new public schema). "
            "Everything in it is lost.",
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="When the database already has data, say so and exit successfully without seeding.",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--workbook",
            metavar="OUT.xlsx",
            help="Only write the demo province's import workbook (dated for a run today) to this file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workbook"]:
            Path(options["workbook"]).write_bytes(demo_workbook(Timeline(timezone.now()).date_of))
            self.stdout.write(f"Demo workbook written to {options['workbook']}")
            return
        password: str = options["password"]
        if not password:
            raise CommandError("--password is required and must not be empty.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real installation: seed_demo refuses. "
                "Pass --force to load the demo anyway."
            )
        if options["reset"]:
            self._rebuild_database()
        else:
            self._migrate_if_bare()
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has data; the demo was not loaded again.")
                self._warn_if_password_differs(password)
                self._print_logins(password)
                return
            raise CommandError(
                "The database is not empty (pilot models or users exist). "
                "Use --reset to rebuild it from scratch (everything in it is lost), "
                "or --if-empty to leave it as it is."
            )
        started = time.monotonic()
        with _emails_held() as held, _relaxed_fsync():
            try:
                summary = seed(password=password, end=timezone.now())
            except ReplayError as error:
                raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Loaded {summary.models} demo models ({summary.completed} completed, "
            f"{summary.in_progress} in progress, {summary.not_started} not started) "
            f"and {summary.actions} actions in {elapsed:.1f} s; "
            f"{held()} notification e-mails were held back."
        )
        for note in summary.notes:
            self.stdout.write(note)
        self._print_logins(password)

    # The database.

    def _rebuild_database(self) -> None:
        """A fresh database: audit rows cannot be deleted, so the store itself goes."""
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block:
            raise CommandError("--reset cannot run inside a transaction.")
        if connection.vendor == "sqlite":
            path = str(connection.settings_dict["NAME"])
            if path == ":memory:" or "mode=memory" in path:
                raise CommandError(
                    "--reset needs a database file; this SQLite database is in memory."
                )
            connections.close_all()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        else:
            raise CommandError(
                f"--reset does not know how to rebuild a {connection.vendor} database."
            )
        _discard_evidence()
        with _relaxed_fsync():
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database rebuilt and migrated.")

    def _migrate_if_bare(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if PilotModel._meta.db_table not in connection.introspection.table_names():
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("The database had no tables; migrated it.")

    # What the user reads.

    def _warn_if_password_differs(self, password: str) -> None:
        someone = User.objects.filter(username=demo.PEOPLE[0].username).first()
        if someone is None:
            self.stdout.write("Note: the demo users are not in this database.")
        elif not someone.check_password(password):
            self.stdout.write(
                "Note: the demo users were created with another password than this one."
            )

    def _print_logins(self, password: str) -> None:
        agencies = {a.code: a.name for a in demo.AGENCIES}
        self.stdout.write("Demo users (log in at /accounts/login/):")
        for person in demo.PEOPLE:
            roles = " + ".join(person.roles)
            self.stdout.write(
                f"  {person.username:<20} {roles:<18} {person.agency} – {agencies[person.agency]}"
            )
        self.stdout.write(f"Demo password: {password}")


def database_is_empty() -> bool:
    """Empty means no pilot model and no user but superusers (``createsuperuser`` is allowed)."""
    return not PilotModel.objects.exists() and not User.objects.filter(is_superuser=False).exists()


def _discard_evidence() -> None:
    """Evidence files of the old database are orphans once it is gone."""
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    if folder.is_dir():
        for path in folder.iterdir():
            if _EVIDENCE_NAME.match(path.name):
                path.unlink(missing_ok=True)


@contextmanager
def _emails_held() -> Iterator[Any]:
    """Keep the services' notifications in memory: 38 models' worth would flood the console."""
    previous = settings.EMAIL_BACKEND
    had_outbox = hasattr(mail, "outbox")
    before = len(mail.outbox) if had_outbox else 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    count = 0
    try:
        yield lambda: count
    finally:
        count = len(getattr(mail, "outbox", [])) - before
        settings.EMAIL_BACKEND = previous
        if not had_outbox and hasattr(mail, "outbox"):
            del mail.outbox


@contextmanager
def _relaxed_fsync() -> Iterator[None]:
    """Commit without waiting for the disk each time while rebuilding and seeding.

    The seed is a few hundred small transactions (and a migrate many more),
    and waiting for an fsync on each one is most of its time.  Neither
    setting can corrupt the database (SQLite in WAL mode with
    ``synchronous=NORMAL``; PostgreSQL's ``synchronous_commit=off``, for this
    session only): a crash could only lose the last commits, and a
    half-seeded demo is rebuilt with --reset anyway.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
            restore = "RESET synchronous_commit"
        else:
            cursor.execute("PRAGMA synchronous")
            restore = f"PRAGMA synchronous={int(cursor.fetchone()[0]):d}"
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() == "wal":
                cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(restore)
