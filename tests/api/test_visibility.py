"""An officer of another agency learns nothing: 404 everywhere, absent from lists and counts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from approvals.models import AuditEntry
from tests.api.conftest import ApiFor
from tests.factories import Driver
from workflows.models import PilotModel


@pytest.fixture
def model(drive: Driver, outsider: User) -> PilotModel:
    """Led by SYT, coordinated by SGDDT; SKHCN (the outsider) has no part in it."""
    return drive.register(6, coordinating_agencies=["SGDDT"])


@pytest.mark.parametrize("suffix", ["", "actions/", "audit/"])
def test_an_outsider_gets_404_on_every_read(api: ApiFor, model: PilotModel, suffix: str) -> None:
    response = api("outsider").get(f"/api/v1/pilot-models/{model.pk}/{suffix}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_outsider_gets_404_on_an_action_and_changes_nothing(
    api: ApiFor, model: PilotModel
) -> None:
    response = api("outsider").post(
        f"/api/v1/pilot-models/{model.pk}/actions/withdraw/", {"comment": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    model.refresh_from_db()
    assert (model.state, model.version) == ("registered", 1)


def test_the_404_is_the_same_as_for_a_model_that_does_not_exist(
    api: ApiFor, model: PilotModel
) -> None:
    hidden = api("outsider").get(f"/api/v1/pilot-models/{model.pk}/")
    missing = api("outsider").get("/api/v1/pilot-models/99999/")
    assert hidden.json() == missing.json()


def test_an_outsider_does_not_find_it_in_the_list_or_the_dashboard(
    api: ApiFor, model: PilotModel
) -> None:
    listing = api("outsider").get("/api/v1/pilot-models/").json()
    assert (listing["count"], listing["results"]) == (0, [])
    dashboard = api("outsider").get("/api/v1/dashboard/").json()
    assert sum(dashboard["states"].values()) == 0
    assert dashboard["by_agency"] == []
    assert api("outsider").get("/api/v1/pilot-models/", {"number": 6}).json()["count"] == 0


def test_a_coordinating_officer_sees_it_but_may_not_act_for_the_lead(
    api: ApiFor, model: PilotModel
) -> None:
    assert api("other_officer").get(f"/api/v1/pilot-models/{model.pk}/").status_code == 200
    assert api("other_officer").get("/api/v1/pilot-models/").json()["count"] == 1
    assert api("other_officer").get("/api/v1/dashboard/").json()["states"]["registered"] == 1
    response = api("other_officer").post(
        f"/api/v1/pilot-models/{model.pk}/actions/withdraw/", {"comment": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_province_wide_roles_see_every_model(api: ApiFor, model: PilotModel) -> None:
    for who in ("police", "finance", "leader", "inspector"):
        assert api(who).get("/api/v1/pilot-models/").json()["count"] == 1


def test_refused_registrations_stay_out_of_a_model_audit_feed(
    api: ApiFor, model: PilotModel
) -> None:
    # The outsider tries to register number 6 again; that refusal is keyed by
    # the number, which must not leak into the feed of the model whose id is 6.
    api("outsider").post("/api/v1/pilot-models/", {"number": model.pk}, format="json")
    assert AuditEntry.objects.filter(action="refused.register").exists()
    actions = [
        e["action"]
        for e in api("officer").get(f"/api/v1/pilot-models/{model.pk}/audit/").json()["results"]
    ]
    assert "refused.register" not in actions
