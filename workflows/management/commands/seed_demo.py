"""Load the demo province: agencies, people and 38 models with five months of history.

Every model is taken through the real services, in the order things happened,
with the clock pinned to each moment.  So the audit chain, the durations
between steps, the overdue and stuck models and everyone's inbox are exactly
what the product itself would have produced; nothing is written around the
services.  The data lives in ``workflows.demo``; this module only replays it.

``--reset`` rebuilds the database instead of deleting rows, because the
audit trail refuses deletion at the database.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count
from django.utils import timezone

from approvals import clock
from approvals.exceptions import DomainError
from approvals.models import Agency, AgencyHead, Official
from workflows import demo, flow_sync, services
from workflows.models import PilotModel
from workflows.states import Action, bucket_of

User = get_user_model()

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_EVIDENCE_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png|docx)$")


class Command(BaseCommand):
    help = (
        "Load the demo province (agencies, users, 38 pilot models with five months of history) "
        "through the real services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True, help="The password every demo user gets.")
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

    def handle(self, *args: Any, **options: Any) -> None:
        password: str = options["password"]
        if not password:
            raise CommandError("--password must not be empty.")
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
            summary = seed(password=password, end=timezone.now())
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
                raise CommandError("--reset needs a database file; this SQLite database is in memory.")
            connections.close_all()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        else:
            raise CommandError(f"--reset does not know how to rebuild a {connection.vendor} database.")
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
            self.stdout.write("Note: the demo users were created with another password than this one.")

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


# The replay.


@dataclass
class Summary:
    models: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    actions: int = 0
    notes: tuple[str, ...] = ()


class Timeline:
    """Maps the history's days onto real moments ending today.

    Officials work on weekdays, so a weekend day falls back to the Friday
    before: never forward, so nothing lands in the future and the order of a
    model's steps is kept.
    """

    def __init__(self, end: dt.datetime) -> None:
        self.end = end
        self.first_day = timezone.localtime(end, PROVINCE_TZ).date() - dt.timedelta(days=demo.HISTORY_DAYS)

    def date(self, day: int) -> dt.date:
        date = self.first_day + dt.timedelta(days=day)
        weekday = date.weekday()
        return date - dt.timedelta(days=weekday - 4) if weekday > 4 else date

    def moment(self, day: int, minutes: int) -> dt.datetime:
        local = dt.datetime.combine(self.date(day), dt.time(8, 0), tzinfo=PROVINCE_TZ)
        moment = local + dt.timedelta(minutes=minutes)
        if moment >= self.end:
            raise CommandError(f"day {day} of the demo history falls after now")
        return moment

    def resolve(self, value: Any) -> Any:
        """Input data with every ``Day`` turned into an ISO date."""
        if isinstance(value, demo.Day):
            return self.date(value.n).isoformat()
        if isinstance(value, Mapping):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.resolve(item) for item in value]
        return value

    def head_date(self, value: dt.date | demo.Day) -> dt.date:
        return self.date(value.n) if isinstance(value, demo.Day) else value


@dataclass(frozen=True)
class _Event:
    moment: dt.datetime
    order: int
    number: int
    step: demo.Step | None = None
    head_change: demo.HeadChange | None = None


def seed(*, password: str, end: dt.datetime) -> Summary:
    """Create the demo province and replay its history up to ``end`` (now)."""
    timeline = Timeline(end)
    with clock.pinned_at(timeline.moment(demo.SETUP_DAY, 0)):
        notes = _create_agencies_and_people(password, timeline)
    people = {u.username: u for u in User.objects.select_related("official__agency")}
    events = _events(timeline)
    numbers: dict[int, int] = {}  # model number → pk
    for event in events:
        with clock.pinned_at(event.moment):
            if event.head_change is not None:
                _change_head(event.head_change, timeline)
            elif event.step is not None:
                _replay(event.number, event.step, people, numbers, timeline)
    summary = _check(numbers)
    summary.actions = sum(1 for e in events if e.step is not None)
    summary.notes = notes
    return summary


def _create_agencies_and_people(password: str, timeline: Timeline) -> tuple[str, ...]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in demo.ROLE_GROUPS}
    agencies: dict[str, Agency] = {}
    for seed_agency in demo.AGENCIES:
        agency, created = Agency.objects.get_or_create(
            code=seed_agency.code,
            defaults={
                "name": seed_agency.name,
                "kind": seed_agency.kind,
                "parent_name": seed_agency.parent_name,
                "signing_prefix": seed_agency.signing_prefix,
                "signing_title": seed_agency.signing_title,
                "signing_name": seed_agency.signing_name,
            },
        )
        agencies[agency.code] = agency
        if created:
            for head in demo.HEADS:
                if head.agency == agency.code:
                    _create_head(agency, head, timeline)
    # One hash for everyone: a demo password is shared anyway, and hashing it
    # per user would cost seconds for nothing.
    encoded = make_password(password)
    notes: list[str] = []
    for person in demo.PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User.objects.create(
                username=person.username,
                # Vietnamese names read family name first; first_name holds the
                # whole name so get_full_name() shows it in that order.
                first_name=person.full_name,
                email=person.email,
                password=encoded,
                is_staff=person.superuser,
                is_superuser=person.superuser,
            )
        else:
            notes.append(f"Note: user {person.username} already existed; its password was left unchanged.")
        if not Official.objects.filter(user=user).exists():
            Official.objects.create(user=user, agency=agencies[person.agency], title=person.title)
        user.groups.add(*(groups[role] for role in person.roles))
    return tuple(notes)


def _create_head(agency: Agency, head: demo.HeadSeed, timeline: Timeline) -> AgencyHead:
    return AgencyHead.objects.create(
        agency=agency,
        name=head.name,
        title=head.title,
        email=head.email,
        since=timeline.head_date(head.since),
        until=None if head.until is None else timeline.head_date(head.until),
    )


def _change_head(change: demo.HeadChange, timeline: Timeline) -> None:
    """The outgoing head's term ends the day before the successor's begins."""
    successor = change.successor
    agency = Agency.objects.get(code=successor.agency)
    since = timeline.head_date(successor.since)
    current = agency.current_head
    if current is not None:
        current.until = max(current.since, since - dt.timedelta(days=1))
        current.save(update_fields=["until"])
    _create_head(agency, successor, timeline)


def _events(timeline: Timeline) -> list[_Event]:
    """Every step of every model, and the head changes, in the order they happened.

    Steps of one model on one day are spread 40 minutes apart; models start
    their day at different times, so the trail reads like a working office.
    """
    events: list[_Event] = []
    for script in demo.scripts():
        start = 15 + (script.number * 37) % 300
        per_date: dict[dt.date, int] = {}
        for index, step in enumerate(script.steps):
            date = timeline.date(step.day)
            nth = per_date.get(date, 0)
            per_date[date] = nth + 1
            events.append(_Event(timeline.moment(step.day, start + 40 * nth), index, script.number, step=step))
    for change in demo.HEAD_CHANGES:
        events.append(_Event(timeline.moment(change.day, 0), 0, 0, head_change=change))
    events.sort(key=lambda e: (e.moment, e.number, e.order))
    return events


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def _replay(number: int, step: demo.Step, people: dict[str, Any], numbers: dict[int, int], timeline: Timeline) -> None:
    actor = people[step.actor]
    data = timeline.resolve(step.data)
    try:
        if step.action == Action.REGISTER:
            numbers[number] = services.pilot_model_register(actor=actor, data=data).pk
        else:
            files = [_evidence(step.evidence)] if step.evidence else []
            services.perform(step.action, pilot_model_id=numbers[number], actor=actor, data=data, files=files)
    except (DomainError, flow_sync.OutOfStep) as error:
        raise CommandError(
            f"demo model {number}, day {step.day}: {step.action} by {step.actor} was refused: {error}. "
            "The database is half-seeded; run again with --reset."
        ) from error


def _check(numbers: Mapping[int, int]) -> Summary:
    """The result must be the report's 6 / 20 / 12, each process at its task."""
    counts: dict[str | None, int] = {}
    for row in PilotModel.objects.values("state").annotate(n=Count("id")):
        bucket = bucket_of(row["state"])
        counts[bucket] = counts.get(bucket, 0) + row["n"]
    expected = {str(bucket): n for bucket, n in demo.EXPECTED_BUCKETS.items()}
    if {k: v for k, v in counts.items() if k} != expected:
        raise CommandError(f"the demo history ended in {counts}, not {expected}")
    for pilot_model in PilotModel.objects.select_related("process"):
        flow_sync.assert_in_step(pilot_model)
    return Summary(
        models=len(numbers),
        completed=counts.get("completed", 0),
        in_progress=counts.get("in_progress", 0),
        not_started=counts.get("not_started", 0),
    )


def tiny_pdf(label: str) -> bytes:
    """A one-page A4 PDF with a line of text: small, but opens in any reader."""
    text = re.sub(r"[^A-Za-z0-9 .\-]", "", label)
    stream = f"BT /F1 14 Tf 72 770 Td (Bien ban nghiem thu - du lieu demo: {text}) Tj ET".encode("ascii")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)
