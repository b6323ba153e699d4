"""Progress over time: daily snapshots replayed from the audit trail, read by pages, API and reports.

A small province moves across three months under a moved clock; the demo
province (five months, seeded once) checks the snapshots against the
replay and against the models' own dates, and that the cron is idempotent.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from approvals import clock
from province.models import ProvinceProfile
from reports import history
from reports.contexts import progress_context
from reports.models import SnapshotCount, SnapshotDay
from reports.periods import period_of
from tests.factories import Driver, registration_data
from tests.reports.conftest import DAY0, at
from workflows import services

pytestmark = pytest.mark.django_db

JAN_5 = DAY0.date()


@pytest.fixture
def three_months(drive: Driver) -> dict[str, Any]:
    """Jan: models 1–3 registered; Feb: 1 deploying, 2 completed; Mar: 3 withdrawn, 4 registered (SGDDT)."""
    with at(0):
        models = {n: drive.register(n, needs_funding=False) for n in (1, 2, 3)}
    with at(30):  # 04/02
        drive.act("approve_registration", models[1], "police")
        drive.act("approve_registration", models[2], "police")
        drive.act("start_deployment", models[1], "officer", {"start_date": "2026-02-04"})
        drive.act("start_deployment", models[2], "officer", {"start_date": "2026-02-04"})
        drive.act(
            "submit_completion",
            models[2],
            "officer",
            {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}], "summary": "Xong"},
        )
        drive.act("verify_completion", models[2], "police")
        drive.act("sign_off", models[2], "leader")
    with at(60):  # 06/03
        drive.act("withdraw", models[3], "officer", {"comment": "Làm lại"})
        services.pilot_model_register(
            actor=drive.p["other_officer"],
            data=registration_data(
                4, agency_code="SGDDT", officer="officer_sgddt", needs_funding=False
            ),
        )
    return models


def buckets_of(figures: dict[str, Any]) -> tuple[int, int, int]:
    b = figures["buckets"]
    return b["completed"], b["in_progress"], b["not_started"]


def test_the_first_run_back_fills_every_day_since_the_first_registration(three_months: Any) -> None:
    with at(65):  # 11/03
        written = history.snapshot_progress()

    assert written.final_days[0] == JAN_5 and written.final_days[-1] == dt.date(2026, 3, 10)
    assert len(written.final_days) == (dt.date(2026, 3, 10) - JAN_5).days + 1
    assert SnapshotDay.objects.get(day=dt.date(2026, 3, 11)).final is False


def test_a_snapshot_equals_the_replay_of_the_trail_up_to_that_day(three_months: Any) -> None:
    with at(65):
        history.snapshot_progress()
        live, _seq = history.live_counts()
        # Today's snapshot is read from the tables; the trail replayed to now says the same.
        assert history.replay_on(clock.today()) == live
    for snapshot in SnapshotDay.objects.filter(final=True):
        stored = {
            (c.agency.code, c.state): c.count for c in snapshot.counts.select_related("agency")
        }
        assert stored == {k: v for k, v in history.replay_on(snapshot.day).items() if v}, (
            snapshot.day
        )


def test_the_cron_is_idempotent(three_months: Any) -> None:
    def rows() -> list[tuple[Any, ...]]:
        return sorted(
            SnapshotCount.objects.values_list("snapshot__day", "agency__code", "state", "count")
        )

    with at(65):
        history.snapshot_progress()
        first = rows()
        again = history.snapshot_progress()
        out = io.StringIO()
        call_command("snapshot_progress", stdout=out)

    assert again.final_days == [] and rows() == first
    assert out.getvalue().startswith("OK 0 day(s) replayed")


def test_figures_on_past_days_are_exact(three_months: Any, police: User) -> None:
    with at(65):
        history.snapshot_progress()
        shown = history.figures_on(
            police,
            [
                dt.date(2026, 1, 4),
                JAN_5,
                dt.date(2026, 2, 3),
                dt.date(2026, 2, 4),
                dt.date(2026, 3, 6),
            ],
        )

    assert buckets_of(shown[dt.date(2026, 1, 4)]) == (0, 0, 0)
    assert buckets_of(shown[JAN_5]) == (0, 0, 3)
    assert buckets_of(shown[dt.date(2026, 2, 3)]) == (0, 0, 3)
    assert buckets_of(shown[dt.date(2026, 2, 4)]) == (1, 1, 1)
    on_march_6 = shown[dt.date(2026, 3, 6)]
    assert buckets_of(on_march_6) == (1, 1, 1) and on_march_6["cancelled"] == 1
    assert [(a["code"], a["led"]) for a in on_march_6["by_agency"]] == [("SGDDT", 1), ("SYT", 2)]


def test_a_day_without_a_snapshot_is_replayed_not_guessed(three_months: Any, police: User) -> None:
    with at(65):
        shown = history.figures_on(police, [dt.date(2026, 2, 4)])  # the cron never ran
    assert not SnapshotDay.objects.exists()
    assert buckets_of(shown[dt.date(2026, 2, 4)]) == (1, 1, 1)


def test_the_dashboard_answers_a_date_from_the_snapshots(three_months: Any, police: User) -> None:
    client = Client()
    client.force_login(police)
    with at(65):
        history.snapshot_progress()
        page = client.get("/dashboard/", {"date": "2026-02-04"})
        assert client.get("/dashboard/", {"date": "2026-04-01"}).status_code == 400
        assert client.get("/dashboard/", {"date": "04/02/2026"}).status_code == 400
        assert client.get("/dashboard/", {"date": "0001-01-01"}).status_code == 400  # before 2022

    assert page.status_code == 200
    html = page.content.decode()
    assert "Số liệu ngày 04/02/2026" in html and "từ số liệu đã chốt hằng ngày" in html
    assert page.context["figures"]["buckets"] == {
        "completed": 1,
        "in_progress": 1,
        "not_started": 1,
    }


def test_the_dashboard_draws_the_monthly_burn_up_with_the_target(
    three_months: Any, police: User
) -> None:
    # The profile as migrations create it (tests/conftest.py restores it), with a target.
    ProvinceProfile.objects.filter(pk=1).update(
        target_completed=4, target_date=dt.date(2026, 6, 30)
    )
    client = Client()
    client.force_login(police)
    with at(65):
        page = client.get("/dashboard/")

    chart = page.context["history"]["burnup"]
    assert [c["label"] for c in chart["columns"]] == ["01/2026", "02/2026", "03/2026"]
    assert [c["total"] for c in chart["columns"]] == [3, 3, 3]
    assert [[p["value"] for p in c["parts"]] for c in chart["columns"]] == [
        [0, 0, 3],
        [1, 1, 1],
        [1, 1, 1],
    ]
    assert chart["target"]["value"] == 4
    html = page.content.decode()
    assert "Chỉ tiêu 4" in html and "Tiến độ theo tháng" in html
    syt = next(a for a in page.context["history"]["agency_changes"] if a["code"] == "SYT")
    # March against February: nothing moved this month; in February one completed.
    assert syt["completed"] == {"now": 1, "before": 1, "this": 0, "last": 1}


def test_the_history_api_by_month_and_by_day(three_months: Any, leader: User) -> None:
    client = APIClient()
    client.force_authenticate(leader)
    with at(65):
        monthly = client.get("/api/v1/dashboard/history/").json()
        daily = client.get(
            "/api/v1/dashboard/history/",
            {"from": "2026-02-03", "to": "2026-02-05", "granularity": "day"},
        ).json()

    assert (monthly["granularity"], monthly["from"], monthly["to"]) == (
        "month",
        "2026-01-05",
        "2026-03-11",
    )
    assert [p["date"] for p in monthly["points"]] == ["2026-01-31", "2026-02-28", "2026-03-11"]
    assert monthly["points"][-1]["buckets"] == {"completed": 1, "in_progress": 1, "not_started": 1}
    assert [p["buckets"]["completed"] for p in daily["points"]] == [0, 1, 1]


def test_the_history_api_refuses_bad_ranges(three_months: Any, leader: User) -> None:
    client = APIClient()
    client.force_authenticate(leader)
    with at(65):
        assert set(
            client.get(
                "/api/v1/dashboard/history/", {"from": "2026-03-01", "to": "2026-02-01"}
            ).json()
        ) == {"from"}
        assert set(client.get("/api/v1/dashboard/history/", {"to": "2026-12-31"}).json()) == {"to"}
        assert set(client.get("/api/v1/dashboard/history/", {"granularity": "week"}).json()) == {
            "granularity"
        }
        # Every day asked for may be replayed: none before the programme's first year.
        assert set(client.get("/api/v1/dashboard/history/", {"from": "0001-01-01"}).json()) == {
            "from"
        }
        # A misspelt parameter is bad input, not the whole history.
        unknown = client.get("/api/v1/dashboard/history/", {"form": "2026-02-01"})
        assert (unknown.status_code, list(unknown.json())) == (400, ["non_field_errors"])


def test_an_officer_sees_the_history_of_their_own_agency(
    three_months: Any, other_officer: User
) -> None:
    client = APIClient()
    client.force_authenticate(other_officer)
    with at(65):
        points = client.get("/api/v1/dashboard/history/").json()["points"]
    assert [p["total"] for p in points] == [0, 0, 1]
    assert {a["code"] for p in points for a in p["by_agency"]} == {"SGDDT"}


def test_the_progress_report_compares_with_the_previous_period(
    three_months: Any, police: User
) -> None:
    client = Client()
    client.force_login(police)
    with at(65):
        workbook = load_workbook(
            io.BytesIO(
                client.get(
                    "/reports/progress.xlsx", {"period": "month", "date": "2026-02-28"}
                ).content
            )
        )
        context = progress_context(police, period_of("month", dt.date(2026, 2, 28)))

    comparison = context["comparison"]
    assert (comparison["before_day"], comparison["now_day"]) == (
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    )
    assert [(b["key"], b["before"], b["now"], b["delta"]) for b in comparison["buckets"]] == [
        ("completed", 0, 1, 1),
        ("in_progress", 0, 1, 1),
        ("not_started", 3, 1, -2),
    ]
    sheet = workbook["So với kỳ trước"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert ("Toàn tỉnh", "Hoàn thành", 0, 1, 1) in rows
    assert ("Sở Y tế", "Chưa triển khai", 3, 1, -2) in rows
