"""The dashboard page: the three numbers, lists and charts, readable without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from approvals import clock
from reports.charts import _whole_percents, hbars
from tests.factories import Driver
from tests.reports.conftest import ClientFor
from workflows.models import PilotModel


def test_the_dashboard_shows_the_three_numbers_lists_and_server_drawn_charts(
    browser: ClientFor, drive: Driver
) -> None:
    drive.completed(1)
    drive.deploying(2)
    drive.register(3, title="<script>alert(1)</script>")
    PilotModel.objects.filter(number=3).update(deadline=clock.today() - dt.timedelta(days=4))
    page = browser("leader").get("/dashboard/").content.decode()
    numbers = re.findall(r'<span class="value">(\d+)</span><span class="label">', page)
    assert numbers == ["1", "1", "1"]
    assert page.count("<svg") >= 4 and "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "Quá hạn" in page and "Mô hình 3" in page
    assert "Điểm nghẽn" in page and "Trách nhiệm theo cơ quan chủ trì" in page
    # Numbers are text in the SVG, not drawn by a script.
    assert re.search(r'<text[^>]*font-weight="bold"[^>]*>1</text>', page)


def test_the_stuck_days_can_be_changed_from_the_page(browser: ClientFor, drive: Driver) -> None:
    drive.register(1)
    page = browser("police").get("/dashboard/?stuck_days=7").content.decode()
    assert 'name="stuck_days" type="number" min="1" max="3650" value="7"' in page
    assert browser("police").get("/dashboard/?stuck_days=abc").status_code == 200


def test_an_officer_dashboard_says_whose_figures_it_shows(
    browser: ClientFor, drive: Driver
) -> None:
    drive.register(1)
    page = browser("other_officer").get("/dashboard/").content.decode()
    assert "Các mô hình cơ quan bạn chủ trì hoặc phối hợp." in page
    assert "/reports/progress.pdf" not in page


def test_percentages_add_up_to_a_hundred() -> None:
    assert _whole_percents([6, 20, 12]) == [16, 53, 31]
    assert sum(_whole_percents([1, 1, 1])) == 100
    assert _whole_percents([0, 0]) == [0, 0]


def test_a_bar_number_is_placed_after_its_max_mark() -> None:
    chart: dict[str, Any] = hbars([("a", 1.0, "1"), ("b", 4.0, "4")], marks=[3.0, None])
    first, second = chart["bars"]
    assert first["end_x"] > first["mark_x"]
    assert second["mark_x"] is None and second["width"] > first["width"]
