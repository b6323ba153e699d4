"""Load the demo province the way a province would, then live its five months again.

A fortnight before the first registration (``SETUP_DAY``) the administrator
imports the province's workbook (``workflows.demo.workbook``) through the
importer: agencies with their heads, officials with their roles.  Each
model's row of that workbook is then imported on the day the story
registers it, and every later step calls the public typed service it names,
with the clock pinned to its moment.  So the audit chain, the durations
between steps, the overdue and stuck models and everyone's inbox are what
the product itself would have produced; nothing is written around the
services.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from approvals import clock
from approvals.exceptions import DomainError
from province import services as province_services
from province.agencies import AgencyFacts, agency_upsert
from province.forms import profile_data
from province.profile import load

from .. import flow_sync, services
from ..models import PilotModel
from ..province_import import applying, reading
from ..province_import.reading import Row
from ..province_import.sheets import AGENCIES as AGENCY_SHEET
from ..province_import.sheets import MODELS, OFFICIALS
from ..states import bucket_of
from .province import AGENCIES, EXPECTED_BUCKETS, HISTORY_DAYS, PEOPLE, SETUP_DAY, SIGNERS, HeadSeed
from .script import Day, Step
from .story import HEAD_CHANGES, HeadChange, scripts
from .workbook import demo_workbook

User = get_user_model()

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKBOOK_NAME = "nghe-an-demo.xlsx"
ADMIN = "admin"


class ReplayError(Exception):
    """The demo could not be loaded; the message says where it stopped."""


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
        self.first_day = timezone.localtime(end, PROVINCE_TZ).date() - dt.timedelta(
            days=HISTORY_DAYS
        )

    def date(self, day: int) -> dt.date:
        date = self.first_day + dt.timedelta(days=day)
        weekday = date.weekday()
        return date - dt.timedelta(days=weekday - 4) if weekday > 4 else date

    def date_of(self, day: Day) -> dt.date:
        return self.date(day.n)

    def moment(self, day: int, minutes: int) -> dt.datetime:
        local = dt.datetime.combine(self.date(day), dt.time(8, 0), tzinfo=PROVINCE_TZ)
        moment = local + dt.timedelta(minutes=minutes)
        if moment >= self.end:
            raise ReplayError(f"day {day} of the demo history falls after now")
        return moment

    def resolve(self, value: Any) -> Any:
        """A step's arguments with every ``Day`` turned into its date."""
        if isinstance(value, Day):
            return self.date(value.n)
        if isinstance(value, Mapping):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.resolve(item) for item in value]
        return value

    def head_date(self, value: dt.date | Day) -> dt.date:
        return self.date(value.n) if isinstance(value, Day) else value


@dataclass(frozen=True)
class _Event:
    moment: dt.datetime
    order: int
    number: int
    step: Step | None = None
    head_change: HeadChange | None = None


def seed(*, password: str, end: dt.datetime) -> Summary:
    """Import the demo province and replay its history up to ``end`` (now)."""
    timeline = Timeline(end)
    with clock.pinned_at(timeline.moment(SETUP_DAY, 0)):
        admin, notes = _administrator(password)
        book = _import_province(admin, timeline)
        notes += _set_passwords(password)
        _sign_documents(admin)
    people = {u.username: u for u in User.objects.select_related("official__agency")}
    rows = {row.values["number"]: row for row in book.of(MODELS)}
    events = _events(timeline)
    models: dict[int, PilotModel] = {}
    for event in events:
        with clock.pinned_at(event.moment):
            if event.head_change is not None:
                _change_head(event.head_change, admin, timeline)
            elif event.step is not None:
                _replay(event.number, event.step, people, rows, models, timeline)
    summary = _check(models)
    summary.actions = sum(1 for e in events if e.step is not None)
    summary.notes = tuple(notes)
    return summary


def _administrator(password: str) -> tuple[Any, list[str]]:
    """The administrator who imports, as ``createsuperuser`` would have made them."""
    admin = User.objects.filter(username=ADMIN).first()
    if admin is not None:
        return admin, [f"Note: user {ADMIN} already existed; its password was left unchanged."]
    person = next(p for p in PEOPLE if p.username == ADMIN)
    return User.objects.create_superuser(ADMIN, person.email, password), []


def _import_province(admin: Any, timeline: Timeline) -> reading.Workbook:
    """Agencies and officials now; the Mô hình rows wait for their days."""
    book = reading.read(demo_workbook(timeline.date_of), filename=WORKBOOK_NAME)
    outcome = applying.run(book, actor=admin, commit=True, sheets=(AGENCY_SHEET, OFFICIALS))
    if not outcome.ok or book.problems or any(not row.ok for row in book.of(MODELS)):
        problems = [str(p) for p in outcome.problems] + [
            str(p) for r in book.of(MODELS) for p in r.problems
        ]
        raise ReplayError("the demo workbook does not import: " + "; ".join(problems))
    return book


def _set_passwords(password: str) -> list[str]:
    """Everyone the import created gets the demo password (one hash: it is shared anyway)."""
    notes = []
    fresh = User.objects.filter(username__in=[p.username for p in PEOPLE], password__startswith="!")
    if (
        User.objects.filter(username__in=[p.username for p in PEOPLE])
        .exclude(pk__in=fresh)
        .exclude(username=ADMIN)
        .exists()
    ):
        notes.append("Note: some demo users already existed; their passwords were left unchanged.")
    fresh.update(password=make_password(password))
    return notes


def _sign_documents(admin: Any) -> None:
    """The profile's signers, through the profile page's own service.

    A database a test flushed has lost the profile the migration created:
    the demo starts again from that same default.
    """
    profile = load()
    if profile._state.adding:
        import_module("province.migrations.0002_default_profile").create(django_apps, None)
        profile = load()
    reports = province_services.stored_reports(profile)
    data = profile_data(profile, reports)
    for kind, (prefix, title, name) in SIGNERS.items():
        data.update(
            {
                f"{kind}-signing_prefix": prefix,
                f"{kind}-signing_title": title,
                f"{kind}-signing_name": name,
            }
        )
    province_services.profile_update(actor=admin, data=data)


def _change_head(change: HeadChange, admin: Any, timeline: Timeline) -> None:
    """The outgoing head's term ends the day before the successor's begins."""
    successor: HeadSeed = change.successor
    seed = next(a for a in AGENCIES if a.code == successor.agency)
    facts = AgencyFacts(
        code=seed.code,
        name=seed.name,
        kind=seed.kind,
        parent_name=seed.parent_name,
        head_name=successor.name,
        head_title=successor.title,
        head_since=timeline.head_date(successor.since),
        head_email=successor.email,
    )
    agency_upsert(actor=admin, facts=facts)


def _events(timeline: Timeline) -> list[_Event]:
    """Every step of every model, and the head changes, in the order they happened.

    Steps of one model on one day are spread 40 minutes apart; models start
    their day at different times, so the trail reads like a working office.
    """
    events: list[_Event] = []
    for script in scripts():
        start = 15 + (script.number * 37) % 300
        per_date: dict[dt.date, int] = {}
        for index, step in enumerate(script.steps):
            date = timeline.date(step.day)
            nth = per_date.get(date, 0)
            per_date[date] = nth + 1
            events.append(
                _Event(timeline.moment(step.day, start + 40 * nth), index, script.number, step=step)
            )
    for change in HEAD_CHANGES:
        events.append(_Event(timeline.moment(change.day, 0), 0, 0, head_change=change))
    events.sort(key=lambda e: (e.moment, e.number, e.order))
    return events


def _replay(
    number: int,
    step: Step,
    people: dict[str, Any],
    rows: dict[int, Row],
    models: dict[int, PilotModel],
    timeline: Timeline,
) -> None:
    actor = people[step.actor]
    try:
        if step.do is None:
            models[number] = applying.register_row(rows[number], actor=actor)
            return
        files = [_evidence(step.evidence)] if step.evidence else []
        models[number] = services.perform(
            step.do,
            pilot_model_id=models[number].pk,
            actor=actor,
            data=timeline.resolve(step.data),
            files=files,
        )
    except (DomainError, flow_sync.OutOfStep) as error:
        raise ReplayError(
            f"demo model {number}, day {step.day}: {step.name} by {step.actor} was refused: {error}. "
            "The database is half-seeded; run again with --reset."
        ) from error


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def _check(models: Mapping[int, PilotModel]) -> Summary:
    """The result must be the report's 6 / 20 / 12, each process at its task."""
    counts: dict[str | None, int] = {}
    for row in PilotModel.objects.values("state").annotate(n=Count("id")):
        bucket = bucket_of(row["state"])
        counts[bucket] = counts.get(bucket, 0) + row["n"]
    expected = {str(bucket): n for bucket, n in EXPECTED_BUCKETS.items()}
    if {k: v for k, v in counts.items() if k} != expected:
        raise ReplayError(f"the demo history ended in {counts}, not {expected}")
    for pilot_model in PilotModel.objects.select_related("process"):
        flow_sync.assert_in_step(pilot_model)
    return Summary(
        models=len(models),
        completed=counts.get("completed", 0),
        in_progress=counts.get("in_progress", 0),
        not_started=counts.get("not_started", 0),
    )


def tiny_pdf(label: str) -> bytes:
    """A one-page A4 PDF with a line of text: small, but opens in any reader."""
    text = re.sub(r"[^A-Za-z0-9 .\-]", "", label)
    stream = f"BT /F1 14 Tf 72 770 Td (Bien ban nghiem thu - du lieu demo: {text}) Tj ET".encode(
        "ascii"
    )
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
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)
