"""Figure ``transition``: ``approve_funding`` through the real service vs a bare write.

Ours is the whole action: visibility and role checks, the flow-process lock
then the row lock, the FSM guard, the step decision, the hashed audit entry,
the task completion, the in-step check and the after-commit notifications.
The floor is what any durable write costs on the same database with the
same durability: UPDATE one row and INSERT one row in one transaction.
Both run sequentially on one connection; the ratio is ours ÷ floor in time.
"""

from __future__ import annotations

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
            match = re.search(r'\bFROM\s+"(\w+)"', sql)
        elif verb == "UPDATE":
            match = re.match(r'UPDATE\s+"(\w+)"', sql)
        elif verb == "INSERT":
            match = re.search(r'\bINTO\s+"(\w+)"', sql)
        else:
            match = re.search(r'"(\w+)"', sql)
        counts[f"{verb} {match.group(1) if match else '?'}"] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


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


def measure(n: int) -> dict[str, Any]:
    from bench.people import ensure_people, fresh

    people = ensure_people()
    warm, probes = 5, 5
    harness.note(
        f"transition/{harness.vendor()}: preparing {n + warm + probes} models through the services"
    )
    models = funding_requested_models(people, n + warm + probes, first_number=1000)
    prepare_floor(n + warm)
    actors = [fresh(people["finance"]) for _ in range(n + warm + probes)]

    for i in range(warm):  # first-call costs (statement caches, lazy imports) are not the figure
        approve(models[i], actors[i])
        floor_action(i + 1)

    ours_s = floor_s = 0.0
    for start in range(warm, warm + n, BLOCK):
        stop = min(start + BLOCK, warm + n)
        t0 = harness.clock()
        for i in range(start, stop):
            floor_action(i + 1)
        t1 = harness.clock()
        for i in range(start, stop):
            approve(models[i], actors[i])
        t2 = harness.clock()
        floor_s += t1 - t0
        ours_s += t2 - t1

    counts: list[int] = []
    statements: list[int] = []
    breakdown: list[tuple[str, int]] = []
    for i in range(warm + n, warm + n + probes):
        data, total, captured = count_queries(lambda i=i: approve(models[i], actors[i]))
        counts.append(data)
        statements.append(total)
        breakdown = query_breakdown(captured)

    from approvals import audit

    assert audit.verify().ok, "the audit chain must hold after the run"
    ours_per_s = n / ours_s
    floor_per_s = n / floor_s
    return {
        "figure": {
            "ours_per_s": round(ours_per_s, 1),
            "floor_per_s": round(floor_per_s, 1),
            "ratio": round(floor_per_s / ours_per_s, 2),
            "queries_per_action": int(harness.median(counts)),
        },
        "extra": {
            "n": n,
            "ours_ms": round(1000 * ours_s / n, 2),
            "floor_ms": round(1000 * floor_s / n, 2),
            "queries_min_max": [min(counts), max(counts)],
            "statements_with_tx_control": int(harness.median(statements)),
            "breakdown": breakdown,
        },
    }


def main() -> None:
    args = harness.arguments("approve_funding through the service vs a bare UPDATE+INSERT", n=150)
    harness.boot(args.db)
    harness.emit(measure(args.n))


if __name__ == "__main__":
    main()
