"""Accountability per lead agency and the head in post on the relevant day (``dataset.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from reports.accountability import accountability
from tests.factories import Driver
from tests.reports import dataset
from tests.reports.conftest import at


@pytest.fixture
def province(drive: Driver, people: dict[str, Any]) -> dict[int, Any]:
    return dataset.build(drive, people)


def rows_of(user: Any) -> dict[tuple[str, str], dict[str, Any]]:
    with at(dataset.NOW_DAY):
        rows = accountability(user)
    return {(r["agency"]["code"], (r["head"] or {}).get("name", "")): r for r in rows}


def figures(row: dict[str, Any]) -> tuple[int, int, int, int, int, float | None]:
    return (
        row["led"],
        row["completed"],
        row["completed_late"],
        row["overdue"],
        row["returns"],
        row["avg_step_days"],
    )


def test_each_model_is_credited_to_the_head_in_post_on_its_day(
    province: Any, inspector: Any
) -> None:
    rows = rows_of(inspector)
    assert set(rows) == {
        ("SYT", "Thủ trưởng SYT"),
        ("SYT", "Lê Thị Cúc"),
        ("SGDDT", "Thủ trưởng SGDDT"),
    }
    # Model 9 lapsed on 10/01, under the old head: one overdue, its one step took a day.
    assert figures(rows[("SYT", "Thủ trưởng SYT")]) == (1, 0, 0, 1, 0, 1.0)
    # Model 6 completed 29/01 (late against 25/01, although extended to 28/02), model 7 open:
    # returns 1 + 1; decided steps 2, 5, 4, 1, 3 and 4, 6 → 25 days over 7 steps.
    assert figures(rows[("SYT", "Lê Thị Cúc")]) == (2, 1, 1, 0, 2, 3.6)
    assert figures(rows[("SGDDT", "Thủ trưởng SGDDT")]) == (1, 0, 0, 0, 0, None)


def test_the_head_record_carries_the_term(province: Any, inspector: Any) -> None:
    row = rows_of(inspector)[("SYT", "Thủ trưởng SYT")]
    assert str(row["head"]["until"]) == "2026-01-19"
    assert row["agency"] == {"code": "SYT", "name": "Sở Y tế"}


def test_a_reassigned_model_is_credited_to_the_agency_that_led_it_that_day(
    province: Any, drive: Driver, inspector: Any
) -> None:
    with at(29):
        drive.act(
            "reassign_lead_agency",
            province[9],
            "leader",
            {
                "lead_agency": "SGDDT",
                "responsible_officer": "officer_sgddt",
                "decision_number": "20/QĐ-UBND",
            },
        )
    rows = rows_of(inspector)
    # Model 9 lapsed on 10/01 while SYT led it: still SYT's (old head's) overdue model.
    assert figures(rows[("SYT", "Thủ trưởng SYT")])[:4] == (1, 0, 0, 1)
    assert rows[("SGDDT", "Thủ trưởng SGDDT")]["led"] == 1


def test_cancelled_models_are_not_credited(province: Any, drive: Driver, inspector: Any) -> None:
    with at(29):
        drive.cancelled(province[8])
    assert ("SGDDT", "Thủ trưởng SGDDT") not in rows_of(inspector)
