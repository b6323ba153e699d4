"""The demo province's five months: every snapshot equals the replay and the models' own dates.

Seeding takes a while, so one test seeds once and checks it all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals import clock
from reports import history
from reports.models import SnapshotCount, SnapshotDay
from workflows.models import PilotModel
from workflows.states import State


@pytest.mark.django_db
def test_the_demos_snapshots_equal_the_replay_and_the_models_dates(settings: Any) -> None:
    call_command("seed_demo", password="x", force=True, stdout=StringIO())
    out = StringIO()
    call_command("snapshot_progress", stdout=out)
    today = clock.today()
    first = history.first_day()
    assert first is not None and (today - first).days > 120  # five months of history

    final = list(
        SnapshotDay.objects.filter(final=True).order_by("day").values_list("day", flat=True)
    )
    assert final == history.days_between(first, today - dt.timedelta(days=1))
    assert out.getvalue().startswith(f"OK {len(final)} day(s) replayed")

    # Each stored day equals the trail replayed to that day's end.
    stored: dict[Any, Counter[tuple[str, str]]] = {day: Counter() for day in final}
    for day, code, state, n in SnapshotCount.objects.filter(snapshot__final=True).values_list(
        "snapshot__day", "agency__code", "state", "count"
    ):
        stored[day][(code, state)] = n
    for day, counts, _seq in history.daily_replay(first, final[-1]):
        assert stored[day] == +counts, day

    # Independently of the trail: registrations and completions by the models' own timestamps.
    models = list(PilotModel.objects.values("registered_at", "completed_at", "state"))
    for day in final[:: max(len(final) // 12, 1)]:
        figures = history.figures(history.counts_on([day], today=today)[day], scope=None, names={})
        registered = sum(timezone.localdate(m["registered_at"]) <= day for m in models)
        completed = sum(
            m["completed_at"] is not None and timezone.localdate(m["completed_at"]) <= day
            for m in models
        )
        assert figures["total"] + figures["cancelled"] == registered, day
        assert figures["buckets"]["completed"] == completed, day

    # Today: read from the tables, equal to the replay, and the province's 6 / 20 / 12.
    live, _seq = history.live_counts()
    assert history.replay_on(today) == live
    now = history.figures(live, scope=None, names={})
    assert now["buckets"] == {"completed": 6, "in_progress": 20, "not_started": 12}
    assert now["cancelled"] == PilotModel.objects.filter(state=State.CANCELLED).count()

    # A second run the same day writes nothing new.
    before = sorted(
        SnapshotCount.objects.values_list("snapshot__day", "agency__code", "state", "count")
    )
    assert history.snapshot_progress().final_days == []
    assert (
        sorted(SnapshotCount.objects.values_list("snapshot__day", "agency__code", "state", "count"))
        == before
    )
