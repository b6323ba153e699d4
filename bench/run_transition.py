"""Figure ``transition``: ``approve_funding`` through the real service vs two floors.

Ours is the whole action: visibility and role checks, the flow-process lock
then the row lock, the FSM guard, the step decision, the task completion,
the in-step check, the hashed audit entry and the e-mail job queued in the
same transaction (the database queue, as deployed).  Two floors, on the
same database with the same durability:

* the bare floor: UPDATE one row and INSERT one row in one transaction,
  what any durable write costs;
* the minimal floor (``bench.minimal_floor``): the statements this action
  needs at the least, by hand in SQL on the real schema.

All run sequentially on one connection, alternating in blocks; a ratio is
ours ÷ floor in time.  With ``--models 100000`` the same action runs on top
of a 100,000-model province (``bench.dataset``), and every statement of one
action is EXPLAINed: a sequential scan there means a query that grows with
the data.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import harness

BLOCK = 25  # floor and ours alternate in blocks, so drift in fsync cost hits both


def _floor_tables() -> None:
    from django.db import connection

    serial = "INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "BIGSERIAL PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor_row (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
            "updated_at VARCHAR(40) NOT NULL)"
        )
        cursor.execute(
            f"CREATE TABLE bench_floor_log (id {serial}, row_id INTEGER NOT NULL, "
            "at VARCHAR(40) NOT NULL, body TEXT NOT NULL)"
        )


def floor_action(row_id: int) -> None:
    """The least a durable state change can cost: one UPDATE, one INSERT, one commit."""
    from django.db import connection, transaction
    from django.utils import timezone

    at = timezone.now().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bench_floor_row SET version = version + 1, updated_at = %s WHERE id = %s",
            [at, row_id],
        )
        cursor.execute(
            "INSERT INTO bench_floor_log (row_id, at, body) VALUES (%s, %s, %s)",
            [row_id, at, '{"action":"funding.approved"}'],
        )


def prepare_floor(n: int) -> None:
    from django.db import connection, transaction

    _floor_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_floor_row (id, version, updated_at) VALUES (%s, 1, '')",
            [[i] for i in range(1, n + 1)],
        )


def funding_requested_models(people: dict[str, Any], n: int, *, first_number: int) -> list[Any]:
    """``n`` models taken to (funding_requested, funding_appraisal) through the services."""
    from tests.factories import Driver

    drive = Driver(people)
    return [drive.funding_requested(first_number + i) for i in range(n)]


def approve(pilot_model: Any, actor: Any) -> None:
    from tests.factories import approval_data
    from workflows import services

    services.perform(
        "approve_funding", pilot_model_id=pilot_model.pk, actor=actor, data=approval_data()
    )


def query_breakdown(captured: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """``[("SELECT workflows_pilotmodel", 2), …]``: where an action's queries go."""
    counts: Counter[str] = Counter()
    for q in captured:
        sql = q["sql"].lstrip()
        verb = sql.split(None, 1)[0].upper()
        if verb in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
            continue
        if verb == "SELECT":
            match = _main_table(sql)
        elif verb == "UPDATE":
            match = re.match(r'UPDATE\s+"(\w+)"', sql)
        elif verb == "INSERT":
            match = re.search(r'\bINTO\s+"(\w+)"', sql)
        else:
            match = re.search(r'"(\w+)"', sql)
        counts[f"{verb} {match.group(1) if match else '?'}"] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _main_table(sql: str) -> re.Match[str] | None:
    """The first ``FROM "table"`` outside parentheses (a subquery in the select list comes first)."""
    for match in re.finditer(r'\bFROM\s+"(\w+)"', sql):
        before = sql[: match.start()]
        if before.count("(") == before.count(")"):
            return match
    return None


def count_queries(action: Callable[[], None]) -> tuple[int, int, list[dict[str, Any]]]:
    """Data queries and all statements (with transaction control) of one action."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log is a bounded deque: a full one would capture nothing
    with CaptureQueriesContext(connection) as captured:
        action()
    return (
        harness.data_queries(captured.captured_queries),
        len(captured.captured_queries),
        captured.captured_queries,
    )


def measure(n: int, *, models: int = 0) -> dict[str, Any]:
    from bench.minimal_floor import MinimalFloor
    from bench.people import ensure_people, fresh

    people = ensure_people()
    if models:
        from bench import dataset
        from bench.run_pages import analyze

        harness.note(f"transition/{harness.vendor()}: growing the province to {models:,} models")
        dataset.grow_to(models)
        analyze()
    warm, probes = 5, 5
    total = n + warm + probes
    harness.note(
        f"transition/{harness.vendor()}: preparing {2 * total} models through the services"
    )
    base = 900_000
    ours_models = funding_requested_models(people, total, first_number=base)
    floor_models = (
        [] if models else funding_requested_models(people, n + warm, first_number=base + total)
    )
    prepare_floor(n + warm)
    actors = [fresh(people["finance"]) for _ in range(total)]
    minimal = MinimalFloor(people["finance"])

    for i in range(warm):  # first-call costs (statement caches, lazy imports) are not the figure
        approve(ours_models[i], actors[i])
        floor_action(i + 1)
        if floor_models:
            minimal.act(floor_models[i].pk)

    ours_s = floor_s = minimal_s = 0.0
    for start in range(warm, warm + n, BLOCK):
        stop = min(start + BLOCK, warm + n)
        t0 = harness.clock()
        for i in range(start, stop):
            floor_action(i + 1)
        t1 = harness.clock()
        for i in range(start, stop):
            if floor_models:
                minimal.act(floor_models[i].pk)
        t2 = harness.clock()
        for i in range(start, stop):
            approve(ours_models[i], actors[i])
        t3 = harness.clock()
        floor_s += t1 - t0
        minimal_s += t2 - t1
        ours_s += t3 - t2

    counts: list[int] = []
    statements: list[int] = []
    breakdown: list[tuple[str, int]] = []
    captured: list[dict[str, Any]] = []
    for i in range(warm + n, total):
        data, all_statements, captured = count_queries(
            lambda i=i: approve(ours_models[i], actors[i])
        )
        counts.append(data)
        statements.append(all_statements)
        breakdown = query_breakdown(captured)
    scans: list[str] = []
    if models:
        probe, probe_actor = (
            funding_requested_models(people, 1, first_number=base - 1)[0],
            fresh(people["finance"]),
        )
        scans = sequential_scans(lambda: approve(probe, probe_actor), models)

    from approvals import audit

    assert audit.verify().ok, "the audit chain must hold after the run"
    ours_per_s = n / ours_s
    floor_per_s = n / floor_s
    figure: dict[str, Any] = {
        "ours_per_s": round(ours_per_s, 1),
        "floor_per_s": round(floor_per_s, 1),
        "ratio": round(floor_per_s / ours_per_s, 2),
        "queries_per_action": int(harness.median(counts)),
    }
    if floor_models:
        minimal_per_s = n / minimal_s
        figure["minimal_floor_per_s"] = round(minimal_per_s, 1)
        figure["minimal_ratio"] = round(minimal_per_s / ours_per_s, 2)
    if models:
        figure = {
            "models": models,
            "ours_per_s": figure["ours_per_s"],
            "queries_per_action": figure["queries_per_action"],
            "sequential_scans": scans,
        }
    return {
        "figure": figure,
        "extra": {
            "n": n,
            "ours_ms": round(1000 * ours_s / n, 2),
            "floor_ms": round(1000 * floor_s / n, 2),
            "minimal_floor_ms": round(1000 * minimal_s / n, 2) if floor_models else None,
            "queries_min_max": [min(counts), max(counts)],
            "statements_with_tx_control": int(harness.median(statements)),
            "breakdown": breakdown,
        },
    }


def sequential_scans(action: Callable[[], None], models: int) -> list[str]:
    """Every full-table scan that EXPLAIN shows for the statements of ``action``.

    The statements are recorded with their parameters as they run, then
    explained (not executed again).  PostgreSQL says ``Seq Scan on t``,
    SQLite ``SCAN t`` (without an index).  Tables of a few rows (the chain
    head) are named with their size: scanning those is what an index would do.
    """
    from django.db import connection

    recorded: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
            recorded.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    found: list[str] = []
    with connection.cursor() as cursor:
        for sql, params in recorded:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN " + sql, params)
                lines = [row[0] for row in cursor.fetchall()]
                scanned = [
                    m.group(1) for line in lines if (m := re.search(r"Seq Scan on (\w+)", line))
                ]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                details = [str(row[-1]) for row in cursor.fetchall()]
                scanned = [
                    m.group(1)
                    for d in details
                    if (m := re.match(r"SCAN (\w+)", d))
                    and "INDEX" not in d
                    and "CONSTANT ROW" not in d
                ]
            for table in scanned:
                size = "?"
                if table in connection.introspection.table_names(cursor):
                    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                    size = f"{cursor.fetchone()[0]:,}"
                found.append(f"{table} ({size} rows): {' '.join(sql.split())[:160]}")
    harness.note(
        f"transition at {models:,} models: {len(recorded)} statements explained, {len(found)} full scans"
    )
    return found


def main() -> None:
    args = harness.arguments(
        "approve_funding through the service vs a bare and a minimal floor", n=150, models=0
    )
    # E-mails are queued in the database, in the action's transaction, as deployed.
    os.environ["PILOT06_BENCH_TASKS"] = "database"
    harness.boot(args.db)
    harness.emit(measure(args.n, models=args.models))


if __name__ == "__main__":
    main()
