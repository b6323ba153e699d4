"""Every reader agrees: one figure, computed through the page, the API, the dashboard and the documents.

Since issue 14 also the time limits: each open step's due date and working
days left, the late steps, the steps decided late and durations in working
days.

``workflows.rules`` holds SPEC §6's definitions once.  This test seeds the
demo province, adds the edge cases that made readers drift before (a
cancelled model still carrying a blocker, a funding round returned and
then approved), and computes each figure through every reader that shows
it.  A reader that writes its own rule again shows up here as a mismatch.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from approvals import clock
from approvals.models import ApprovalStep, Outcome
from reports.accountability import accountability
from reports.contexts import accountability_context, funding_summary, model_rows
from reports.dashboard import dashboard_summary
from reports.scope import DECIDED
from reports.xlsx import accountability_workbook
from tests.reports.helpers import workbook
from workflows import page_context, routing, rules, services
from workflows.models import PilotModel, ReminderKind
from workflows.reminders import notices_for, step_notices_for
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
        PilotModel.objects.filter(state=State.REGISTERED, blockers__cleared_at__isnull=True)
        .order_by("number")
        .first()
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
    home = page_context.home_figures(police)
    document_rows = list(model_rows(police))
    page_rows = page_context.list_rows(page_context.pilot_model_list(user=police, filters={}))

    # Overdue.
    overdue = sum(rules.is_overdue(pm, today) for pm in models)
    assert overdue > 0
    assert summary["overdue"] == overdue
    assert home.overdue == overdue
    assert page_context.pilot_model_list(user=police, filters={"overdue": True}).count() == overdue
    assert sum(row["overdue"] for row in page_rows) == overdue
    assert sum(row["overdue"] for row in api_rows) == overdue
    assert _api_count(police, overdue="true") == overdue
    assert sum(row["overdue_days"] > 0 for row in document_rows) == overdue
    assert sum(row["overdue"] for row in accountability(police)) == overdue
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
        assert (
            page_context.pilot_model_list(user=police, filters={"bucket": bucket}).count()
            == buckets[bucket]
        )
    assert summary["cancelled"] == sum(pm.state == State.CANCELLED for pm in models) >= 1

    # Blockers: every per-model reader lists the same reasons (the derived population-DB one
    # included); the figures and filters count the open models among them.
    state_of = {pm.pk: pm.state for pm in models}
    api_reasons = {row["id"]: sorted(b["reason"] for b in row["blockers"]) for row in api_rows}
    page_labels = {row["pm"].pk: sorted(row["blockers"]) for row in page_rows}
    document_labels = {row["id"]: sorted(row["blockers"]) for row in document_rows}
    for pm in models:
        labels_of = sorted(str(BlockerReason(r).label) for r in api_reasons[pm.pk])
        assert page_labels[pm.pk] == document_labels[pm.pk] == labels_of, pm.number
    for reason in BlockerReason:
        expected = sum(
            reason.value in r and rules.is_open(state_of[pk]) for pk, r in api_reasons.items()
        )
        assert summary["blockers"].get(reason.value, 0) == expected, reason
        assert (
            page_context.pilot_model_list(user=police, filters={"blocker": reason.value}).count()
            == expected
        )
    blocked = sum(bool(r) and rules.is_open(state_of[pk]) for pk, r in api_reasons.items())
    assert (
        home.blocked
        == blocked
        == page_context.pilot_model_list(user=police, filters={"blocker": "any"}).count()
    )


def test_every_reader_agrees_on_what_was_requested_and_approved(province: dict[str, User]) -> None:
    """The model page once added returned and rejected rounds; the API and the report did not."""
    police = province["police"]
    by_api = {row["id"]: row["funding"] for row in _api(police)}
    by_report = {row["pilot_model_id"]: row for row in funding_summary(police)["per_model"]}
    returned_then_funded = 0
    for pm in PilotModel.objects.filter(funding_requests__isnull=False).distinct():
        record = page_context.pilot_model_record(pm, police)
        rounds = list(pm.funding_requests.select_related("step"))
        requested, approved = rules.requested_total(rounds), rules.approved_total(rounds)
        assert (record["requested_total"], record["approved_total"]) == (requested, approved), (
            pm.number
        )
        assert (by_api[pm.pk]["requested"], by_api[pm.pk]["approved"]) == (requested, approved), (
            pm.number
        )
        report = by_report[pm.pk]
        assert (report["requested"], report["approved"]) == (requested, approved), pm.number
        if any(not rules.round_counts_as_requested(r.step.outcome) for r in rounds):
            returned_then_funded += 1
            assert requested < sum(r.amount for r in rounds)
    assert returned_then_funded >= 1, "the demo has a round sent back"


def test_a_cancelled_model_shows_its_uncleared_blocker_but_counts_as_blocked_nowhere(
    province: dict[str, User],
) -> None:
    police = province["police"]
    cancelled = PilotModel.objects.get(state=State.CANCELLED, blockers__cleared_at__isnull=True)
    reasons = sorted(
        cancelled.blockers.filter(cleared_at__isnull=True).values_list("reason", flat=True)
    )
    api_row = next(row for row in _api(police) if row["id"] == cancelled.pk)
    document_row = next(row for row in model_rows(police) if row["id"] == cancelled.pk)
    record = page_context.pilot_model_record(cancelled, police)
    assert sorted(b["reason"] for b in api_row["blockers"]) == reasons
    assert sorted(document_row["blockers"]) == sorted(str(BlockerReason(r).label) for r in reasons)
    assert sorted(b["reason"] for b in record["blockers"]) == reasons
    for reason in reasons:
        listed = page_context.pilot_model_list(user=police, filters={"blocker": reason})
        assert not listed.filter(pk=cancelled.pk).exists()
    assert not rules.is_overdue(cancelled, dt.date(2100, 1, 1))


def test_every_reader_agrees_on_time_limits_and_late_steps(province: dict[str, User]) -> None:
    """Issue 14: due dates, working days left, late steps and durations, through every reader."""
    today, now = clock.today(), clock.now()
    step_clock = rules.step_clock()
    pending = list(
        ApprovalStep.objects.filter(outcome=Outcome.PENDING).select_related("pilot_model")
    )
    timing = {s.pilot_model_id: step_clock.timing(s, today) for s in pending}
    assert all(t is not None for t in timing.values())

    # The API's open_step, the list page, the model page and the inboxes say the same.
    police = province["police"]
    for row in _api(police):
        open_step = row["open_step"]
        if row["id"] not in timing:
            assert open_step is None
            continue
        expected = timing[row["id"]]
        assert expected is not None
        assert (open_step["due_date"], open_step["working_days_left"]) == (
            expected.due_date.isoformat(),
            expected.working_days_left,
        )
    page_rows = page_context.list_rows(page_context.pilot_model_list(user=police, filters={}))
    assert {row["pm"].pk: row["timing"] for row in page_rows if row["timing"]} == timing
    for pm_id in timing:
        record = page_context.pilot_model_record(PilotModel.objects.get(pk=pm_id), police)
        assert record["pending_timing"] == timing[pm_id]
    inbox_rows = []
    for who in ("police", "finance", "leader"):
        inbox = page_context.inbox_for(province[who])
        rows = inbox.mine + inbox.queued + inbox.others
        inbox_rows += rows
        lefts = [row.timing.working_days_left for row in inbox.queued if row.timing is not None]
        assert lefts == sorted(lefts), f"{who}: the most overdue step first"
    assert {row.pilot_model.pk: row.timing for row in inbox_rows if row.timing} == timing

    # Late steps: the predicate, the query, the dashboard panel and the reminders.
    late = {s.pilot_model_id: s for s in pending if step_clock.is_late(s, today)}
    roles = {"police", "finance"}
    assert {routing.ROUTES[s.kind].decided_by for s in late.values()} >= roles, (
        "the demo is late at both"
    )
    assert set(
        ApprovalStep.objects.filter(step_clock.late_q(today)).values_list(
            "pilot_model_id", flat=True
        )
    ) == set(late)
    panel = dashboard_summary(police)["late_steps"]
    assert panel["total"] == len(late)
    by_role = Counter(routing.ROUTES[s.kind].decided_by for s in late.values())
    assert {r["role"]: r["count"] for r in panel["by_agency"] if r["count"]} == dict(by_role)
    assert [r["id"] for r in panel["steps"]] == sorted(
        late, key=lambda pk: (timing[pk].due_date, late[pk].pilot_model.number)
    )  # type: ignore[union-attr]
    reminded = {
        n.pilot_model.pk for n in step_notices_for(today) if n.kind == ReminderKind.STEP_LATE
    }
    assert reminded == set(late)

    # Steps decided late, per deciding agency: the predicate, the report's figures, its workbook.
    decided = ApprovalStep.objects.filter(outcome__in=DECIDED).select_related(
        "decided_by__official__agency"
    )
    late_by_agency = Counter(
        s.decided_by.official.agency.code for s in decided if step_clock.decided_late(s)
    )
    report = accountability_context(police)
    assert {r["agency"]["code"]: r["late"] for r in report["decided_late"] if r["late"]} == dict(
        late_by_agency
    )
    assert sum(late_by_agency.values()) >= 1, "the demo has a step decided late"
    sheet = workbook(accountability_workbook(report))["Quyết định trễ hạn"]
    assert {
        row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] and row[3]
    } == dict(late_by_agency)

    # Durations in working days: the bottlenecks' median per step kind.
    spans: dict[str, list[int]] = {}
    for s in ApprovalStep.objects.exclude(outcome=Outcome.CLOSED):
        spans.setdefault(s.kind, []).append(
            step_clock.working_days_taken(s.submitted_at, s.decided_at or now)
        )
    by_kind = {r["key"]: r for r in dashboard_summary(police)["bottlenecks"]["steps"]}
    for kind, values in spans.items():
        assert by_kind[kind]["median_wdays"] == round(statistics.median(values), 1), kind
        assert by_kind[kind]["max_wdays"] == max(values), kind


def test_the_dashboard_lists_are_the_first_models_each_rule_names(
    province: dict[str, User],
) -> None:
    """The overdue, due-soon and stuck lists read indexes in their own order; they must name what the rules name."""
    police = province["police"]
    today, now = clock.today(), clock.now()
    models = list(PilotModel.objects.all())
    limit = 5
    summary = dashboard_summary(police, list_limit=limit)

    def first(rule: Any, key: Any) -> list[int]:
        return [pm.number for pm in sorted((pm for pm in models if rule(pm)), key=key)[:limit]]

    by_deadline = lambda pm: (pm.deadline, pm.number)  # noqa: E731
    assert [r["number"] for r in summary["overdue_models"]] == first(
        lambda pm: rules.is_overdue(pm, today), by_deadline
    )
    assert [r["number"] for r in summary["due_soon_models"]] == first(
        lambda pm: rules.is_due_soon(pm, today), by_deadline
    )
    assert [r["number"] for r in summary["stuck_models"]] == first(
        lambda pm: rules.is_stuck(pm, now), lambda pm: (pm.last_action_at, pm.number)
    )
    assert summary["overdue_models"], "the demo has overdue models"
    assert all(r["days"] > 0 for r in summary["overdue_models"])
