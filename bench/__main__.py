"""``python -m bench``: run every figure, print the table, write ``bench/results.json``.

Each figure runs in its own process on its own fresh database (Django
settings are per process), one after the other so they never share the two
cores.  SQLite databases are temporary files; PostgreSQL ones are created on
the server named by ``DATABASE_URL`` (``make bench`` starts a throwaway one)
and dropped afterwards.  Without PostgreSQL the figures that can run on
SQLite do, and the PostgreSQL ones are null with the reason.

A figure that cannot be measured yet (a page or the API still being built)
is null in ``results.json``, and the table says why; the next run picks it
up without any change here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import children, machine, table
from bench.databases import PostgresDatabases, SQLiteFiles
from bench.harness import production_environment

RESULTS = Path(__file__).resolve().parent / "results.json"

# (key, module, backend preference, timeout in seconds, extra arguments)
FIGURES: list[tuple[str, str, str, int, list[str]]] = [
    ("transition.sqlite", "bench.run_transition", "sqlite", 600, []),
    ("transition.postgres", "bench.run_transition", "postgres", 600, []),
    ("transition.sqlite_100000", "bench.run_transition", "sqlite", 2400, ["--models", "100000"]),
    (
        "transition.postgres_100000",
        "bench.run_transition",
        "postgres",
        2400,
        ["--models", "100000"],
    ),
    ("peer_viewflow", "bench.run_peer", "postgres-or-sqlite", 600, []),
    ("audit_verify", "bench.run_audit", "postgres-or-sqlite", 600, []),
    ("http_transition", "bench.run_http", "postgres", 600, []),
    ("pages", "bench.run_pages", "postgres-or-sqlite", 900, []),
    ("report_pdf", "bench.run_report", "postgres-or-sqlite", 900, []),
]
QUICK_ARGS = {
    "bench.run_transition": ["--n", "30"],
    "bench.run_peer": ["--n", "20"],
    "bench.run_audit": ["--entries", "10000"],
    "bench.run_http": ["--per-client", "5"],
    "bench.run_pages": ["--sizes", "38,500"],
    "bench.run_report": ["--sizes", "38"],
}
# A quick run grows the "100,000-model" figures only this far.
QUICK_ARGS_BY_KEY = {
    "transition.sqlite_100000": ["--models", "2500"],
    "transition.postgres_100000": ["--models", "2500"],
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", default="", help="comma-separated figure keys, e.g. pages,audit_verify"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, a smoke run; writes no results.json"
    )
    return parser.parse_args()


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


def main() -> int:
    args = _arguments()
    only = {key.strip() for key in args.only.split(",") if key.strip()}
    started = time.perf_counter()
    load_start = machine.load_average()
    pg_url = os.environ.get("DATABASE_URL", "")
    have_pg = pg_url.startswith(("postgres://", "postgresql://"))

    outcomes: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="pilot06-bench-") as tmp:
        env = {
            **os.environ,
            **production_environment(),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PILOT06_PRIVATE_STORAGE": str(Path(tmp) / "private"),
        }
        sqlite = SQLiteFiles(Path(tmp))
        postgres = PostgresDatabases(pg_url) if have_pg else None
        pg_version = postgres.server_version() if postgres else None
        fsync = machine.fsync_ms(tmp)
        backends: dict[str, Any] = {}
        try:
            for name, backend in (("sqlite", sqlite), ("postgres", postgres)):
                if backend is None:
                    continue
                print(
                    f"== preparing the {name} template (migrate, people)",
                    file=sys.stderr,
                    flush=True,
                )
                prepared = children.run(
                    "bench.prepare", ["--db", backend.template_url()], env=env, timeout_s=600
                )
                if prepared.error:
                    reasons[f"template.{name}"] = prepared.error
                    print(f"   {name} template failed: {prepared.error}", file=sys.stderr)
                    continue
                backends[name] = backend

            for key, module, wants, timeout, extra in FIGURES:
                if only and key not in only and key.split(".")[0] not in only:
                    continue
                name = (
                    wants
                    if wants in ("sqlite", "postgres")
                    else ("postgres" if "postgres" in backends else "sqlite")
                )
                backend = backends.get(name)
                if backend is None:
                    reasons[key] = (
                        "needs PostgreSQL (run through `make bench`, which starts one)"
                        if name == "postgres" and not have_pg
                        else f"the {name} template database could not be prepared: {reasons.get('template.' + name)}"
                    )
                    continue
                db = backend.fresh(key.replace(".", "_"))
                more = (
                    [*QUICK_ARGS.get(module, []), *QUICK_ARGS_BY_KEY.get(key, [])]
                    if args.quick
                    else []
                )
                print(f"== {key} on {name}", file=sys.stderr, flush=True)
                outcome = children.run(
                    module, ["--db", db, *extra, *more], env=env, timeout_s=timeout
                )
                print(f"   {key}: {outcome.seconds:.0f} s", file=sys.stderr, flush=True)
                if outcome.error:
                    reasons[key] = outcome.error
                    continue
                outcomes[key] = outcome.result
                if outcome.result.get("figure") is None:
                    reasons[key] = outcome.result.get("reason", "no figure")
        finally:
            if postgres is not None:
                postgres.cleanup()

    results, extras = _assemble(outcomes, pg_version)
    context = {
        "load_start": load_start,
        "load_end": machine.load_average(),
        "fsync_ms": fsync,
        "took": _duration(time.perf_counter() - started),
    }
    print()
    print(table.render(results, extras, reasons, context))
    if args.quick or only:
        print("\n(a partial run: bench/results.json left as it was)")
    else:
        RESULTS.write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(
            f"\nwrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}"
        )
    return 0


def _assemble(
    outcomes: dict[str, Any], pg_version: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """results.json's exact shape (nulls where a figure is missing), and the details beside it."""

    def figure(key: str) -> Any:
        outcome = outcomes.get(key)
        return outcome.get("figure") if outcome else None

    transition: dict[str, Any] = {}
    for backend in ("sqlite", "postgres"):
        small, big = figure(f"transition.{backend}"), figure(f"transition.{backend}_100000")
        if big is not None and small is not None:
            # Time per action at 100,000 models ÷ time per action on the small database.
            big = {**big, "scale_ratio": round(small["ours_per_s"] / big["ours_per_s"], 2)}
        transition[backend], transition[f"{backend}_100000"] = small, big
    results: dict[str, Any] = {
        "machine": machine.describe(pg_version),
        "transition": transition,
        "http_transition": figure("http_transition"),
        "pages": figure("pages"),
        "report_pdf": figure("report_pdf"),
        "audit_verify": figure("audit_verify"),
        "peer_viewflow": figure("peer_viewflow"),
    }
    extras = {key: (outcome or {}).get("extra") for key, outcome in outcomes.items()}
    return results, extras


if __name__ == "__main__":
    sys.exit(main())
