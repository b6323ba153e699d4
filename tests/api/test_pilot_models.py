"""The model list, its filters and pagination, the detail, and registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from approvals import clock
from approvals.models import Agency
from tests.api.conftest import ApiFor
from tests.factories import Driver, approval_data, funding_data, registration_data
from workflows.models import PilotModel

LIST_URL = "/api/v1/pilot-models/"

SPEC_FIELDS = {
    "id",
    "number",
    "title",
    "is_sample",
    "state",
    "bucket",
    "version",
    "lead_agency",
    "coordinating_agencies",
    "responsible_officer",
    "deadline",
    "original_deadline",
    "needs_funding",
    "needs_population_db_connection",
    "db_permission",
    "funding",
    "open_step",
    "last_step",
    "blockers",
    "deliverables",
    "progress_percent",
    "start_date",
}


def detail(api: ApiFor, who: str, pk: int) -> dict[str, Any]:
    response = api(who).get(f"{LIST_URL}{pk}/")
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def numbers(response: Any) -> list[int]:
    return [row["number"] for row in response.json()["results"]]


# --- List -------------------------------------------------------------------


def test_the_list_is_paginated_with_count_next_and_previous(api: ApiFor, drive: Driver) -> None:
    for number in (1, 2, 3):
        drive.register(number)
    first = api("police").get(LIST_URL, {"page_size": 2})
    assert first.status_code == 200
    assert set(first.json()) == {"count", "next", "previous", "results"}
    assert first.json()["count"] == 3
    assert numbers(first) == [1, 2]
    assert first.json()["previous"] is None
    second = api("police").get(first.json()["next"])
    assert numbers(second) == [3]
    assert second.json()["next"] is None


def _bulk_models(count: int, officer: User) -> None:
    """Bare rows, without the services: only for page sizes and query counts."""
    syt = Agency.objects.get(code="SYT")
    now = timezone.now()
    PilotModel.objects.bulk_create(
        PilotModel(
            number=100 + i,
            title=f"Mẫu {i}",
            tasks="-",
            lead_agency=syt,
            responsible_officer=officer,
            deadline=clock.today() + dt.timedelta(days=90),
            registered_at=now,
            last_action_at=now,
        )
        for i in range(count)
    )


def test_pages_hold_50_by_default_and_at_most_500(api: ApiFor, officer: User) -> None:
    _bulk_models(501, officer)
    assert len(api("police").get(LIST_URL).json()["results"]) == 50
    assert len(api("police").get(LIST_URL, {"page_size": 10_000}).json()["results"]) == 500


def test_a_page_costs_the_same_queries_whatever_its_size(
    api: ApiFor, drive: Driver, officer: User, django_assert_max_num_queries: Any
) -> None:
    drive.deploying(1)
    drive.blocked(drive.register(2, coordinating_agencies=["SGDDT"]))
    _bulk_models(200, officer)
    client = api("police")
    client.get(LIST_URL, {"page_size": 1})  # the token and the roles are cached from here on
    with django_assert_max_num_queries(14):
        small = client.get(LIST_URL, {"page_size": 2})
    with django_assert_max_num_queries(14):
        large = client.get(LIST_URL, {"page_size": 500})
    assert small.status_code == large.status_code == 200
    assert len(large.json()["results"]) == 202


def test_the_list_filters_by_state_bucket_agency_and_number(
    api: ApiFor, drive: Driver, other_officer: User
) -> None:
    drive.register(1)
    drive.deploying(2)
    drive.completed(3)
    drive.withdrawn(4)
    client = api("police")
    assert numbers(client.get(LIST_URL, {"state": "deploying"})) == [2]
    assert numbers(client.get(LIST_URL, {"bucket": "not_started"})) == [1]
    assert numbers(client.get(LIST_URL, {"bucket": "completed"})) == [3]
    assert numbers(client.get(LIST_URL, {"lead_agency": "SYT"})) == [1, 2, 3, 4]
    assert numbers(client.get(LIST_URL, {"lead_agency": "SGDDT"})) == []
    assert numbers(client.get(LIST_URL, {"number": 3})) == [3]


def test_overdue_means_past_the_deadline_and_still_open(api: ApiFor, drive: Driver) -> None:
    for number in (1, 2, 3):
        drive.register(number)
    drive.withdrawn(4)
    yesterday = clock.today() - dt.timedelta(days=1)
    PilotModel.objects.filter(number__in=[2, 4]).update(deadline=yesterday)
    client = api("police")
    assert numbers(client.get(LIST_URL, {"overdue": "true"})) == [2]
    assert numbers(client.get(LIST_URL, {"overdue": "false"})) == [1, 3, 4]
    assert detail(api, "police", PilotModel.objects.get(number=2).pk)["overdue"] is True


def test_bad_filter_values_answer_400_with_each_field(api: ApiFor, drive: Driver) -> None:
    response = api("police").get(
        LIST_URL,
        {
            "state": "open",
            "bucket": "x",
            "lead_agency": "NOPE",
            "overdue": "maybe",
            "number": "six",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"state", "bucket", "lead_agency", "overdue", "number"}
    assert body["lead_agency"] == ["There is no agency with code NOPE."]
    assert all(isinstance(m, str) for messages in body.values() for m in messages)


def test_a_page_past_the_end_is_a_404(api: ApiFor, drive: Driver) -> None:
    drive.register()
    response = api("police").get(LIST_URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Detail -------------------------------------------------------------------


def test_the_detail_has_every_field_spec_names(api: ApiFor, drive: Driver) -> None:
    pm = drive.register(6, coordinating_agencies=["SGDDT"], is_sample=True)
    body = detail(api, "officer", pm.pk)
    assert set(body) >= SPEC_FIELDS
    assert body["number"] == 6 and body["is_sample"] is True
    assert (
        body["state"] == "registered" and body["bucket"] == "not_started" and body["version"] == 1
    )
    assert body["lead_agency"] == {"code": "SYT", "name": "Sở Y tế"}
    assert body["coordinating_agencies"] == [{"code": "SGDDT", "name": "Sở Giáo dục và Đào tạo"}]
    assert body["responsible_officer"] == "officer_syt"
    assert body["open_step"]["kind"] == "registration_review"
    assert body["open_step"]["outcome"] == "pending"
    assert body["open_step"]["submitted_by"] == "officer_syt"
    assert body["last_step"] is None
    assert body["deliverables"] == [
        {"name": "Bệnh viện áp dụng", "unit": "cơ sở", "target": 10, "achieved": None}
    ]
    assert body["funding"] == {"requested": 0, "approved": 0}
    assert body["db_permission"] is None
    assert body["blockers"] == []


def test_the_last_step_is_the_latest_decided_one(api: ApiFor, drive: Driver) -> None:
    pm = drive.act("return_registration", drive.register(), "police", {"comment": "Bổ sung"})
    step = detail(api, "officer", pm.pk)["last_step"]
    assert step["kind"] == "registration_review"
    assert (step["outcome"], step["decided_by"], step["comment"]) == (
        "returned",
        "police",
        "Bổ sung",
    )
    assert step["decided_at"] is not None


def test_funding_totals_count_live_requests_and_approvals_as_integers(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.funding_requested()
    assert detail(api, "police", pm.pk)["funding"] == {"requested": 1_250_000_000, "approved": 0}
    drive.act("return_funding", pm, "finance", {"comment": "Thiếu thuyết minh"})
    assert detail(api, "police", pm.pk)["funding"] == {"requested": 0, "approved": 0}
    drive.act("request_funding", pm, "officer", funding_data())
    drive.act("approve_funding", pm, "finance", approval_data(1_000_000_000))
    drive.act("request_funding", pm, "officer", funding_data(500_000_000))
    assert detail(api, "police", pm.pk)["funding"] == {
        "requested": 1_750_000_000,
        "approved": 1_000_000_000,
    }


def test_open_blockers_show_with_who_set_them(api: ApiFor, drive: Driver) -> None:
    pm = drive.blocked(drive.register(), who="police", reason="legacy_systems")
    [blocker] = detail(api, "officer", pm.pk)["blockers"]
    assert (blocker["reason"], blocker["set_by"]) == ("legacy_systems", "police")
    assert blocker["set_at"] is not None


def test_a_model_needing_the_population_db_without_permission_is_blocked_until_recorded(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register(needs_population_db_connection=True)
    blockers = detail(api, "officer", pm.pk)["blockers"]
    assert blockers == [
        {"reason": "no_population_db_permission", "note": "", "set_by": None, "set_at": None}
    ]
    drive.act(
        "record_db_permission",
        pm,
        "police",
        {"document_number": "12/BCA-C06", "date": clock.today().isoformat()},
    )
    body = detail(api, "officer", pm.pk)
    assert body["blockers"] == []
    assert body["db_permission"] == {"number": "12/BCA-C06", "date": clock.today().isoformat()}


def test_an_entered_population_db_blocker_is_not_shown_twice(api: ApiFor, drive: Driver) -> None:
    pm = drive.blocked(
        drive.register(needs_population_db_connection=True), reason="no_population_db_permission"
    )
    reasons = [b["reason"] for b in detail(api, "officer", pm.pk)["blockers"]]
    assert reasons == ["no_population_db_permission"]


@pytest.mark.parametrize("pk", [999, 2**63, 10**30])
def test_an_unknown_model_is_a_404(api: ApiFor, drive: Driver, pk: int) -> None:
    response = api("police").get(f"{LIST_URL}{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Registration -------------------------------------------------------------


def test_an_officer_registers_a_model_and_gets_201_with_it(api: ApiFor, officer: User) -> None:
    response = api("officer").post(
        LIST_URL, registration_data(6, coordinating_agencies=["SGDDT"]), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["state"], body["open_step"]["kind"]) == (
        6,
        "registered",
        "registration_review",
    )
    assert PilotModel.objects.get(number=6).lead_agency.code == "SYT"


def test_registration_by_another_role_is_403(api: ApiFor, police: User) -> None:
    response = api("police").post(LIST_URL, registration_data(6), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not PilotModel.objects.exists()


def test_registering_for_another_agency_is_403(
    api: ApiFor, officer: User, other_officer: User
) -> None:
    response = api("officer").post(
        LIST_URL, registration_data(6, agency_code="SGDDT", officer="officer_sgddt"), format="json"
    )
    assert response.status_code == 403
    assert not PilotModel.objects.exists()


def test_bad_registrations_answer_400_naming_each_field(api: ApiFor, drive: Driver) -> None:
    drive.register(6)
    past = (clock.today() - dt.timedelta(days=1)).isoformat()
    taken = api("officer").post(
        LIST_URL, registration_data(6), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert taken.status_code == 400
    assert taken.json() == {"number": ["Model number 6 is already taken."]}
    bad = api("officer").post(
        LIST_URL, registration_data(7, deadline=past, deliverables=[]), format="json"
    )
    assert bad.status_code == 400
    assert {"deadline", "deliverables"} <= set(bad.json())
    assert PilotModel.objects.count() == 1


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "42"])
def test_a_body_that_is_not_a_json_object_is_400(api: ApiFor, officer: User, body: str) -> None:
    response = api("officer").post(LIST_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
