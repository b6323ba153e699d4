"""What the figures ran on: CPU, cores, versions, and two things that move them.

The load average says whether something else shared the CPUs; the cost of
one fsync says how expensive a durable commit is on this disk, which sets
the floor of every write figure (a virtual disk with a write cache makes
the floor tiny and every ratio large).
"""

from __future__ import annotations

import os
import platform
import sqlite3
import tempfile
import time
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def describe(postgres_version: str | None) -> str:
    import django

    parts = [
        cpu_model(),
        f"{os.cpu_count()} cores",
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"SQLite {sqlite3.sqlite_version}",
        f"PostgreSQL {postgres_version}" if postgres_version else "no PostgreSQL",
    ]
    return ", ".join(parts)


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def fsync_ms(folder: str | None = None, rounds: int = 50) -> float:
    """Median time of writing 4 KiB and fsync-ing it, where the databases live."""
    times = []
    with tempfile.NamedTemporaryFile(dir=folder) as handle:
        for _ in range(rounds):
            start = time.perf_counter()
            handle.write(b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
            times.append(time.perf_counter() - start)
    times.sort()
    return round(1000 * times[len(times) // 2], 3)
