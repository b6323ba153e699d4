"""The reporting schedule: each period just ended is prepared once, its clerk and signer told; late ones show."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from approvals.exceptions import Conflict
from approvals.models import AuditEntry
from documents import services
from documents.demo_keys import Pki
from documents.models import PreparedReport
from documents.schedule import just_ended, prepare_periodic_reports
from province.models import ProvinceProfile
from tests.reports.conftest import TZ

pytestmark = pytest.mark.django_db


def on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(7, 0), tzinfo=TZ), tick=False)


def test_the_period_just_ended() -> None:
    wednesday = dt.date(2026, 4, 8)
    assert (just_ended("week", wednesday).start, just_ended("week", wednesday).end) == (
        dt.date(2026, 3, 30),
        dt.date(2026, 4, 5),
    )
    assert (just_ended("month", wednesday).start, just_ended("month", wednesday).end) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert (just_ended("quarter", wednesday).start, just_ended("quarter", wednesday).end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert just_ended("quarter", dt.date(2026, 1, 2)).start == dt.date(2025, 10, 1)


def test_each_scheduled_period_is_prepared_once_and_its_people_told(
    clerk: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    with on(dt.date(2026, 4, 2)), django_capture_on_commit_callbacks(execute=True):
        call_command("prepare_periodic_reports", stdout=out)

    prepared = {
        (r.period_kind, r.period_start, r.period_end, r.due_on)
        for r in PreparedReport.objects.all()
    }
    assert prepared == {
        ("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 5)),
        ("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
    }
    assert {r.agency.code for r in PreparedReport.objects.all()} == {"CAT"}
    assert "prepared: progress month 2026-03-01..2026-03-31, due 2026-04-05" in out.getvalue()
    assert len(mail.outbox) == 2
    assert set(mail.outbox[0].to) == {"clerk_cat@example.vn", "head.cat@example.vn"}
    assert "05/04/2026" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="periodic_report.prepared").count() == 2


def test_a_second_run_for_the_same_period_does_nothing(
    clerk: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with on(dt.date(2026, 4, 2)), django_capture_on_commit_callbacks(execute=True):
        first = prepare_periodic_reports()
    with on(dt.date(2026, 4, 3)), django_capture_on_commit_callbacks(execute=True):
        again = prepare_periodic_reports()

    assert [p.created for p in first] == [True, True] and [p.created for p in again] == [
        False,
        False,
    ]
    assert PreparedReport.objects.count() == 2 and len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="periodic_report.prepared").count() == 2


def test_a_weekly_schedule_prepares_last_week(clerk: User) -> None:
    ProvinceProfile.objects.filter(pk=1).update(
        reports_weekly=True, reports_monthly=False, reports_quarterly=False
    )
    with on(dt.date(2026, 4, 8)):
        (item,) = prepare_periodic_reports()
    assert (item.report.period_start, item.report.period_end, item.report.due_on) == (
        dt.date(2026, 3, 30),
        dt.date(2026, 4, 5),
        dt.date(2026, 4, 7),
    )


def test_a_report_not_issued_by_its_due_date_shows_in_the_police_inbox(
    clerk: User, police: User, officer: User, signing_keys: Pki
) -> None:
    ProvinceProfile.objects.filter(pk=1).update(reports_quarterly=False)
    with on(dt.date(2026, 4, 2)):
        (item,) = prepare_periodic_reports()
    police_page, officer_page = Client(), Client()
    police_page.force_login(police)
    officer_page.force_login(officer)

    with on(dt.date(2026, 4, 5)):  # the due date itself: not late yet
        assert "Báo cáo định kỳ quá hạn ban hành" not in police_page.get("/").content.decode()
    with on(dt.date(2026, 4, 6)):
        late = police_page.get("/").content.decode()
        assert "Báo cáo định kỳ quá hạn ban hành" in late and "01/03/2026–31/03/2026" in late
        assert "Báo cáo định kỳ quá hạn ban hành" not in officer_page.get("/").content.decode()
        document = services.document_issue(actor=clerk, prepared_id=item.report.pk)
        assert "Báo cáo định kỳ quá hạn ban hành" not in police_page.get("/").content.decode()
        with pytest.raises(Conflict):
            services.document_issue(actor=clerk, prepared_id=item.report.pk)

    assert (document.period_kind, document.period_start, document.period_end) == (
        "month",
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert document.prepared == item.report and document.reference == "01/BC-CAT"


def test_issuing_a_scheduled_period_from_the_form_settles_it(
    clerk: User, police: User, signing_keys: Pki
) -> None:
    ProvinceProfile.objects.filter(pk=1).update(reports_quarterly=False)
    with on(dt.date(2026, 4, 2)):
        (item,) = prepare_periodic_reports()
    police_page = Client()
    police_page.force_login(police)
    with on(dt.date(2026, 4, 6)):
        other = services.document_issue(
            actor=clerk, data={"kind": "progress", "period": "month", "date": "2026-02-28"}
        )
        assert other.prepared is None  # February was never scheduled here
        assert "Báo cáo định kỳ quá hạn ban hành" in police_page.get("/").content.decode()

        document = services.document_issue(
            actor=clerk, data={"kind": "progress", "period": "month", "date": "2026-03-31"}
        )
        assert document.prepared == item.report
        assert "Báo cáo định kỳ quá hạn ban hành" not in police_page.get("/").content.decode()
        with pytest.raises(Conflict):
            services.document_issue(actor=clerk, prepared_id=item.report.pk)


def test_a_period_issued_before_the_schedule_prepared_it_is_settled(
    clerk: User, police: User, signing_keys: Pki
) -> None:
    ProvinceProfile.objects.filter(pk=1).update(reports_quarterly=False)
    with on(dt.date(2026, 4, 1)):
        early = services.document_issue(
            actor=clerk, data={"kind": "progress", "period": "month", "date": "2026-03-31"}
        )
    out = StringIO()
    with on(dt.date(2026, 4, 2)):
        call_command("prepare_periodic_reports", stdout=out)
    assert f"already issued as {early.reference}" in out.getvalue()
    assert not PreparedReport.objects.exists()
    police_page = Client()
    police_page.force_login(police)
    with on(dt.date(2026, 4, 20)):
        assert "Báo cáo định kỳ quá hạn ban hành" not in police_page.get("/").content.decode()
