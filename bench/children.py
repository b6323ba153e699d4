"""Starting a figure's process and reading its answer, its exit and its peak memory.

``os.wait4`` rather than ``Popen.wait``: it also returns the child's
resource usage, whose ``ru_maxrss`` is the peak resident memory of the child
and of every descendant it waited for (WeasyPrint lays out in a forked
grandchild).  Each child leads its own process group, so a timeout ends it
and anything it started (gunicorn's workers), and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import RESULT_MARK

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    result: Any
    error: str | None
    seconds: float
    peak_rss_mib: float


def run(module: str, args: list[str], *, env: dict[str, str], timeout_s: float) -> Outcome:
    """Run ``python -m module args…`` and return its JSON result (the last marked line)."""
    import time

    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=PROJECT_ROOT,
        start_new_session=True,
    )
    last_lines: list[str] = []

    def relay() -> None:
        # Progress notes go on to the person watching; the last lines explain a failure.
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", errors="replace")
            sys.stderr.write(line)
            last_lines[:] = [*last_lines[-4:], line.strip()]

    relay_thread = threading.Thread(target=relay, daemon=True)
    relay_thread.start()
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout_s, stop)
    timer.start()
    try:
        assert process.stdout is not None
        output = process.stdout.read().decode("utf-8", errors="replace")
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        stop()
        raise
    finally:
        timer.cancel()
    relay_thread.join(timeout=5)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if timed_out.is_set():
        return Outcome(None, f"timed out after {timeout_s:.0f} s", seconds, peak)
    marked = [
        line[len(RESULT_MARK) :] for line in output.splitlines() if line.startswith(RESULT_MARK)
    ]
    if process.returncode != 0 or not marked:
        why = next((line for line in reversed(last_lines) if line), "")
        return Outcome(None, f"exit {process.returncode}: {why}"[:400], seconds, peak)
    return Outcome(json.loads(marked[-1]), None, seconds, peak)
