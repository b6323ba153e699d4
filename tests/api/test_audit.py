"""A model's audit trail, oldest first, and the whole chain's verification."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from approvals.audit import compute_hash
from tests.api.conftest import ApiFor
from tests.factories import Driver


def test_a_model_feed_lists_its_entries_oldest_first_and_paginated(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.approved(6)
    drive.register(7)
    api("finance").post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json"
    )
    feed = api("officer").get(f"/api/v1/pilot-models/{pm.pk}/audit/", {"page_size": 2}).json()
    assert feed["count"] == 3
    rest = api("officer").get(feed["next"]).json()
    entries = feed["results"] + rest["results"]
    assert [e["action"] for e in entries] == [
        "registration.submitted",
        "registration.approved",
        "refused.approve_registration",
    ]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert {e["object_id"] for e in entries} == {str(pm.pk)}


def test_a_feed_entry_carries_what_its_hash_covers(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    entry = api("inspector").get(f"/api/v1/pilot-models/{pm.pk}/audit/").json()["results"][0]
    body = {key: entry[key] for key in entry if key != "hash"}
    assert compute_hash(entry["prev_hash"], body) == entry["hash"]


@pytest.mark.parametrize("who", ["police", "leader", "inspector"])
def test_police_leader_and_inspector_verify_the_chain(api: ApiFor, drive: Driver, who: str) -> None:
    drive.approved()
    response = api(who).get("/api/v1/audit/verify/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ok", "entries", "head_seq", "head_hash", "first_bad_seq"}
    assert body["ok"] is True and body["first_bad_seq"] is None
    assert body["entries"] == body["head_seq"] > 0
    assert len(body["head_hash"]) == 64


@pytest.mark.parametrize("who", ["officer", "finance"])
def test_other_roles_may_not_verify_the_chain(
    api: ApiFor, people: dict[str, User], who: str
) -> None:
    response = api(who).get("/api/v1/audit/verify/")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
