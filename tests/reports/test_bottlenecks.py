"""Bottlenecks against the hand-built province of ``dataset.py``, read at day 30."""

from __future__ import annotations

from typing import Any

import pytest

from reports.bottlenecks import bottlenecks
from reports.dashboard import dashboard_summary
from tests.factories import Driver
from tests.reports import dataset
from tests.reports.conftest import at


@pytest.fixture
def province(drive: Driver, people: dict[str, Any]) -> dict[int, Any]:
    return dataset.build(drive, people)


def by_key(rows: list[dict[str, Any]]) -> dict[str, tuple[int, float, float]]:
    return {r["key"]: (r["count"], r["median_days"], r["max_days"]) for r in rows}


def test_steps_take_the_median_and_max_of_decided_and_pending_steps(
    province: Any, police: Any
) -> None:
    with at(dataset.NOW_DAY):
        b = bottlenecks(police)
    # registration_review: 6→2, 9→1, 7→4 and 6, 8 pending 28 days; funding: 5, 4 and 7 pending 17.
    assert by_key(b["steps"]) == {
        "registration_review": (5, 4.0, 28.0),
        "funding_appraisal": (3, 5.0, 17.0),
        "completion_verification": (1, 1.0, 1.0),
        "completion_signoff": (1, 3.0, 3.0),
    }
    assert [r["key"] for r in b["steps"]] == [
        "registration_review",
        "funding_appraisal",
        "completion_verification",
        "completion_signoff",
    ]


def test_deciding_agencies_count_decided_steps_only(province: Any, police: Any) -> None:
    with at(dataset.NOW_DAY):
        b = bottlenecks(police)
    assert by_key(b["deciding_agencies"]) == {
        "CAT": (5, 2.0, 6.0),  # 2, 1, 4, 6 (registration) and 1 (verification)
        "STC": (2, 4.5, 5.0),
        "UBND": (1, 3.0, 3.0),
    }


def test_where_models_wait_now(province: Any, police: Any) -> None:
    with at(dataset.NOW_DAY):
        b = bottlenecks(police)
    assert by_key(b["waiting_steps"]) == {
        "registration_review": (1, 28.0, 28.0),
        "funding_appraisal": (1, 17.0, 17.0),
    }
    assert by_key(b["waiting_states"]) == {"registered": (1, 26.0, 26.0)}


def test_lead_agencies_show_whose_models_wait(province: Any, police: Any) -> None:
    with at(dataset.NOW_DAY):
        b = bottlenecks(police)
    # SYT: 2, 5, 4, 1, 3 (model 6), 4, 6, 17 (model 7), 1 (model 9); SGDDT: 28.
    assert by_key(b["lead_agencies"]) == {"SGDDT": (1, 28.0, 28.0), "SYT": (9, 4.0, 17.0)}


def test_an_officer_sees_bottlenecks_of_their_models_only(
    province: Any, other_officer: Any
) -> None:
    with at(dataset.NOW_DAY):
        b = bottlenecks(other_officer)
    assert by_key(b["steps"]) == {"registration_review": (1, 28.0, 28.0)}


def test_the_dashboard_carries_the_blockers_by_reason(
    province: Any, drive: Driver, police: Any
) -> None:
    with at(dataset.NOW_DAY):
        drive.blocked(province[7], who="police", reason="waiting_on_central")
        summary = dashboard_summary(police)
    assert summary["blockers"]["waiting_on_central"] == 1
    assert summary["bottlenecks"]["blockers"] == [
        {"reason": "waiting_on_central", "label": "Phụ thuộc Trung ương", "count": 1}
    ]
