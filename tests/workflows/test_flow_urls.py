"""Only the task pages of the flows are mounted; viewflow's own pages would bypass the services."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from tests.factories import Driver


@pytest.mark.parametrize(
    "path",
    [
        "/flow/pilot/",
        "/flow/pilot/flows/",
        "/flow/pilot/tasks/",
        "/flow/pilot/chart/",
        "/flow/pilot/1/",
        "/flow/pilot/1/cancel/",
        "/flow/pilot/1/chart/",
        "/flow/pilot/1/plan/1/",
        "/flow/pilot/1/plan/1/detail/",
        "/flow/pilot/1/plan/1/assign/",
        "/flow/pilot/1/plan/1/unassign/",
        "/flow/pilot/1/plan/1/cancel/",
        "/flow/pilot/1/plan/1/undo/",
        "/flow/pilot/1/plan/1/revive/",
        "/flow/pilot/1/registration_decided/1/detail/",
        "/flow/funding-round/1/funding_appraisal/1/undo/",
    ],
)
def test_viewflow_own_pages_are_not_mounted(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


def test_a_task_page_is_mounted_and_shows_its_decision(
    drive: Driver, client: object, police: object
) -> None:
    pm = drive.register()
    task = pm.process.task_set.get(flow_task=pm.process.flow_class.registration_review)
    client.force_login(police)  # type: ignore[attr-defined]
    response = client.get(f"/flow/pilot/{pm.process.pk}/registration_review/{task.pk}/execute/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert "approve_registration" in response.content.decode()
