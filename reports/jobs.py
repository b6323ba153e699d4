"""Getting a report's file: from the cache, rendered now, or rendered in the background.

SPEC §7: a report URL answers 200 with the file when it renders within a
few seconds (the demo always does) and 202 with a progress page otherwise,
the work going to django-tasks (database backend, ``manage.py db_worker``).
Size decides up front, by the number of rows the report will hold
(``PILOT06_REPORT_SYNC_MAX_ROWS``, 300 by default: a 300-row PDF lays out
in about three seconds), so no request waits on a large render.
Every result is cached in ``ReportFile`` under a key of kind, format,
parameters, day and data version (the audit chain head).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django_tasks import task

from approvals import clock

from . import contexts, xlsx
from .models import ReportFile, ReportStatus
from .pdf import render_pdf
from .periods import period_of
from .scope import Moment

KINDS = ("progress", "funding", "accountability")
FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A failed render may be retried after this long; a running one that has not
# finished after the PDF time limit plus this margin is taken to have died.
RETRY_AFTER = dt.timedelta(minutes=5)
STALE_MARGIN = dt.timedelta(minutes=2)


class TooManyPending(Exception):
    """This person already has ``limit`` renders waiting (review item L2)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass
class Outcome:
    """What the view answers: ``ready`` (a file), or ``pending``/``failed`` (a page)."""

    status: str
    report: ReportFile
    content: bytes | None = field(default=None, repr=False)


@functools.cache
def layout_version() -> str:
    """A digest of the report templates, stylesheet and renderers: a deploy that changes
    how a report looks must not serve the old file for the same data."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    sources = [
        *sorted((here.parent / "templates" / "reports").glob("*.html")),
        *sorted((here / "static" / "reports").glob("*.css")),
        *sorted(here.glob("*.py")),
    ]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(kind: str, fmt: str, params: dict[str, Any], version: int) -> str:
    # Documents are always rendered in Vietnamese, so the language is not part of the key.
    body = json.dumps(
        {
            "kind": kind,
            "fmt": fmt,
            "params": params,
            "version": version,
            "layout": layout_version(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _storage_dir() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "reports"


def file_path(report: ReportFile) -> Path:
    return _storage_dir() / report.stored_name


def _moment(params: dict[str, Any]) -> Moment:
    return Moment(today=dt.date.fromisoformat(params["today"]), now=clock.now())


def build(kind: str, fmt: str, user: Any, params: dict[str, Any]) -> bytes:
    """Render one report: select, then lay out (PDF) or stream (xlsx).

    Official documents are Vietnamese whatever language the reader browses
    in, so the labels the selectors put in the context are Vietnamese too.
    """
    with translation.override("vi"):
        return _build(kind, fmt, user, params)


def _build(kind: str, fmt: str, user: Any, params: dict[str, Any]) -> bytes:
    moment = _moment(params)
    pdf = fmt == "pdf"
    if kind == "progress":
        period = period_of(params["period"], dt.date.fromisoformat(params["date"]))
        context = contexts.progress_context(user, period, moment=moment, pdf=pdf)
        return render_pdf("progress", context) if pdf else xlsx.progress_workbook(context)
    if kind == "funding":
        context = contexts.funding_context(user, moment=moment, pdf=pdf)
        return render_pdf("funding", context) if pdf else xlsx.funding_workbook(context)
    if kind == "accountability":
        context = contexts.accountability_context(user, moment=moment)
        return (
            render_pdf("accountability", context) if pdf else xlsx.accountability_workbook(context)
        )
    raise ValueError(f"unknown report {kind!r}")


def size_of(kind: str, user: Any) -> int:
    """How many rows the report will hold: what its render time grows with."""
    if kind == "funding":
        return contexts.funding_request_count(user)
    return contexts.model_count(user)


def _store(report: ReportFile, content: bytes) -> None:
    """Write the bytes under a generated name (atomically), then mark the row ready."""
    directory = _storage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{report.fmt}"
    temporary = directory / f".{name}.part"
    temporary.write_bytes(content)
    os.replace(temporary, directory / name)
    report.stored_name = name
    report.size = len(content)
    report.sha256 = hashlib.sha256(content).hexdigest()
    report.status = ReportStatus.READY
    report.error = ""
    report.finished_at = clock.now()
    report.save(update_fields=["stored_name", "size", "sha256", "status", "error", "finished_at"])


def _fail(report: ReportFile, error: BaseException) -> None:
    report.status = ReportStatus.FAILED
    report.error = f"{type(error).__name__}: {error}"[:2000]
    report.finished_at = clock.now()
    report.save(update_fields=["status", "error", "finished_at"])


def _forget(report: ReportFile) -> None:
    if report.stored_name:
        file_path(report).unlink(missing_ok=True)
    report.delete()


def prune() -> None:
    """Drop cached files older than ``PILOT06_REPORT_CACHE_HOURS``: the data has moved on."""
    cutoff = clock.now() - dt.timedelta(hours=int(settings.PILOT06_REPORT_CACHE_HOURS))
    for report in ReportFile.objects.filter(created_at__lt=cutoff).exclude(
        status=ReportStatus.RUNNING
    )[:200]:
        _forget(report)


def _usable(report: ReportFile) -> str | None:
    """The cached row's answer, or None when it must be rendered again."""
    now = clock.now()
    if report.status == ReportStatus.READY:
        return "ready" if file_path(report).is_file() else None
    if report.status == ReportStatus.FAILED:
        return "failed" if report.finished_at and now - report.finished_at < RETRY_AFTER else None
    limit = dt.timedelta(seconds=int(settings.PILOT06_PDF_TIMEOUT_SECONDS)) + STALE_MARGIN
    started = report.started_at or report.created_at
    if report.status == ReportStatus.RUNNING and now - started > limit:
        return None
    if report.status == ReportStatus.PENDING and now - report.created_at > dt.timedelta(hours=1):
        return None
    return "pending"


def obtain(kind: str, fmt: str, params: dict[str, Any], user: Any) -> Outcome:
    """The report's file, rendering it now when small, else queueing it.

    ``params`` are the report's own (period and date) plus ``today``.
    """
    version = contexts.data_version()
    key = cache_key(kind, fmt, params, version)
    cached = ReportFile.objects.filter(key=key).first()
    if cached is not None:
        answer = _usable(cached)
        if answer is not None:
            return Outcome(answer, cached)
        _forget(cached)
    rows = size_of(kind, user)
    report = ReportFile(
        key=key,
        kind=kind,
        fmt=fmt,
        params=params,
        data_version=version,
        rows=rows,
        requested_by=user,
        created_at=clock.now(),
    )
    if rows <= int(settings.PILOT06_REPORT_SYNC_MAX_ROWS):
        content = build(kind, fmt, user, params)
        report.status = ReportStatus.RUNNING
        try:
            with transaction.atomic():
                report.save(force_insert=True)
        except IntegrityError:  # another request rendered the same report meanwhile
            return Outcome("ready", ReportFile.objects.get(key=key), content)
        _store(report, content)
        prune()
        return Outcome("ready", report, content)
    _refuse_when_busy(user)
    try:
        with transaction.atomic():
            report.save(force_insert=True)
    except IntegrityError:  # another request queued it first
        return Outcome("pending", ReportFile.objects.get(key=key))
    render_report_file.enqueue(report.pk)
    # The request that queued the render answers 202 even when a fast (or
    # immediate) backend has already finished: the refresh serves the file.
    return Outcome("pending", report)


def _refuse_when_busy(user: Any) -> None:
    """At most ``PILOT06_REPORT_MAX_PENDING_PER_USER`` background renders waiting per person.

    Only live ones count: a row older than ``_usable`` would wait for is rendered again anyway.
    """
    if not getattr(user, "pk", None):
        return
    limit = int(settings.PILOT06_REPORT_MAX_PENDING_PER_USER)
    waiting = ReportFile.objects.filter(
        requested_by_id=user.pk,
        status__in=[ReportStatus.PENDING, ReportStatus.RUNNING],
        created_at__gte=clock.now() - dt.timedelta(hours=1),
    ).count()
    if waiting >= limit:
        raise TooManyPending(limit)


@task()
def render_report_file(report_file_id: int) -> None:
    """The background render: claim the row, render, store; a failure is recorded, not raised."""
    claimed = ReportFile.objects.filter(pk=report_file_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started_at=clock.now()
    )
    if not claimed:
        return
    report = ReportFile.objects.select_related("requested_by").get(pk=report_file_id)
    try:
        content = build(report.kind, report.fmt, report.requested_by, report.params)
    except Exception as error:
        _fail(report, error)
        return
    _store(report, content)
    prune()
