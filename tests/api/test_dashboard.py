"""The dashboard's stable shape (SPEC §9) over the models the caller can see."""

from __future__ import annotations

import datetime as dt

from approvals import clock
from tests.api.conftest import ApiFor
from tests.factories import Driver
from workflows.models import PilotModel

KEYS = {"buckets", "cancelled", "states", "overdue", "due_soon", "stuck", "by_agency", "blockers"}


def test_the_dashboard_has_exactly_the_spec_shape(api: ApiFor, drive: Driver) -> None:
    drive.register(1)
    drive.deploying(2)
    drive.completed(3)
    drive.withdrawn(4)
    PilotModel.objects.filter(number=1).update(deadline=clock.today() - dt.timedelta(days=1))
    body = api("leader").get("/api/v1/dashboard/").json()
    assert set(body) == KEYS
    assert body["buckets"] == {"not_started": 1, "in_progress": 1, "completed": 1}
    assert body["cancelled"] == 1
    assert body["states"] == {
        "registered": 1,
        "funding_requested": 0,
        "financed": 0,
        "deploying": 1,
        "completed": 1,
        "cancelled": 1,
    }
    assert body["overdue"] == 1
    assert [(a["code"], a["completed"], a["overdue"]) for a in body["by_agency"]] == [("SYT", 1, 1)]
    assert set(body["by_agency"][0]) == {"code", "name", "led", "completed", "overdue"}
    assert all(isinstance(n, int) for n in body["blockers"].values())


def test_an_officer_gets_figures_for_their_own_models_only(api: ApiFor, drive: Driver) -> None:
    drive.register(1)
    drive.register(2)
    officer_view = api("officer").get("/api/v1/dashboard/").json()
    other_view = api("other_officer").get("/api/v1/dashboard/").json()
    assert officer_view["states"]["registered"] == 2
    assert other_view["states"]["registered"] == 0
