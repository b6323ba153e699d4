"""Figure ``pages``: the dashboard, the model list and the inbox at 38, 2,500 and 100,000 models.

The dashboard is cached per data version, so it is timed twice: warm (a
repeat visit) and cold (``cold_ms``, the first visit after an action, which
computes every figure; the cache is emptied before each cold visit).
The past days of its burn-up chart come from the daily snapshots, as on a
deployed site where the daily cron writes them (``snapshot_progress``); the
bench writes them after each growth of the data, and reports how long that
back-fill took (``extra.snapshot_s``).

Each page is fetched through Django's test client as a logged-in police
officer (who sees the whole province), so the time covers middleware,
queries and templates but no network.  The number of queries must not grow
with the data: a page that issues one query per row shows up here as a
count that differs between sizes.  The dashboard is also set against the
one query no dashboard can avoid, ``SELECT state, COUNT(*) … GROUP BY state``.
"""

from __future__ import annotations

from typing import Any

from bench import harness

SIZES = (38, 2_500, 100_000)
# The first path that answers 200 is the figure; the HTML page comes first
# because it is what people open, the API twin is reported beside it.
PAGES: dict[str, tuple[str, ...]] = {
    "dashboard": ("/dashboard/", "/api/v1/dashboard/"),
    "model_list": ("/pilot-models/", "/api/v1/pilot-models/"),
    "inbox": ("/",),
}
RUNS = 5
BUDGET_S = 15.0  # per page and size: a slow page is timed fewer times, not skipped
SLOW_S = 3.0


def analyze() -> None:
    """Fresh planner statistics and visibility map after a bulk load, as autovacuum would soon give."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def police_client() -> Any:
    from django.test import Client

    from bench.people import ensure_people

    client = Client()
    client.force_login(ensure_people()["police"])
    return client


# Pages whose figures are cached per data version: timed cold as well.
CACHED = ("/dashboard/", "/api/v1/dashboard/")
COLD_RUNS = 3


def fetch(client: Any, path: str) -> dict[str, Any]:
    """One page at the current size: status, median time, queries of one request.

    The first request warms caches.  A page slower than ``SLOW_S`` is not
    fetched again: at 100,000 models a page with a query per row takes long
    enough to sink the run, and its first request says all there is to say.
    A cached page is always visited again: its slow first visit is the cold
    figure, timed on its own below, and the repeat visit is the warm one.
    """
    with harness.counting_queries() as first_count:
        start = harness.clock()
        first = client.get(path)
        first_s = harness.clock() - start
    if first.status_code != 200:
        return {"status": first.status_code}
    if first_s > SLOW_S and path not in CACHED:
        times, queries = [first_s], first_count.count
    else:
        with harness.counting_queries() as warm_count:
            client.get(path)
        queries = warm_count.count
        times = harness.timed_runs(lambda: client.get(path), runs=RUNS, budget_s=BUDGET_S)
    result = {
        "status": 200,
        "ms": round(1000 * harness.median(times), 1),
        "queries": queries,
        "runs": len(times),
    }
    if path in CACHED:
        from django.core.cache import cache

        def cold_visit() -> None:
            cache.clear()  # what an action does to the key: the next visit computes everything
            client.get(path)

        cold = harness.timed_runs(cold_visit, runs=COLD_RUNS, budget_s=BUDGET_S)
        cache.clear()
        with harness.counting_queries() as cold_count:
            client.get(path)
        result.update(cold_ms=round(1000 * harness.median(cold), 1), cold_queries=cold_count.count)
    return result


def floor_ms() -> float:
    from django.db import connection

    def count_by_state() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT state, COUNT(*) FROM workflows_pilotmodel GROUP BY state")
            cursor.fetchall()

    count_by_state()
    return 1000 * harness.median(harness.timed_runs(count_by_state, runs=15))


def daily_snapshots() -> float:
    """The daily cron's snapshots, written again for the grown data; seconds taken.

    The bench adds models with events in the past, which no real day does,
    so the days already final are dropped and replayed from the new trail.
    """
    from reports.history import snapshot_progress
    from reports.models import SnapshotDay

    started = harness.clock()
    SnapshotDay.objects.all().delete()
    snapshot_progress()
    return harness.clock() - started


def measure(sizes: tuple[int, ...]) -> dict[str, Any]:
    from bench import dataset

    if harness.URLCONF_ERROR:
        return {"figure": None, "reason": harness.URLCONF_ERROR}
    seen: dict[str, dict[str, dict[str, Any]]] = {
        name: {} for name in PAGES
    }  # page → path → size → result
    floor: float | None = None
    snapshot_s: dict[str, float] = {}
    for size in sizes:
        dataset.grow_to(size)
        snapshot_s[str(size)] = round(daily_snapshots(), 2)
        analyze()
        harness.note(f"pages/{size}: daily snapshots back-filled in {snapshot_s[str(size)]} s")
        client = police_client()
        for name, paths in PAGES.items():
            for path in paths:
                result = fetch(client, path)
                seen[name].setdefault(path, {})[str(size)] = result
                if result["status"] == 200:
                    harness.note(
                        f"pages/{size}: {path} {result['ms']} ms, {result['queries']} queries"
                    )
        if size == sizes[-1]:
            floor = floor_ms()

    figure: dict[str, Any] = {}
    extra: dict[str, Any] = {
        "paths": {},
        "reasons": {},
        "database": harness.vendor(),
        "floor_ms": floor,
        "snapshot_s": snapshot_s,
    }
    for name, paths in PAGES.items():
        chosen = next(
            (p for p in paths if all(seen[name][p][str(s)]["status"] == 200 for s in sizes)), None
        )
        extra["paths"][name] = {p: seen[name][p] for p in paths}
        if chosen is None:
            statuses = {p: sorted({r["status"] for r in seen[name][p].values()}) for p in paths}
            figure[name] = None
            extra["reasons"][name] = f"no page answers 200 yet: {statuses}"
            continue
        figure[name] = {
            s: {k: r[k] for k in ("ms", "queries", "cold_ms", "cold_queries") if k in r}
            for s, r in seen[name][chosen].items()
        }
        extra.setdefault("chosen", {})[name] = chosen
    biggest = str(sizes[-1])
    dashboard = figure.get("dashboard")
    figure["dashboard_vs_floor_ratio_100000"] = (
        round(dashboard[biggest]["ms"] / floor, 2) if dashboard and floor else None
    )
    figure["dashboard_cold_vs_floor_ratio_100000"] = (
        round(dashboard[biggest]["cold_ms"] / floor, 2)
        if dashboard and floor and "cold_ms" in dashboard[biggest]
        else None
    )
    inbox = figure.get("inbox")
    smallest = str(sizes[0])
    figure["inbox_scale_ratio"] = (
        round(inbox[biggest]["ms"] / inbox[smallest]["ms"], 2) if inbox and len(sizes) > 1 else None
    )
    return {"figure": figure, "extra": extra}


def main() -> None:
    args = harness.arguments(
        "dashboard, model list and inbox at three sizes", sizes="38,2500,100000"
    )
    harness.boot(args.db)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    harness.emit(measure(sizes))


if __name__ == "__main__":
    main()
