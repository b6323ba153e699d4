"""Figure ``report_pdf``: the progress report at 38 and 2,500 models vs WeasyPrint alone.

The data is written in bulk (``bench.dataset``); each rendering then runs
in a process of its own (``bench.render_report``) so its peak memory is its
own.  Ours is the whole request: selecting, the Nghị định 30 template and
the layout.  The floor lays out only a bare table of the same cells, so the
ratio is what the document's selectors, layout and fonts cost beyond the
table itself.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench import harness

SIZES = (38, 2_500)


def render(
    mode: str, db: str, html: Path, runs: int
) -> tuple[dict[str, Any] | None, float, str | None]:
    from bench import children

    outcome = children.run(
        "bench.render_report",
        [mode, "--db", db, "--html", str(html), "--runs", str(runs)],
        env=dict(os.environ),
        timeout_s=600,
    )
    result = outcome.result
    if outcome.error or result is None:
        return None, outcome.peak_rss_mib, outcome.error or "no result"
    if "error" in result:
        return None, outcome.peak_rss_mib, result["error"]
    return result, outcome.peak_rss_mib, None


def measure(db: str, sizes: tuple[int, ...]) -> dict[str, Any]:
    from django.db import connection

    from bench import dataset

    figure: dict[str, Any] = {}
    extra: dict[str, Any] = {"database": harness.vendor()}
    with tempfile.TemporaryDirectory(prefix="pilot06-bench-report-") as tmp:
        for size in sizes:
            dataset.grow_to(size)
            connection.close()  # the renderer opens its own
            html = Path(tmp) / f"progress-{size}.html"
            runs = 3 if size < 1000 else 1
            ours, ours_rss, error = render("ours", db, html, runs)
            if ours is None:
                return {"figure": None, "reason": f"at {size} models: {error}"}
            floor, floor_rss, error = render("floor", db, html, runs)
            if floor is None:
                return {"figure": None, "reason": f"floor at {size} models: {error}"}
            harness.note(
                f"report_pdf/{size}: ours {ours['s']:.2f} s ({ours_rss:.0f} MiB), "
                f"floor {floor['s']:.2f} s ({floor_rss:.0f} MiB) for {floor['rows']} rows × {floor['columns']} cells"
            )
            figure[str(size)] = {
                "s": round(ours["s"], 3),
                "floor_s": round(floor["s"], 3),
                "ratio": round(ours["s"] / floor["s"], 2),
                "peak_rss_mib": round(ours_rss, 1),
            }
            extra[str(size)] = {
                "floor_peak_rss_mib": round(floor_rss, 1),
                "table_rows": floor["rows"],
                "table_cells_per_row": floor["columns"],
                "pdf_bytes": ours["bytes"],
            }
    return {"figure": figure, "extra": extra}


def main() -> None:
    args = harness.arguments("the progress report PDF vs a bare WeasyPrint table", sizes="38,2500")
    harness.boot(args.db)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    if harness.URLCONF_ERROR:
        harness.emit({"figure": None, "reason": harness.URLCONF_ERROR})
        return
    from django.urls import Resolver404, resolve

    try:
        resolve("/reports/progress.pdf")
    except Resolver404:
        harness.emit(
            {"figure": None, "reason": "/reports/progress.pdf is not routed yet (reports/)"}
        )
        return
    harness.emit(measure(args.db, sizes))


if __name__ == "__main__":
    main()
