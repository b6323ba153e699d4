"""Figure ``peer_viewflow``: our approve_funding vs the same step as a plain viewflow task.

Both run in one process on one database, interleaved in blocks, so the
ratio shows what the FSM guard, the approval step, the audit chain and the
in-step check add on top of viewflow's own task completion.
"""

from __future__ import annotations

import os
from typing import Any

from bench import harness

BLOCK = 20


def measure(n: int) -> dict[str, Any]:
    from bench import peer
    from bench.people import ensure_people, fresh
    from bench.run_transition import approve, count_queries, funding_requested_models

    people = ensure_people()
    warm = 5
    harness.note(
        f"peer_viewflow/{harness.vendor()}: preparing {n + warm} models and {n + warm} peer processes"
    )
    ours_models = funding_requested_models(people, n + warm, first_number=5000)
    peer_processes = [peer.start(1_250_000_000) for _ in range(n + warm)]
    ours_actors = [fresh(people["finance"]) for _ in range(n + warm + 1)]
    peer_actors = [fresh(people["finance"]) for _ in range(n + warm + 1)]
    spare = funding_requested_models(people, 1, first_number=6000)[0]
    spare_process = peer.start(1_250_000_000)

    for i in range(warm):
        approve(ours_models[i], ours_actors[i])
        peer.approve(peer_processes[i].pk, peer_actors[i], 1_000_000_000)

    ours: list[float] = []
    theirs: list[float] = []
    for start in range(warm, warm + n, BLOCK):
        for i in range(start, min(start + BLOCK, warm + n)):
            t0 = harness.clock()
            peer.approve(peer_processes[i].pk, peer_actors[i], 1_000_000_000)
            theirs.append(harness.clock() - t0)
        for i in range(start, min(start + BLOCK, warm + n)):
            t0 = harness.clock()
            approve(ours_models[i], ours_actors[i])
            ours.append(harness.clock() - t0)

    # One more of each with the queries counted, outside the timed runs.
    peer_queries, _, _ = count_queries(
        lambda: peer.approve(spare_process.pk, peer_actors[-1], 1_000_000_000)
    )
    ours_queries, _, _ = count_queries(lambda: approve(spare, ours_actors[-1]))

    from viewflow.workflow.models import Process
    from viewflow.workflow.status import PROCESS

    done = Process.objects.filter(
        pk__in=[p.pk for p in [*peer_processes, spare_process]], status=PROCESS.DONE
    ).count()
    assert done == n + warm + 1, f"every peer process must have ended, {done} did"
    ours_ms = 1000 * harness.median(ours)
    peer_ms = 1000 * harness.median(theirs)
    return {
        "figure": {
            "ours_ms": round(ours_ms, 2),
            "peer_ms": round(peer_ms, 2),
            "ratio": round(ours_ms / peer_ms, 2),
        },
        "extra": {
            "n": n,
            "database": harness.vendor(),
            "ours_queries": ours_queries,
            "peer_queries": peer_queries,
        },
    }


def main() -> None:
    args = harness.arguments("approve_funding vs a cookbook viewflow View task", n=100)
    os.environ["PILOT06_BENCH_TASKS"] = (
        "database"  # e-mails queued as deployed, as in ``transition``
    )
    harness.boot(args.db)
    harness.emit(measure(args.n))


if __name__ == "__main__":
    main()
