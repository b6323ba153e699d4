"""Nobody writes into the trail of a model they cannot see (review finding M1).

Before: ``officer_sgddt`` sent 300 POSTs with random action names to an
SYT model; each 404 was audited under that model, with the whole name as
the reason (30,000 characters kept in full), and the model's page and PDF
grew with every one.  A refused registration was filed under the number
asked for, so it showed on the model whose id equals that number.

Now every refusal is still audited, but one about something the actor
cannot see is a request-level entry with the attempted id in its payload;
free text in refusal payloads is capped; the page and the PDF show the
latest entries with a link to the full, paged feed; and action POSTs are
rate-limited per user (429 ``throttled``) on the API and the pages.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from approvals.models import AuditEntry
from reports import contexts as report_contexts
from tests.api.conftest import ApiFor
from tests.factories import Driver, registration_data
from workflows import page_context
from workflows.models import PilotModel

REQUEST = "request"


def feed(api: ApiFor, who: str, pm: PilotModel) -> list[dict[str, Any]]:
    body = api(who).get(f"/api/v1/pilot-models/{pm.pk}/audit/?page_size=500").json()
    return list(body["results"])


def last() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


@pytest.mark.parametrize("action", ["x" * 40, "approve_registration", "sign_off"])
def test_a_refusal_about_an_unseen_model_is_a_request_not_part_of_its_trail(
    action: str, api: ApiFor, drive: Driver, other_officer: User
) -> None:
    pm = drive.register()
    before = feed(api, "police", pm)

    response = api("other_officer").post(
        f"/api/v1/pilot-models/{pm.pk}/actions/{action}/", {}, format="json"
    )

    assert response.status_code == 404
    entry = last()
    assert (entry.actor_username, entry.object_type, entry.object_id) == (
        "officer_sgddt",
        REQUEST,
        "",
    )
    assert entry.payload["attempted_id"] == str(pm.pk)
    assert entry.payload["code"] == "not_found"
    assert feed(api, "police", pm) == before


def test_a_refusal_about_a_model_the_actor_sees_stays_in_its_trail(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register()

    response = api("officer").post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json"
    )

    assert response.status_code == 403
    assert feed(api, "police", pm)[-1]["action"] == "refused.approve_registration"


def test_free_text_in_a_refusal_is_capped_at_200_characters(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    name = "y" * 30_000

    response = api("other_officer").post(
        f"/api/v1/pilot-models/{pm.pk}/actions/{name}/", {}, format="json"
    )

    assert response.status_code == 404
    entry = last()
    texts = [v for v in entry.payload.values() if isinstance(v, str)]
    assert texts and max(len(t) for t in texts) <= 200
    assert len(json.dumps(entry.payload)) < 1000


def test_a_refused_registration_is_not_filed_under_the_number_asked_for(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register(number=7)
    before = feed(api, "police", pm)

    response = api("other_officer").post(
        "/api/v1/pilot-models/", registration_data(pm.pk, agency_code="SYT"), format="json"
    )

    assert response.status_code == 403
    entry = last()
    assert (entry.action, entry.object_type, entry.object_id) == ("refused.register", REQUEST, "")
    assert entry.payload["attempted_number"] == str(pm.pk)
    assert feed(api, "police", pm) == before


def test_a_page_action_on_an_unseen_model_is_audited_as_a_request(
    drive: Driver, other_officer: User
) -> None:
    pm = drive.register()
    page = Client()
    page.force_login(other_officer)

    response = page.post(f"/pilot-models/{pm.pk}/actions/withdraw/", {"comment": "x"})

    assert response.status_code == 404
    entry = last()
    assert (entry.action, entry.actor_username, entry.object_type) == (
        "refused.withdraw",
        "officer_sgddt",
        REQUEST,
    )
    assert entry.payload["attempted_id"] == str(pm.pk)
    assert not AuditEntry.objects.filter(
        object_type="workflows.pilotmodel", object_id=str(pm.pk), action__startswith="refused."
    ).exists()


def _refusals(api: ApiFor, pm: PilotModel, n: int) -> None:
    for _ in range(n):
        assert (
            api("officer")
            .post(f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json")
            .status_code
            == 403
        )


def test_the_page_shows_the_latest_entries_and_links_the_full_paged_feed(
    api: ApiFor, drive: Driver, officer: User, settings: Any
) -> None:
    settings.PILOT06_TRAIL_LATEST = 5
    pm = drive.register()
    _refusals(api, pm, 8)
    total = AuditEntry.objects.filter(
        object_type="workflows.pilotmodel", object_id=str(pm.pk)
    ).count()
    page = Client()
    page.force_login(officer)

    record = page_context.pilot_model_record(pm, officer)
    html = page.get(f"/pilot-models/{pm.pk}/").content.decode()

    assert [row["entry"].seq for row in record["audit"]] == sorted(
        row["entry"].seq for row in record["audit"]
    )
    assert len(record["audit"]) == 5 and record["audit_total"] == total == 9
    assert record["audit"][-1]["entry"].seq == last().seq
    assert f'href="/pilot-models/{pm.pk}/audit/"' in html
    full = page.get(f"/pilot-models/{pm.pk}/audit/")
    assert full.status_code == 200
    assert full.content.decode().count('class="audit-row') == 9


def test_the_full_feed_is_paged_and_hidden_from_other_agencies(
    api: ApiFor, drive: Driver, officer: User, other_officer: User, settings: Any
) -> None:
    settings.PILOT06_TRAIL_PAGE_SIZE = 4
    pm = drive.register()
    _refusals(api, pm, 8)
    mine, theirs = Client(), Client()
    mine.force_login(officer)
    theirs.force_login(other_officer)

    first, third = (
        mine.get(f"/pilot-models/{pm.pk}/audit/"),
        mine.get(f"/pilot-models/{pm.pk}/audit/?page=3"),
    )

    assert first.content.decode().count('class="audit-row') == 4
    assert third.content.decode().count('class="audit-row') == 1
    assert theirs.get(f"/pilot-models/{pm.pk}/audit/").status_code == 404


def test_the_pdf_shows_the_latest_entries_and_where_the_rest_are(
    api: ApiFor, drive: Driver, settings: Any
) -> None:
    settings.PILOT06_TRAIL_LATEST = 5
    pm = drive.register()
    _refusals(api, pm, 8)

    context = report_contexts.pilot_model_context(pm)

    assert len(context["entries"]) == 5 and context["entries_total"] == 9
    assert context["entries"][-1]["seq"] == last().seq
    assert context["trail_url"].endswith(f"/pilot-models/{pm.pk}/audit/")


def test_action_posts_are_rate_limited_per_user_on_the_api(
    api: ApiFor, drive: Driver, settings: Any
) -> None:
    settings.PILOT06_ACTION_RATE = "3/minute"
    pm = drive.register()
    answers = [
        api("other_officer").post(f"/api/v1/pilot-models/{pm.pk}/actions/z{i}/", {}, format="json")
        for i in range(4)
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 429]
    assert answers[-1].json()["code"] == "throttled"
    assert int(answers[-1]["Retry-After"]) > 0
    # Another person is not slowed down by it.
    assert (
        api("police")
        .post(f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json")
        .status_code
        == 200
    )


def test_the_limit_counts_pages_and_api_together(
    api: ApiFor, drive: Driver, officer: User, settings: Any
) -> None:
    settings.PILOT06_ACTION_RATE = "3/minute"
    pm = drive.register()
    page = Client()
    page.force_login(officer)
    for _ in range(3):
        api("officer").post(
            f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/", {}, format="json"
        )
    seq = last().seq

    response = page.post(f"/pilot-models/{pm.pk}/actions/withdraw/", {"comment": "Rút"})
    register = page.post("/pilot-models/new/", {})

    assert (response.status_code, register.status_code) == (429, 429)
    assert PilotModel.objects.get(pk=pm.pk).state == "registered"
    assert last().seq == seq  # a throttled request writes nothing
