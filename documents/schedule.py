"""The province's reporting schedule: prepare each periodic report once, tell who issues it.

``prepare_periodic_reports`` (cron, daily) looks at the profile's schedule
(weekly, monthly, quarterly) and, for every period that has just ended,
records a ``PreparedReport`` for the issuing agency's clerk with its due
date, audits it, and queues an e-mail to the clerks and the signer (the
issuing agency's head) in the same transaction; the worker sends it, and
tries again when the mail server refuses it (``workflows.mail``).  The row is unique per kind and period,
so a second run for the same period does nothing.  A prepared report that
nobody issued by its due date shows in the police inbox (``late_reports``).

Due dates count calendar days after the period's end
(``PILOT06_PERIODIC_DUE_DAYS``); working days are issue 14's.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from approvals import audit, clock
from approvals.events import Event
from approvals.models import Agency
from approvals.roles import Role
from province.models import DocumentKind
from province.profile import load
from reports.periods import Period, period_of
from workflows import mail

from .models import IssuedDocument, PreparedReport
from .services import issuing_agency

log = logging.getLogger(__name__)

DEFAULT_DUE_DAYS = {"week": 2, "month": 5, "quarter": 10}


def due_days() -> dict[str, int]:
    """``week:2,month:5,quarter:10`` from the setting, over the defaults."""
    days = dict(DEFAULT_DUE_DAYS)
    for item in str(getattr(settings, "PILOT06_PERIODIC_DUE_DAYS", "")).split(","):
        kind, _sep, value = item.partition(":")
        if kind.strip() in days and value.strip().isdigit():
            days[kind.strip()] = int(value)
    return days


def just_ended(kind: str, today: dt.date) -> Period:
    """The last whole period of ``kind`` that ended before ``today``."""
    if kind == "week":
        end = today - dt.timedelta(days=today.weekday() + 1)
    elif kind == "month":
        end = today.replace(day=1) - dt.timedelta(days=1)
    elif kind == "quarter":
        end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    else:
        raise ValueError(kind)
    return period_of(kind, end)


@dataclass(frozen=True)
class Prepared:
    """One scheduled period: its report, whether this run made it, or the document that already settled it."""

    report: PreparedReport | None
    created: bool
    period: Period | None = None
    issued_as: str = ""  # the reference of a document issued for the period before it was prepared


def prepare_periodic_reports(*, today: dt.date | None = None) -> list[Prepared]:
    """Prepare the progress report of every scheduled period just ended; idempotent per period."""
    today = today or clock.today()
    schedule = load().schedule
    if not schedule:
        return []
    agency = issuing_agency(DocumentKind.PROGRESS)
    days = due_days()
    out = []
    for kind in schedule:
        period = just_ended(kind, today)
        existing = PreparedReport.objects.filter(
            kind=DocumentKind.PROGRESS, period_kind=kind, period_start=period.start
        ).first()
        if existing is not None:
            out.append(Prepared(existing, False))
            continue
        issued = IssuedDocument.objects.filter(
            kind=DocumentKind.PROGRESS,
            period_kind=kind,
            period_start=period.start,
            period_end=period.end,
        ).first()
        if issued is not None:  # the clerk issued it from the form already: nobody to tell
            out.append(Prepared(None, False, period, issued.reference))
            continue
        try:
            with transaction.atomic():
                report = PreparedReport.objects.create(
                    kind=DocumentKind.PROGRESS,
                    period_kind=kind,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.end + dt.timedelta(days=days[kind]),
                    agency=agency,
                    prepared_at=clock.now(),
                )
                audit.append(
                    action=Event.PERIODIC_REPORT_PREPARED,
                    role="system",
                    agency_code=agency.code,
                    obj=report,
                    payload={
                        "kind": report.kind,
                        "period": period.as_params(),
                        "start": period.start,
                        "due_on": report.due_on,
                    },
                )
                tell(report.pk)
        except IntegrityError:  # another run prepared it meanwhile
            report = PreparedReport.objects.get(
                kind=DocumentKind.PROGRESS, period_kind=kind, period_start=period.start
            )
            out.append(Prepared(report, False))
            continue
        out.append(Prepared(report, True))
    return out


def clerks_of(agency: Agency) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.CLERK, official__agency=agency)
        .exclude(email="")
    )


def tell(report_id: int) -> None:
    """Queue the e-mail to the clerks and the signer (the issuing agency's head): the draft is ready, and when it is due.

    Called inside the transaction that prepares the report: the job exists
    exactly when the report does (``mail.enqueue_with_action``).
    """
    report = PreparedReport.objects.select_related("agency").get(pk=report_id)
    recipients = sorted(set(clerks_of(report.agency).values_list("email", flat=True)))
    head = report.agency.current_head
    if head is not None and head.email:
        recipients.append(head.email)
    if not recipients:
        log.warning("prepared report %s: nobody to tell at %s", report_id, report.agency.code)
        return
    base = settings.PILOT06_BASE_URL.rstrip("/")
    with translation.override("vi"):
        period = period_of(report.period_kind, report.period_end)
        subject = _("[pilot06] Báo cáo tiến độ %(period)s: ban hành trước ngày %(due)s") % {
            "period": period.label,
            "due": report.due_on.strftime("%d/%m/%Y"),
        }
        body = "\n".join(
            [
                _("Dự thảo báo cáo tiến độ %(period)s (từ %(start)s đến %(end)s) đã sẵn sàng.")
                % {
                    "period": period.label,
                    "start": report.period_start.strftime("%d/%m/%Y"),
                    "end": report.period_end.strftime("%d/%m/%Y"),
                },
                _("Hạn ban hành: %(due)s.") % {"due": report.due_on.strftime("%d/%m/%Y")},
                "",
                _("Xem dự thảo: %(url)s")
                % {
                    "url": f"{base}/reports/progress.pdf?period={report.period_kind}&date={report.period_end.isoformat()}"
                },
                _("Cấp số, ký và ban hành: %(url)s")
                % {"url": f"{base}/documents/{report.agency.code}/{report.period_end.year}/"},
            ]
        )
    mail.enqueue_with_action(mail.send_message, subject, body, recipients, 1)


def late_reports(*, today: dt.date | None = None) -> QuerySet[PreparedReport]:
    """Prepared periodic reports past their due date with no issued document."""
    today = today or clock.today()
    return PreparedReport.objects.unissued().filter(due_on__lt=today).select_related("agency")
