"""The working-day calendar page: the administrator records the government's decisions; each is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from approvals import working_days
from approvals.exceptions import Forbidden
from approvals.models import AuditEntry, CalendarDay
from province.calendar_days import calendar_day_save
from province.time_limits import step_time_limits
from tests.administration.test_profile_page import posted


def test_the_page_lists_the_holidays_and_the_shipped_decisions(admin_client: Client) -> None:
    page = admin_client.get("/administration/calendar/?year=2026").content.decode()
    assert "Tết Nguyên Đán" in page
    assert 'data-day="2026-01-10"' in page and "12729/VPCP-KGVX" in page
    assert "Lịch ngày làm việc 2026" in page


def test_adding_a_make_up_saturday_makes_it_count_and_is_audited(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert not working_days.current().is_working(dt.date(2027, 1, 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/administration/calendar/",
            {
                "day": "30/01/2027",
                "kind": "makeup_workday",
                "source": "Thông báo 1/TB-BNV",
                "note": "Làm bù",
            },
        )
    assert response.status_code == 302
    assert working_days.current().is_working(dt.date(2027, 1, 30))
    entry = AuditEntry.objects.filter(action="calendar.day_added").get()
    assert entry.payload == {
        "day": "2027-01-30",
        "kind": "makeup_workday",
        "source": "Thông báo 1/TB-BNV",
        "note": "Làm bù",
    }


def test_removing_a_decision_is_audited_and_takes_effect(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    row = CalendarDay.objects.get(day=dt.date(2026, 1, 10))
    assert working_days.current().is_working(row.day)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/administration/calendar/{row.pk}/remove/")
    assert response.status_code == 302
    assert not working_days.current().is_working(dt.date(2026, 1, 10))
    assert AuditEntry.objects.filter(action="calendar.day_removed", object_id=str(row.pk)).exists()


def test_a_make_up_day_that_is_already_a_working_day_is_refused_and_changes_nothing(
    admin_client: Client,
) -> None:
    before = CalendarDay.objects.count()
    response = admin_client.post(
        "/administration/calendar/", {"day": "03/02/2027", "kind": "makeup_workday", "source": "x"}
    )
    assert response.status_code == 400
    assert "vốn là ngày làm việc" in response.content.decode()
    assert CalendarDay.objects.count() == before
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_only_the_administrator_may_change_the_calendar(police: Any, client: Client) -> None:
    client.force_login(police)
    assert client.get("/administration/calendar/").status_code == 403
    with pytest.raises(Forbidden):
        calendar_day_save(
            actor=police, data={"day": "30/01/2027", "kind": "makeup_workday", "source": "x"}
        )
    assert not CalendarDay.objects.filter(day=dt.date(2027, 1, 30)).exists()
    assert AuditEntry.objects.filter(action="refused.change_calendar").count() == 1


def test_the_time_limits_are_set_on_the_profile_and_audited(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert step_time_limits()["funding_appraisal"] == 15
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/administration/profile/", posted(time_limit_funding_appraisal="10")
        )
    assert response.status_code == 302
    assert step_time_limits()["funding_appraisal"] == 10
    changes = (
        AuditEntry.objects.filter(action="province.profile_changed")
        .latest("seq")
        .payload["changes"]
    )
    assert changes["time_limit_funding_appraisal"] == [15, 10]
    refused = admin_client.post(
        "/administration/profile/", posted(time_limit_funding_appraisal="0")
    )
    assert refused.status_code == 400
    assert step_time_limits()["funding_appraisal"] == 10
