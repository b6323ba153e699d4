"""What every figure's child process shares: boot Django on one database, time, report.

A child is started as ``python -m bench.run_<figure> --db URL``.  It must set
``DATABASE_URL`` before Django reads its settings, which is why booting is a
function called first thing in ``main`` and no module here imports a model
at import time.  The child's last stdout line is its JSON result.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

RESULT_MARK = "BENCH-RESULT "
URLCONF_ERROR: str | None = None  # set by boot() when the project's URLs cannot be loaded

# Statements that only delimit transactions.  SQLite shows BEGIN and COMMIT
# as captured queries while PostgreSQL does not, so they are left out of
# ``queries_per_action`` to keep the two backends comparable.
_TX_CONTROL = (
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
)


def arguments(description: str, **extra: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", required=True, help="DATABASE_URL of a fresh, migrated database")
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    return parser.parse_args()


def production_environment() -> dict[str, str]:
    """DEBUG off, as deployed: no query log, no template debug, no debug pages.

    The key only has to satisfy the settings' check for a throwaway run;
    TLS redirection is off because every request stays on 127.0.0.1.
    """
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # One bench client sends far more actions a minute than a person; the per-person limit is not measured here.
        "PILOT06_ACTION_RATE": "off",
    }


def boot(db_url: str) -> None:
    """Point Django at ``db_url`` and set it up; call before importing any model."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if "PILOT06_PRIVATE_STORAGE" not in os.environ:
        # Evidence and rendered reports of a run never land in the project's own folder.
        private = tempfile.mkdtemp(prefix="pilot06-bench-private-")
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        os.environ["PILOT06_PRIVATE_STORAGE"] = private
    for name, value in production_environment().items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    global URLCONF_ERROR
    from django.urls import get_resolver

    try:
        # viewflow's node.reverse() needs the URLconf loaded once.
        get_resolver().url_patterns  # noqa: B018
    except Exception as error:  # a half-built app elsewhere must not sink figures that need no URL
        URLCONF_ERROR = f"the URLconf does not load: {type(error).__name__}: {error}"
        note(URLCONF_ERROR)


def emit(result: Any) -> None:
    """Print the child's result as the last stdout line, for the parent to read."""
    sys.stdout.flush()
    print(RESULT_MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def note(message: str) -> None:
    """Progress for the person watching; stderr, so stdout stays the result channel."""
    print(f"  · {message}", file=sys.stderr, flush=True)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def data_queries(captured: Iterable[dict[str, Any]]) -> int:
    """Statements that read or write data: transaction control is not counted."""
    return sum(1 for q in captured if not q["sql"].lstrip().upper().startswith(_TX_CONTROL))


class QueryCounter:
    """Counts data queries as they run; unlike the debug query log it has no cap.

    A page that issues a query per row runs tens of thousands of them at
    100,000 models, past the 9,000 entries ``connection.queries`` keeps.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not sql.lstrip().upper().startswith(_TX_CONTROL):
            self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the value below which ``pct`` % of the samples fall."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def clock() -> float:
    return time.perf_counter()


def timed_runs(fn: Callable[[], Any], *, runs: int, budget_s: float = 20.0) -> list[float]:
    """Time ``fn`` up to ``runs`` times, stopping early once ``budget_s`` is spent.

    A page that takes seconds at 100,000 models is measured fewer times
    rather than letting one figure eat the whole run's time.
    """
    times: list[float] = []
    spent = 0.0
    for _ in range(runs):
        start = clock()
        fn()
        elapsed = clock() - start
        times.append(elapsed)
        spent += elapsed
        if spent > budget_s:
            break
    return times


def round_to(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
