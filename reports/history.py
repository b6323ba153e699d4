"""Progress over time: the three buckets per state and lead agency, day by day.

The audit trail already holds the whole history: every successful action on
a model records the state it left the model in, its registration the lead
agency, a reassignment the new one.  Replaying the trail up to the end of a
day therefore gives that day's figures exactly.  ``snapshot_progress``
stores them per day (``SnapshotDay``/``SnapshotCount``) so pages, the API
and the reports read a few rows instead of replaying: finished days are
replayed once and marked final; today is read from the tables and stays
provisional until the next run replays it.  A day without a final snapshot
is replayed on the fly, so every answer is exact.

Officers see the rows of the models their agency leads (the models it only
coordinates on are not in the snapshots); province-wide roles see all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from approvals import audit, clock
from approvals.events import Event
from approvals.models import Agency, AuditEntry
from approvals.permissions import agency_code_of, sees_province
from approvals.roles import Role, roles_of
from province.profile import load
from workflows.models import PilotModel
from workflows.states import Bucket, State, bucket_of

from .burnup import burnup
from .charts import PALETTE, hbars, stacked
from .models import SnapshotCount, SnapshotDay

MODEL_TYPE = "workflows.pilotmodel"
# The events that name a model's lead agency, and the payload key that holds it.
LEAD_OF: dict[str, str] = {
    Event.REGISTRATION_SUBMITTED: "lead_agency",
    Event.LEAD_AGENCY_REASSIGNED: "to",
}
BUCKETS = (Bucket.COMPLETED.value, Bucket.IN_PROGRESS.value, Bucket.NOT_STARTED.value)

# (lead agency code, state) → number of models.
Counts = Counter[tuple[str, str]]


@dataclass(frozen=True)
class Written:
    """What one run of ``snapshot_progress`` wrote."""

    final_days: list[dt.date] = field(default_factory=list)
    today: dt.date | None = None


# Reading the trail ------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    """Midnight after ``day`` in the province's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def first_day() -> dt.date | None:
    """The day of the first registration: where history starts."""
    at = (
        AuditEntry.objects.filter(action=Event.REGISTRATION_SUBMITTED)
        .order_by("seq")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at is not None else None


def _entries(until: dt.datetime | None) -> Iterator[tuple[int, dt.datetime, str, str, str]]:
    """Every successful action on a model (refusals record no state), in chain order."""
    rows = AuditEntry.objects.filter(object_type=MODEL_TYPE).exclude(to_state="").order_by("seq")
    if until is not None:
        rows = rows.filter(at__lt=until)
    yield from rows.values_list("seq", "at", "action", "object_id", "to_state").iterator(
        chunk_size=5000
    )


def _leads(until: dt.datetime | None) -> dict[int, str]:
    """seq → lead agency code, for the entries that set one."""
    rows = AuditEntry.objects.filter(object_type=MODEL_TYPE, action__in=list(LEAD_OF))
    if until is not None:
        rows = rows.filter(at__lt=until)
    return {
        seq: str(payload.get(LEAD_OF[action], ""))
        for seq, action, payload in rows.values_list("seq", "action", "payload")
    }


def daily_replay(first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, Counts, int]]:
    """Each day from ``first`` to ``last`` with its figures at the day's end and the last seq replayed."""
    until = _end_of(last)
    leads = _leads(until)
    state: dict[str, str] = {}
    lead: dict[str, str] = {}
    entries = _entries(until)
    pending = next(entries, None)
    last_seq = 0
    day = first
    while day <= last:
        end = _end_of(day)
        while pending is not None and pending[1] < end:
            seq, _at, action, model_id, to_state = pending
            state[model_id] = to_state
            if seq in leads:
                lead[model_id] = leads[seq]
            last_seq = seq
            pending = next(entries, None)
        yield day, Counter((lead.get(m, ""), s) for m, s in state.items()), last_seq
        day += dt.timedelta(days=1)


def replay_on(day: dt.date) -> Counts:
    """The figures at the end of ``day``, replayed from the audit trail."""
    for _day, counts, _seq in daily_replay(day, day):
        return counts
    return Counter()  # pragma: no cover - the loop always yields once


def live_counts() -> tuple[Counts, int]:
    """The figures in the tables now, with the chain head they reflect."""
    with transaction.atomic():
        seq = audit.head()[0]
        rows = (
            PilotModel.objects.order_by()
            .values_list("lead_agency__code", "state")
            .annotate(n=Count("pk"))
        )
        return Counter({(code, state): n for code, state, n in rows}), seq


# Writing snapshots --------------------------------------------------------------


def _write(
    day: dt.date, counts: Counts, seq: int, *, final: bool, agencies: dict[str, int]
) -> None:
    with transaction.atomic():
        snapshot, _ = SnapshotDay.objects.update_or_create(
            day=day, defaults={"audit_seq": seq, "final": final, "written_at": clock.now()}
        )
        SnapshotCount.objects.filter(snapshot=snapshot).delete()
        SnapshotCount.objects.bulk_create(
            SnapshotCount(snapshot=snapshot, agency_id=agencies[code], state=state, count=n)
            for (code, state), n in sorted(counts.items())
            if n and code in agencies
        )


def snapshot_progress(*, today: dt.date | None = None) -> Written:
    """Back-fill every finished day not yet final (replayed), then write today (from the tables).

    Idempotent: a second run the same day rewrites today's provisional
    snapshot with the same figures and leaves the final days alone.
    """
    today = today or clock.today()
    start = first_day()
    if start is None or start > today:
        return Written()
    agencies = dict(Agency.objects.values_list("code", "pk"))
    final = set(SnapshotDay.objects.filter(final=True).values_list("day", flat=True))
    missing = [d for d in days_between(start, today - dt.timedelta(days=1)) if d not in final]
    written: list[dt.date] = []
    if missing:
        wanted = set(missing)
        for day, counts, seq in daily_replay(missing[0], missing[-1]):
            if day in wanted:
                _write(day, counts, seq, final=True, agencies=agencies)
                written.append(day)
    counts, seq = live_counts()
    _write(today, counts, seq, final=False, agencies=agencies)
    return Written(final_days=written, today=today)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# Reading figures ------------------------------------------------------------------


def scope_code(user: Any) -> str | None:
    """None: the whole province; a code: that lead agency's rows; "": nothing."""
    if sees_province(user):
        return None
    if Role.OFFICER in roles_of(user):
        return agency_code_of(user) or ""
    return ""


def counts_on(days: Iterable[dt.date], *, today: dt.date | None = None) -> dict[dt.date, Counts]:
    """The figures at the end of each day: final snapshots, else a replay; today and later from the tables."""
    today = today or clock.today()
    wanted = sorted(set(days))
    out: dict[dt.date, Counts] = {}
    past = [d for d in wanted if d < today]
    if past:
        rows = SnapshotCount.objects.filter(
            snapshot__final=True, snapshot__day__in=past
        ).values_list("snapshot__day", "agency__code", "state", "count")
        for day in SnapshotDay.objects.filter(final=True, day__in=past).values_list(
            "day", flat=True
        ):
            out[day] = Counter()
        for day, code, state, n in rows:
            out[day][(code, state)] = n
        missing = [d for d in past if d not in out]
        if missing:
            wanted_missing = set(missing)
            for day, counts, _seq in daily_replay(missing[0], missing[-1]):
                if day in wanted_missing:
                    out[day] = counts
    if any(d >= today for d in wanted):
        live, _seq = live_counts()
        for day in wanted:
            if day >= today:
                out[day] = live
    return out


def figures(counts: Counts, *, scope: str | None, names: dict[str, str]) -> dict[str, Any]:
    """The dashboard's shape: buckets, states, cancelled, total, and per lead agency."""
    states = dict.fromkeys(State.values, 0)
    agencies: dict[str, dict[str, Any]] = {}
    for (code, state), n in counts.items():
        if scope is not None and code != scope:
            continue
        states[state] = states.get(state, 0) + n
        row = agencies.setdefault(
            code,
            {
                "code": code,
                "name": names.get(code, code),
                **dict.fromkeys(BUCKETS, 0),
                "cancelled": 0,
            },
        )
        bucket = bucket_of(state) if state in State.values else None
        row[bucket or "cancelled"] += n
    buckets = dict.fromkeys(BUCKETS, 0)
    for state, n in states.items():
        bucket = bucket_of(state) if state in State.values else None
        if bucket is not None:
            buckets[bucket] += n
    by_agency = sorted(agencies.values(), key=lambda r: r["code"])
    for row in by_agency:
        row["led"] = sum(row[b] for b in BUCKETS)
    return {
        "buckets": buckets,
        "states": states,
        "cancelled": states.get(State.CANCELLED, 0),
        "total": sum(buckets.values()),
        "by_agency": by_agency,
    }


def agency_names() -> dict[str, str]:
    return dict(Agency.objects.values_list("code", "name"))


def figures_on(
    user: Any, days: Iterable[dt.date], *, today: dt.date | None = None
) -> dict[dt.date, dict[str, Any]]:
    """``figures`` for each day, as ``user`` may see them."""
    scope = scope_code(user)
    names = agency_names()
    return {
        day: figures(c, scope=scope, names=names) for day, c in counts_on(days, today=today).items()
    }


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from ``first``'s to ``last``'s; ``last`` itself ends the list."""
    ends: list[dt.date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        ends.append(min(following - dt.timedelta(days=1), last))
        year, month = following.year, following.month
    return ends


def series(user: Any, *, start: dt.date, end: dt.date, granularity: str) -> list[dict[str, Any]]:
    """Points from ``start`` to ``end``: every day, or every month's end (the last month cut at ``end``)."""
    days = days_between(start, end) if granularity == "day" else month_ends(start, end)
    by_day = figures_on(user, days)
    return [{"date": day, **by_day[day]} for day in days]


# Pages ---------------------------------------------------------------------------


def previous_month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def _delta_rows(
    now: dict[str, Any], before: dict[str, Any], earlier: dict[str, Any]
) -> list[dict[str, Any]]:
    """Per lead agency: each bucket now, its change this period and its change the period before."""

    def by_code(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {row["code"]: row for row in f["by_agency"]}

    rows_now, rows_before, rows_earlier = by_code(now), by_code(before), by_code(earlier)
    out = []
    for code in sorted(set(rows_now) | set(rows_before)):
        row: dict[str, Any] = {
            "code": code,
            "name": (rows_now.get(code) or rows_before[code])["name"],
        }
        for bucket in BUCKETS:
            a = rows_now.get(code, {}).get(bucket, 0)
            b = rows_before.get(code, {}).get(bucket, 0)
            c = rows_earlier.get(code, {}).get(bucket, 0)
            row[bucket] = {"now": a, "before": b, "this": a - b, "last": b - c}
        out.append(row)
    return out


def dashboard_history(user: Any, *, today: dt.date) -> dict[str, Any]:
    """The burn-up chart by month and, per lead agency, this month against the last."""
    start = first_day() or today
    ends = month_ends(start, today)
    before = previous_month_end(today)
    earlier = previous_month_end(before)
    by_day = figures_on(user, [*ends, before, earlier], today=today)
    profile = load()
    labels = {b: str(Bucket(b).label) for b in BUCKETS}
    points = [{"date": day, **by_day[day]} for day in ends]
    return {
        "burnup": burnup(
            points, target=profile.target_completed, target_date=profile.target_date, labels=labels
        ),
        "points": points,
        "period_start": before + dt.timedelta(days=1),
        "before": before,
        "earlier": earlier,
        "agency_changes": _delta_rows(by_day[today], by_day[before], by_day[earlier]),
    }


HISTORY_CACHE_SECONDS = 300


def cached_dashboard_history(user: Any, *, today: dt.date) -> dict[str, Any]:
    """``dashboard_history`` kept while the audit chain head stands still, as the summary is."""
    seq, head_hash = audit.head()
    key = ":".join(
        [
            "pilot06.history",
            str(seq),
            head_hash[:32],
            str(scope_code(user)),
            today.isoformat(),
            str(load().pk),
        ]
    )
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = dashboard_history(user, today=today)
        cache.set(key, found, HISTORY_CACHE_SECONDS)
    return found


def snapshot_source(day: dt.date, *, today: dt.date) -> str:
    """Where a day's figures come from: ``live`` (today), ``snapshot`` (final) or ``replay``."""
    if day >= today:
        return "live"
    return "snapshot" if SnapshotDay.objects.filter(day=day, final=True).exists() else "replay"


def day_page(user: Any, *, day: dt.date, today: dt.date) -> dict[str, Any]:
    """``/dashboard/?date=``: that day's figures, exactly, with where they came from."""
    shown = figures_on(user, [day], today=today)[day]
    buckets = shown["buckets"]
    return {
        "day": day,
        "figures": shown,
        "source": snapshot_source(day, today=today),
        "sees_province": sees_province(user),
        "bucket_chart": stacked([(str(Bucket(b).label), buckets[b], PALETTE[b]) for b in BUCKETS]),
        "state_chart": hbars(
            [
                (str(State(s).label), shown["states"][s], str(shown["states"][s]))
                for s in State.values
            ],
            fill=PALETTE["neutral"],
        ),
    }


def period_comparison(user: Any, *, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """The progress report's "so với kỳ trước": figures at the period's end against the day before it began."""
    before_day = start - dt.timedelta(days=1)
    now_day = min(end, today)
    shown = figures_on(user, [before_day, now_day], today=today)
    before, now = shown[before_day], shown[now_day]
    buckets = [
        {
            "key": b,
            "label": str(Bucket(b).label),
            "before": before["buckets"][b],
            "now": now["buckets"][b],
            "delta": now["buckets"][b] - before["buckets"][b],
        }
        for b in BUCKETS
    ]
    agencies = _delta_rows(now, before, before)
    return {"before_day": before_day, "now_day": now_day, "buckets": buckets, "agencies": agencies}
