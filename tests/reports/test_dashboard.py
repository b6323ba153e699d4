"""The dashboard summary: SPEC §9's shape, SPEC §6's definitions, and a constant query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import clock
from reports.dashboard import dashboard_summary
from tests.factories import Driver
from tests.reports.conftest import at
from workflows.models import PilotModel
from workflows.states import BlockerReason, State

SPEC_KEYS = {
    "buckets",
    "cancelled",
    "states",
    "overdue",
    "due_soon",
    "stuck",
    "by_agency",
    "blockers",
}


def test_the_summary_has_the_spec_shape_and_the_extras(drive: Driver, police: Any) -> None:
    drive.register(1)
    summary = dashboard_summary(police)
    assert set(summary) >= SPEC_KEYS
    assert set(summary["buckets"]) == {"not_started", "in_progress", "completed"}
    assert set(summary["states"]) == set(State.values)
    assert set(summary["blockers"]) == set(BlockerReason.values)
    assert set(summary["by_agency"][0]) == {"code", "name", "led", "completed", "overdue"}
    assert {
        "overdue_models",
        "due_soon_models",
        "stuck_models",
        "bottlenecks",
        "accountability",
    } <= set(summary)
    assert set(dashboard_summary(police, detail=False)) >= SPEC_KEYS


def test_overdue_due_soon_and_stuck_follow_spec_definitions(drive: Driver, police: Any) -> None:
    with at(0):
        late = drive.register(1, deadline="2026-01-20")
        soon = drive.register(2, deadline="2026-03-01")
        later = drive.register(3, deadline="2026-12-31")
        done = drive.completed(4, deadline="2026-01-10")
    with at(40):  # 14/02/2026: model 1 lapsed, model 2 due within 30 days
        drive.act("approve_registration", later, "police")
        summary = dashboard_summary(police)
    assert summary["overdue"] == 1 and [m["number"] for m in summary["overdue_models"]] == [
        late.number
    ]
    assert summary["overdue_models"][0]["days"] == 25
    assert summary["due_soon"] == 1 and [m["number"] for m in summary["due_soon_models"]] == [
        soon.number
    ]
    assert summary["due_soon_models"][0]["days"] == 15
    # No successful action for 30 days: models 1 and 2 (registered at day 0); 3 acted today; 4 is done.
    assert summary["stuck"] == 2
    assert {m["number"] for m in summary["stuck_models"]} == {1, 2}
    assert done.state == State.COMPLETED and summary["buckets"]["completed"] == 1
    with at(40):
        assert dashboard_summary(police, stuck_days=50)["stuck"] == 0


def test_the_population_database_blocker_is_derived_until_permission_is_recorded(
    drive: Driver, police: Any
) -> None:
    pm = drive.approved(1, needs_population_db_connection=True)
    drive.approved(2, needs_population_db_connection=False)
    assert dashboard_summary(police)["blockers"]["no_population_db_permission"] == 1
    # Entered by hand as well: still one model, not two.
    drive.act(
        "set_blocker", pm, "police", {"reason": "no_population_db_permission", "note": "Chờ C06"}
    )
    assert dashboard_summary(police)["blockers"]["no_population_db_permission"] == 1
    drive.act(
        "record_db_permission",
        pm,
        "police",
        {"document_number": "123/C06", "date": clock.today().isoformat()},
    )
    summary = dashboard_summary(police)
    assert summary["blockers"]["no_population_db_permission"] == 0
    assert summary["blocked"] == 0


def test_an_officer_gets_figures_for_the_models_they_can_see(
    drive: Driver, officer: Any, other_officer: Any
) -> None:
    drive.register(1)
    drive.register(2, coordinating_agencies=["SGDDT"])
    assert dashboard_summary(officer)["states"]["registered"] == 2
    theirs = dashboard_summary(other_officer)
    assert theirs["states"]["registered"] == 1  # coordinates on model 2 only
    assert [a["code"] for a in theirs["by_agency"]] == ["SYT"]


def test_by_agency_counts_led_completed_and_overdue(drive: Driver, leader: Any) -> None:
    drive.completed(1)
    drive.register(2)
    drive.withdrawn(3)
    PilotModel.objects.filter(number=2).update(deadline=clock.today() - dt.timedelta(days=3))
    assert dashboard_summary(leader)["by_agency"] == [
        {"code": "SYT", "name": "Sở Y tế", "led": 2, "completed": 1, "overdue": 1}
    ]


def _queries(user: Any) -> int:
    """Queries of computing the summary, not of reading it from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        dashboard_summary(user)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_number_of_models(
    drive: Driver, people: dict[str, Any]
) -> None:
    drive.completed(1)
    drive.register(2)
    small = {who: _queries(people[who]) for who in ("police", "officer")}
    for number in range(3, 9):
        pm = drive.approved(number, coordinating_agencies=["SGDDT"])
        drive.blocked(pm)
    for who in ("police", "officer"):
        fresh = type(people[who]).objects.get(pk=people[who].pk)  # roles not cached yet
        assert _queries(fresh) <= 12
        assert _queries(people[who]) == small[who]


def test_a_repeated_read_comes_from_the_cache_until_the_next_action(
    drive: Driver, police: Any, officer: Any
) -> None:
    pm = drive.register(1)
    first = dashboard_summary(police)
    with CaptureQueriesContext(connection) as captured:
        again = dashboard_summary(police)
    assert len(captured) == 1  # the audit chain head, nothing else
    assert again == first
    drive.act("approve_registration", pm, "police")
    drive.register(2)
    fresh = dashboard_summary(police)
    assert fresh["states"]["registered"] == 2 and fresh != first


def test_cached_figures_are_not_shared_across_scopes(
    drive: Driver, officer: Any, other_officer: Any, police: Any
) -> None:
    drive.register(1)
    assert dashboard_summary(police)["states"]["registered"] == 1
    assert dashboard_summary(officer)["states"]["registered"] == 1
    assert dashboard_summary(other_officer)["states"]["registered"] == 0
