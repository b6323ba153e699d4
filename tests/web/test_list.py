"""The model list: filters, search, pagination, and an officer's narrower view."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.factories import Driver, registration_data
from workflows import services


def numbers(html: str) -> list[int]:
    return [
        int(n)
        for n in re.findall(
            r'<td data-label="Số"><a href="/pilot-models/\d+/"><strong>(\d+)</strong>', html
        )
    ]


@pytest.fixture
def province(drive: Driver, other_officer: Any, police: Any) -> dict[str, Any]:
    """6 registered (SYT), 8 deploying (SYT), 9 needs the population DB (SYT), 7 led by SGDDT."""
    six = drive.register(6, title="Khám chữa bệnh bằng CCCD")
    eight = drive.deploying(8)
    nine = drive.register(9, needs_population_db_connection=True, title="Sổ sức khỏe điện tử")
    seven = services.pilot_model_register(
        actor=other_officer, data=registration_data(7, agency_code="SGDDT", officer="officer_sgddt")
    )
    return {"six": six, "seven": seven, "eight": eight, "nine": nine}


def test_police_see_every_model(province: dict[str, Any], police: Any, client: Client) -> None:
    client.force_login(police)
    assert numbers(client.get("/pilot-models/").content.decode()) == [6, 7, 8, 9]


def test_an_officer_sees_only_models_of_their_agency(
    province: dict[str, Any], officer: Any, client: Client
) -> None:
    client.force_login(officer)
    assert numbers(client.get("/pilot-models/").content.decode()) == [6, 8, 9]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=deploying", [8]),
        ("bucket=not_started", [6, 7, 9]),
        ("bucket=in_progress", [8]),
        ("lead_agency=SGDDT", [7]),
        ("blocker=no_population_db_permission", [9]),
        ("blocker=any", [9]),
        ("q=8", [8]),
        ("q=Mô+hình+9", [9]),
        ("q=sức+khỏe", [9]),
        ("state=nonsense", [6, 7, 8, 9]),
    ],
)
def test_filters_narrow_the_list(
    province: dict[str, Any], police: Any, client: Client, query: str, expected: list[int]
) -> None:
    client.force_login(police)
    assert numbers(client.get(f"/pilot-models/?{query}").content.decode()) == expected


def test_an_entered_blocker_is_filtered_by_its_reason(
    province: dict[str, Any], drive: Driver, police: Any, client: Client
) -> None:
    drive.act(
        "set_blocker",
        province["six"],
        "police",
        {"reason": "data_quality", "note": "Dữ liệu chưa sạch"},
    )
    client.force_login(police)
    assert numbers(client.get("/pilot-models/?blocker=data_quality").content.decode()) == [6]
    assert numbers(client.get("/pilot-models/?blocker=any").content.decode()) == [6, 9]


def test_overdue_counts_open_models_past_their_deadline(
    province: dict[str, Any], police: Any, client: Client
) -> None:
    client.force_login(police)
    assert numbers(client.get("/pilot-models/?overdue=on").content.decode()) == []
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=200), tick=False):
        client.force_login(police)  # the old session has expired by then
        html = client.get("/pilot-models/?overdue=on").content.decode()
        assert numbers(html) == [6, 7, 8, 9]
        assert "Quá hạn" in html


def test_the_list_is_paginated(
    province: dict[str, Any], police: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("workflows.views.PAGE_SIZE", 3)
    client.force_login(police)
    first = client.get("/pilot-models/?bucket=&q=").content.decode()
    assert numbers(first) == [6, 7, 8]
    assert "page=2" in first
    assert numbers(client.get("/pilot-models/?page=2").content.decode()) == [9]


def test_rows_show_state_badges_and_sample_marks(
    drive: Driver, police: Any, client: Client
) -> None:
    drive.register(6, is_sample=True)
    client.force_login(police)
    html = client.get("/pilot-models/").content.decode()
    assert 'data-state="registered"' in html and "Đã đăng ký" in html
    assert "Dữ liệu mẫu" in html
