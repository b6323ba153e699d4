"""The printed table: every figure, its target, and what a missing figure is missing.

Ratios are ours ÷ floor measured in time, so lower is better and 1.0 means
no overhead at all beyond the unavoidable work.
"""

from __future__ import annotations

from typing import Any

TARGETS = {
    # The first round's targets against the bare floor, printed for comparison.
    "transition_ratio": {"sqlite": 6.0, "postgres": 4.0},
    "transition_minimal_ratio": {"sqlite": 4.0, "postgres": 3.0},
    "transition_queries": 12,
    "transition_scale_ratio": 1.2,
    "page_queries": 12,
    "dashboard_ratio": 3.0,
    "dashboard_cold_ratio": 5.0,
    "inbox_scale_ratio": 3.0,
    "report_ratio_38": 1.3,
    "report_peak_mib_2500": 500.0,
    "audit_ratio": 1.5,
}


# A table of at most this many rows (agencies, roles, the chain head) is
# read whole by the planner whatever its indexes: not a scan that grows.
SMALL_TABLE_ROWS = 1000


def _rows_of(scan: str) -> int | None:
    """The row count in ``"table (1,234 rows): SQL"``."""
    try:
        return int(scan.split("(", 1)[1].split(" rows", 1)[0].replace(",", ""))
    except (IndexError, ValueError):
        return None


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("  ok" if ok else "  NOT MET")


def _flat_within_target(counts: list[int]) -> bool:
    """A page's query counts: the same at every size, and within the target."""
    return bool(counts) and len(set(counts)) == 1 and max(counts) <= TARGETS["page_queries"]


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def render(
    results: dict[str, Any],
    extras: dict[str, Any],
    reasons: dict[str, str],
    context: dict[str, Any],
) -> str:
    out: list[str] = []
    add = out.append
    add(f"pilot06 bench: {results['machine']}")
    add(
        f"load average at start {context.get('load_start')}, at end {context.get('load_end')}; "
        f"fsync of 4 KiB {context.get('fsync_ms')} ms; run took {context.get('took')}"
    )
    add("ratios are ours ÷ floor in time (lower is better)")
    add("")

    add(
        "transition: approve_funding through the service vs the minimal floor (its own statements by hand in SQL)"
    )
    add(
        "  and vs the bare floor (one UPDATE + one INSERT per transaction; the first round's ratio, for comparison)"
    )
    add(
        f"  {'database':<10} {'ours/s':>8} {'minimal/s':>10} {'ratio':>7} {'target':>7} {'bare/s':>9} {'ratio':>7} "
        f"{'queries':>8} {'target':>7}"
    )
    transition = results.get("transition") or {}
    for backend in ("sqlite", "postgres"):
        row = transition.get(backend)
        if row is None:
            add(f"  {backend:<10} — {reasons.get(f'transition.{backend}', 'not measured')}")
            continue
        target = TARGETS["transition_minimal_ratio"][backend]
        queries_target = TARGETS["transition_queries"]
        extra = extras.get(f"transition.{backend}") or {}
        minimal = row.get("minimal_ratio")
        met = (
            minimal is not None
            and minimal <= target
            and row["queries_per_action"] <= queries_target
        )
        add(
            f"  {backend:<10} {_num(row['ours_per_s']):>8} {_num(row.get('minimal_floor_per_s')):>10} "
            f"{_num(minimal, 2):>7} {'≤ ' + str(target):>7} {_num(row['floor_per_s']):>9} {_num(row['ratio'], 2):>7} "
            f"{row['queries_per_action']:>8} {'≤ ' + str(queries_target):>7}{_mark(met)}"
        )
        if extra:
            add(
                f"  {'':<11}{extra.get('ours_ms')} ms vs {extra.get('minimal_floor_ms')} ms (minimal) and "
                f"{extra.get('floor_ms')} ms (bare) per action; "
                f"{extra.get('statements_with_tx_control')} statements with BEGIN/SAVEPOINT/COMMIT"
            )
    breakdown = (extras.get("transition.postgres") or extras.get("transition.sqlite") or {}).get(
        "breakdown"
    )
    if breakdown:
        add(
            "  where one approve_funding's queries go: "
            + ", ".join(f"{k} ×{n}" for k, n in breakdown)
        )
    for backend in ("sqlite", "postgres"):
        big = transition.get(f"{backend}_100000")
        if big is None:
            add(
                f"  {backend} at 100,000 models — {reasons.get(f'transition.{backend}_100000', 'not measured')}"
            )
            continue
        scale = big.get("scale_ratio")
        limit = TARGETS["transition_scale_ratio"]
        add(
            f"  {backend} at {big['models']:,} models: {_num(big['ours_per_s'])}/s, {big['queries_per_action']} queries; "
            f"time ÷ small database {_num(scale, 2)} (target ≤ {limit}){_mark(None if scale is None else scale <= limit)}"
        )
        scans = big.get("sequential_scans") or []
        small = [
            scan
            for scan in scans
            if _rows_of(scan) is not None and _rows_of(scan) <= SMALL_TABLE_ROWS
        ]  # type: ignore[operator]
        large = [scan for scan in scans if scan not in small]
        add(
            f"    sequential scans in EXPLAIN of the action's statements on tables that grow: {len(large) or 'none'}"
        )
        for scan in large:
            add(f"      {scan}")
        if small:
            tables = sorted({scan.split(":", 1)[0] for scan in small})
            add(
                f"    and on small fixed tables, where the planner prefers them to an index: {', '.join(tables)}"
            )
    add("")

    http = results.get("http_transition")
    add("http_transition: POST …/actions/approve_funding/ on gunicorn, PostgreSQL")
    if http is None:
        add(f"  — {reasons.get('http_transition', 'not measured')}")
    else:
        extra = extras.get("http_transition") or {}
        add(
            f"  p50 {http['p50_ms']} ms, p95 {http['p95_ms']} ms, p99 {http['p99_ms']} ms "
            f"({extra.get('requests')} requests, {extra.get('clients')} clients, {extra.get('workers')} workers, "
            f"{extra.get('throughput_per_s')}/s)"
        )
    add("")

    pages = results.get("pages")
    page_extra = extras.get("pages") or {}
    add(
        f"pages: logged-in police, Django test client, {page_extra.get('database', '?')}; ms (queries)"
    )
    if pages is None:
        add(f"  — {reasons.get('pages', 'not measured')}")
    else:
        measured = {
            size
            for by_path in (page_extra.get("paths") or {}).values()
            for r in by_path.values()
            for size in r
        }
        sizes = tuple(sorted(measured, key=int)) or ("38", "2500", "100000")
        add(
            f"  {'page':<12} {'path':<24} "
            + " ".join(f"{int(s):>15,}" for s in sizes)
            + "   queries ≤ 12, same at every size"
        )
        for name in ("dashboard", "model_list", "inbox"):
            paths = (page_extra.get("paths") or {}).get(name, {})
            chosen = (page_extra.get("chosen") or {}).get(name)
            for path, by_size in paths.items():
                cells = []
                for s in sizes:
                    r = by_size.get(s)
                    if r is None:
                        cells.append(f"{'—':>15}")
                    elif r.get("status") != 200:
                        cells.append(f"{'HTTP ' + str(r.get('status')):>15}")
                    else:
                        cells.append(f"{_num(r['ms']) + ' (' + str(r['queries']) + ')':>15}")
                verdict = None
                if path == chosen:
                    verdict = _flat_within_target(
                        [by_size[s]["queries"] for s in sizes if s in by_size]
                    )
                label = name if path == chosen or chosen is None else ""
                add(f"  {label:<12} {path:<24} " + " ".join(cells) + _mark(verdict))
                if any("cold_ms" in (by_size.get(s) or {}) for s in sizes):
                    cold_cells = []
                    for s in sizes:
                        r = by_size.get(s) or {}
                        cold = (
                            f"{_num(r.get('cold_ms'))} ({r.get('cold_queries', '—')})"
                            if "cold_ms" in r
                            else "—"
                        )
                        cold_cells.append(f"{cold:>15}")
                    cold_verdict = None
                    if path == chosen:
                        cold_verdict = _flat_within_target(
                            [
                                int(by_size[s]["cold_queries"])
                                for s in sizes
                                if "cold_queries" in (by_size.get(s) or {})
                            ]
                        )
                    add(
                        f"  {'':<12} {'  cold (after an action)':<24} "
                        + " ".join(cold_cells)
                        + _mark(cold_verdict)
                    )
            if pages.get(name) is None:
                add(f"  {name:<12} — {(page_extra.get('reasons') or {}).get(name, 'not measured')}")
        ratio = pages.get("dashboard_vs_floor_ratio_100000")
        floor_text = (
            f"SELECT state, COUNT(*) … GROUP BY state ({_num(page_extra.get('floor_ms'), 2)} ms)"
        )
        add(
            f"  dashboard warm ÷ {floor_text} at {int(sizes[-1]):,}: {_num(ratio, 1)} "
            f"(target ≤ {TARGETS['dashboard_ratio']}){_mark(None if ratio is None else ratio <= TARGETS['dashboard_ratio'])}"
        )
        cold = pages.get("dashboard_cold_vs_floor_ratio_100000")
        limit = TARGETS["dashboard_cold_ratio"]
        add(
            f"  dashboard cold ÷ the same floor at {int(sizes[-1]):,}: {_num(cold, 1)} (target ≤ {limit})"
            f"{_mark(None if cold is None else cold <= limit)}"
        )
        snapshots = page_extra.get("snapshot_s") or {}
        if snapshots:
            add(
                "  daily snapshots back-filled from the trail (the cron, before the pages): "
                + ", ".join(f"{int(s):,}: {_num(t, 1)} s" for s, t in snapshots.items())
            )
        inbox_ratio = pages.get("inbox_scale_ratio")
        limit = TARGETS["inbox_scale_ratio"]
        add(
            f"  inbox at {int(sizes[-1]):,} ÷ inbox at {int(sizes[0]):,}: {_num(inbox_ratio, 2)} (target ≤ {limit})"
            f"{_mark(None if inbox_ratio is None else inbox_ratio <= limit)}"
        )
    add("")

    report = results.get("report_pdf")
    add("report_pdf: /reports/progress.pdf vs WeasyPrint on a bare table of the same cells")
    if report is None:
        add(f"  — {reasons.get('report_pdf', 'not measured')}")
    else:
        rextra = extras.get("report_pdf") or {}
        for size, row in report.items():
            detail = rextra.get(size) or {}
            checks = []
            if size == "38":
                checks.append(row["ratio"] <= TARGETS["report_ratio_38"])
            if size == "2500":
                checks.append(row["peak_rss_mib"] <= TARGETS["report_peak_mib_2500"])
            add(
                f"  {int(size):>6,} models: {row['s']} s vs {row['floor_s']} s, ratio {row['ratio']}, "
                f"peak {row['peak_rss_mib']} MiB (floor {detail.get('floor_peak_rss_mib')} MiB; "
                f"{detail.get('table_rows')} table rows){_mark(all(checks) if checks else None)}"
            )
        add("  targets: ratio ≤ 1.3 at 38; peak ≤ 500 MiB at 2,500")
    add("")

    audit = results.get("audit_verify")
    add(
        "audit_verify: approvals.audit.verify() vs fetching the same rows (raw cursor) + sha256 over their canonical bytes"
    )
    if audit is None:
        add(f"  — {reasons.get('audit_verify', 'not measured')}")
    else:
        aextra = extras.get("audit_verify") or {}
        add(
            f"  {audit['entries']:,} entries on {aextra.get('database')}: {audit['per_s']:,}/s vs {audit['floor_per_s']:,}/s, "
            f"ratio {audit['ratio']} (target ≤ {TARGETS['audit_ratio']}){_mark(audit['ratio'] <= TARGETS['audit_ratio'])}"
        )
        add(
            f"  {aextra.get('verify_s')} s vs {aextra.get('fetch_s')} s fetch + {aextra.get('hash_s')} s hash; "
            f"against the hash alone (the first round's floor): ratio {audit.get('hash_only_ratio')}"
        )
        add(
            f"  verify_audit --since-anchor, 1,000 entries after a verified anchor: {audit.get('since_anchor_1000_s')} s"
        )
    add("")

    peer = results.get("peer_viewflow")
    add("peer_viewflow: approve_funding vs the same step as a cookbook viewflow View task")
    if peer is None:
        add(f"  — {reasons.get('peer_viewflow', 'not measured')}")
    else:
        pextra = extras.get("peer_viewflow") or {}
        add(
            f"  ours {peer['ours_ms']} ms, peer {peer['peer_ms']} ms per approve (median), ratio {peer['ratio']}; "
            f"queries {pextra.get('ours_queries')} vs {pextra.get('peer_queries')}"
        )
    return "\n".join(out)
