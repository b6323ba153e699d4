"""Chart geometry for server-rendered inline SVG.

The dashboard draws its pictures on the server: no JavaScript, no assets
from the internet, and every bar carries its number as text, so the figures
read the same with scripts off, in a screen reader (``<title>``) or on paper.
Colours are SVG attributes, not inline styles, so a strict CSP allows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PALETTE = {
    "completed": "#1f7a3f",
    "in_progress": "#1f5fae",
    "not_started": "#a86400",
    "cancelled": "#8a8f98",
    "overdue": "#a31515",
    "neutral": "#5b6472",
    "max": "#c9ced6",
}


def hbars(
    rows: Sequence[tuple[str, float, str]],
    *,
    fill: str = PALETTE["neutral"],
    fills: Sequence[str] | None = None,
    label_width: int = 215,
    bar_width: int = 260,
    row_height: int = 28,
    marks: Sequence[float | None] | None = None,
) -> dict[str, Any]:
    """Horizontal bars: ``rows`` are (label, value, text shown at the bar's end).

    ``marks`` (optional) draw a thin line per row, e.g. the maximum beside a median.
    """
    top = max([value for _, value, _ in rows] + [m or 0 for m in (marks or [])] + [0])
    scale = bar_width / top if top else 0.0
    bars = []
    for index, (label, value, text) in enumerate(rows):
        mark = (marks or [None] * len(rows))[index]
        bars.append(
            {
                "label": label,
                "text": text,
                "y": index * row_height,
                "text_y": index * row_height + row_height * 0.62,
                "width": round(max(value * scale, 1.5 if value else 0), 1),
                "fill": (fills[index] if fills else fill),
                "mark_x": round(label_width + mark * scale, 1) if mark is not None else None,
                # The number goes after the bar and after the mark, so they never overlap.
                "end_x": round(label_width + max(value, mark or 0) * scale + 6, 1),
                "bar_height": row_height - 8,
            }
        )
    return {
        "label_width": label_width,
        "width": label_width + bar_width + 80,
        "height": max(len(rows), 1) * row_height,
        "bars": bars,
    }


def stacked(
    parts: Sequence[tuple[str, int, str]], *, width: int = 640, height: int = 34
) -> dict[str, Any]:
    """One bar split into ``parts`` (label, count, colour), e.g. the three buckets."""
    total = sum(count for _, count, _ in parts)
    percents = _whole_percents([count for _, count, _ in parts])
    x = 0.0
    segments = []
    for (label, count, colour), percent in zip(parts, percents, strict=True):
        share = width * count / total if total else 0.0
        segments.append(
            {
                "label": label,
                "count": count,
                "x": round(x, 1),
                "width": round(share, 1),
                "fill": colour,
                "text_x": round(x + share / 2, 1),
                "percent": percent,
                "show_text": share >= 42,
            }
        )
        x += share
    return {"width": width, "height": height, "segments": segments, "total": total}


def _whole_percents(counts: Sequence[int]) -> list[int]:
    """Whole percentages that add up to 100 (largest remainder), so 6/20/12 reads 16/53/31."""
    total = sum(counts)
    if not total:
        return [0 for _ in counts]
    exact = [100 * c / total for c in counts]
    floors = [int(e) for e in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[: 100 - sum(floors)]:
        floors[i] += 1
    return floors
