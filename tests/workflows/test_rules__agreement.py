"""Every reader agrees: one figure, computed through the page, the API, the dashboard and the documents.

``workflows.rules`` holds SPEC §6's definitions once.  This test seeds the
demo province, adds the edge cases that made readers drift before (a
cancelled model still carrying a blocker, a funding round returned and
then approved), and computes each figure through every reader that shows
it.  A reader that writes its own rule again shows up here as a mismatch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from approvals import clock
from reports.contexts import funding_summary, model_rows
from reports.dashboard import dashboard_summary
from workflows import page_selectors, rules, services
from workflows.models import PilotModel
from workflows.reminders import notices_for
from workflows.states import BlockerReason, Bucket, State


@pytest.fixture
def province(db: Any) -> dict[str, User]:
    call_command("seed_demo", password="x", force=True, stdout=StringIO())
    people = {u.username: u for u in User.objects.all()}
    _add_edge_cases(people)
    return people


def _add_edge_cases(people: dict[str, User]) -> None:
    """Cancel a not-started model that still carries an entered blocker."""
    blocked = (
        PilotModel.objects.filter(state=State.REGISTERED, blockers__cleared_at__isnull=True).order_by("number").first()
    )
    assert blocked is not None, "the demo has a blocked model not yet started"
    services.perform(
        "cancel",
        pilot_model_id=blocked.pk,
        actor=people["leader"],
        data={"decision_number": "99/QĐ-UBND", "comment": "Dừng triển khai"},
    )


def _api(user: User) -> list[dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/pilot-models/", {"page_size": 500})
    assert response.status_code == 200
    return list(response.json()["results"])


def _api_count(user: User, **filters: Any) -> int:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/pilot-models/", {"page_size": 500, **filters})
    assert response.status_code == 200
    return int(response.json()["count"])


def test_every_reader_agrees_on_every_figure(province: dict[str, User]) -> None:
    police = province["police"]
    today, now = clock.today(), clock.now()
    models = list(PilotModel.objects.all())
    api_rows = _api(police)
    summary = dashboard_summary(police, detail=False, list_limit=0)
    home = page_selectors.home_figures(police)
    document_rows = list(model_rows(police))
    page_rows = page_selectors.list_rows(page_selectors.pilot_model_list(user=police, filters={}))

    # Overdue.
    overdue = sum(rules.is_overdue(pm, today) for pm in models)
    assert overdue > 0
    assert summary["overdue"] == overdue
    assert home.overdue == overdue
    assert page_selectors.pilot_model_list(user=police, filters={"overdue": True}).count() == overdue
    assert sum(row["overdue"] for row in page_rows) == overdue
    assert sum(row["overdue"] for row in api_rows) == overdue
    assert _api_count(police, overdue="true") == overdue
    assert sum(row["overdue_days"] > 0 for row in document_rows) == overdue
    reminded = {n.pilot_model.pk for n in notices_for(today) if n.overdue_days > 0}
    assert reminded <= {pm.pk for pm in models if rules.is_overdue(pm, today)}

    # Due soon and stuck.
    due_soon = sum(rules.is_due_soon(pm, today) for pm in models)
    assert summary["due_soon"] == home.due_soon == due_soon
    assert summary["stuck"] == sum(rules.is_stuck(pm, now) for pm in models) > 0

    # Buckets.
    buckets = Counter(rules.bucket_of(pm.state) for pm in models)
    for bucket in Bucket.values:
        assert summary["buckets"][bucket] == buckets[bucket]
        assert next(b["count"] for b in home.buckets if b["code"] == bucket) == buckets[bucket]
        assert _api_count(police, bucket=bucket) == buckets[bucket]
        assert page_selectors.pilot_model_list(user=police, filters={"bucket": bucket}).count() == buckets[bucket]
    assert summary["cancelled"] == sum(pm.state == State.CANCELLED for pm in models) >= 1

    # Blockers, by reason: the derived population-DB one included, closed models excluded.
    api_reasons = Counter(b["reason"] for row in api_rows for b in row["blockers"])
    page_labels = Counter(label for row in page_rows for label in row["blockers"])
    document_labels = Counter(label for row in document_rows for label in row["blockers"])
    for reason in BlockerReason:
        expected = page_selectors.pilot_model_list(user=police, filters={"blocker": reason.value}).count()
        assert summary["blockers"].get(reason.value, 0) == expected, reason
        assert api_reasons[reason.value] == expected, reason
        assert page_labels[str(reason.label)] == expected, reason
        assert document_labels[str(reason.label)] == expected, reason
    blocked = page_selectors.pilot_model_list(user=police, filters={"blocker": "any"}).count()
    assert home.blocked == blocked == sum(bool(row["blockers"]) for row in api_rows)
    assert blocked == sum(bool(row["blockers"]) for row in document_rows)


def test_every_reader_agrees_on_what_was_requested_and_approved(province: dict[str, User]) -> None:
    """The model page once added returned and rejected rounds; the API and the report did not."""
    police = province["police"]
    by_api = {row["id"]: row["funding"] for row in _api(police)}
    by_report = {row["pilot_model_id"]: row for row in funding_summary(police)["per_model"]}
    returned_then_funded = 0
    for pm in PilotModel.objects.filter(funding_requests__isnull=False).distinct():
        record = page_selectors.pilot_model_record(pm, police)
        rounds = list(pm.funding_requests.select_related("step"))
        requested, approved = rules.requested_total(rounds), rules.approved_total(rounds)
        assert (record["requested_total"], record["approved_total"]) == (requested, approved), pm.number
        assert (by_api[pm.pk]["requested"], by_api[pm.pk]["approved"]) == (requested, approved), pm.number
        report = by_report[pm.pk]
        assert (report["requested"], report["approved"]) == (requested, approved), pm.number
        if any(not rules.round_counts_as_requested(r.step.outcome) for r in rounds):
            returned_then_funded += 1
            assert requested < sum(r.amount for r in rounds)
    assert returned_then_funded >= 1, "the demo has a round sent back"


def test_a_closed_model_is_blocked_for_nothing_on_every_reader(province: dict[str, User]) -> None:
    police = province["police"]
    cancelled = PilotModel.objects.get(state=State.CANCELLED, blockers__cleared_at__isnull=True)
    api_row = next(row for row in _api(police) if row["id"] == cancelled.pk)
    document_row = next(row for row in model_rows(police) if row["id"] == cancelled.pk)
    record = page_selectors.pilot_model_record(cancelled, police)
    assert api_row["blockers"] == []
    assert document_row["blockers"] == []
    assert record["blockers"] == []
    assert not rules.is_overdue(cancelled, dt.date(2100, 1, 1))


def test_the_dashboard_lists_are_the_first_models_each_rule_names(province: dict[str, User]) -> None:
    """The overdue, due-soon and stuck lists read indexes in their own order; they must name what the rules name."""
    police = province["police"]
    today, now = clock.today(), clock.now()
    models = list(PilotModel.objects.all())
    limit = 5
    summary = dashboard_summary(police, list_limit=limit)

    def first(rule: Any, key: Any) -> list[int]:
        return [pm.number for pm in sorted((pm for pm in models if rule(pm)), key=key)[:limit]]

    by_deadline = lambda pm: (pm.deadline, pm.number)  # noqa: E731
    assert [r["number"] for r in summary["overdue_models"]] == first(lambda pm: rules.is_overdue(pm, today), by_deadline)
    assert [r["number"] for r in summary["due_soon_models"]] == first(lambda pm: rules.is_due_soon(pm, today), by_deadline)
    assert [r["number"] for r in summary["stuck_models"]] == first(
        lambda pm: rules.is_stuck(pm, now), lambda pm: (pm.last_action_at, pm.number)
    )
    assert summary["overdue_models"], "the demo has overdue models"
    assert all(r["days"] > 0 for r in summary["overdue_models"])
