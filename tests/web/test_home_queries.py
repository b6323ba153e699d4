"""The home page costs the same number of queries however many tasks wait, and lists a bounded number."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import Driver
from workflows import page_context


def queries_of_home(client: Client, user: Any) -> int:
    client.force_login(user)
    client.get("/")  # the first request warms per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow(build: Callable[[int], Any], numbers: range) -> None:
    for number in numbers:
        build(number)


@pytest.mark.parametrize(
    ("who", "situation"),
    [
        ("police", "register"),
        ("finance", "funding_requested"),
        ("leader", "verified"),
        ("officer", "approved"),
    ],
)
def test_the_home_page_costs_the_same_queries_at_any_size(
    drive: Driver, people: dict[str, Any], client: Client, who: str, situation: str
) -> None:
    build = getattr(drive, situation)
    grow(build, range(6, 8))
    small = queries_of_home(client, people[who])
    grow(build, range(8, 14))
    large = queries_of_home(client, people[who])
    assert small == large
    assert large <= 12


def test_each_inbox_section_lists_the_oldest_tasks_and_counts_them_all(
    drive: Driver, police: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_context, "INBOX_LIMIT", 2)
    for number in range(6, 11):
        drive.register(number)
    client.force_login(police)
    html = client.get("/").content.decode()
    assert re.search(r'data-testid="queue-count">5<', html)
    assert re.search(r'data-testid="todo-count">5<', html)
    assert html.count("<tr data-task=") == 2
    assert "Mô hình 6" in html and "Mô hình 7" in html and "Mô hình 8" not in html
    assert 'data-testid="queue-more"' in html
