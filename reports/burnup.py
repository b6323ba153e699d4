"""Geometry of the monthly burn-up chart, drawn on the server as inline SVG.

One column per month end: completed at the bottom, in progress above it,
not started on top, so the column's height is every model registered and
not cancelled, and the green part climbs towards it.  The province's target
(``ProvinceProfile.target_completed`` by ``target_date``) is a dashed line
from nothing at the first month to the target at its month.  Numbers are
text, so the chart reads without scripts, in a screen reader and on paper.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from .charts import PALETTE

LAYERS = ("completed", "in_progress", "not_started")


def _step(top: int) -> int:
    """A round gridline step giving four or five lines up to ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 5:
            return step
    return 10 ** math.ceil(math.log10(max(top, 1)))


def burnup(
    points: Sequence[dict[str, Any]],
    *,
    target: int | None = None,
    target_date: dt.date | None = None,
    labels: dict[str, str],
    width: int = 640,
    height: int = 260,
) -> dict[str, Any]:
    """``points``: ``{"date", "buckets": {completed, in_progress, not_started}}`` per month end."""
    left, right, top_pad, bottom = 40, 12, 16, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    totals = [sum(p["buckets"][k] for k in LAYERS) for p in points]
    top = max([*totals, target or 0, 1])
    step = _step(top)
    top = step * math.ceil(top / step)
    scale = plot_h / top
    slot = plot_w / max(len(points), 1)
    bar = min(slot * 0.62, 56)
    columns = []
    for index, (point, total) in enumerate(zip(points, totals, strict=True)):
        x = left + slot * index + (slot - bar) / 2
        y = top_pad + plot_h
        parts = []
        for layer in LAYERS:
            value = point["buckets"][layer]
            h = value * scale
            y -= h
            parts.append(
                {
                    "layer": layer,
                    "label": labels[layer],
                    "value": value,
                    "y": round(y, 1),
                    "height": round(h, 1),
                    "fill": PALETTE[layer],
                    "show_text": h >= 15,
                    "text_y": round(y + h / 2 + 4.5, 1),
                }
            )
        day: dt.date = point["date"]
        columns.append(
            {
                "x": round(x, 1),
                "width": round(bar, 1),
                "center": round(x + bar / 2, 1),
                "parts": parts,
                "total": total,
                "total_y": round(top_pad + plot_h - total * scale - 4, 1),
                "label": f"{day.month:02d}/{day.year}",
                "date": day,
            }
        )
    grid = [
        {"value": v, "y": round(top_pad + plot_h - v * scale, 1)} for v in range(0, top + 1, step)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "base_y": top_pad + plot_h,
        "label_y": top_pad + plot_h + 20,
        "columns": columns,
        "grid": grid,
        "target": _target_line(columns, target, target_date, scale, top_pad + plot_h, slot),
    }


def _target_line(
    columns: list[dict[str, Any]],
    target: int | None,
    when: dt.date | None,
    scale: float,
    base: float,
    slot: float,
) -> dict[str, Any] | None:
    if not target or not columns:
        return None
    y = round(base - target * scale, 1)
    first: dt.date = columns[0]["date"]
    x0 = columns[0]["center"]
    if when is None:
        return {
            "x1": x0,
            "y1": y,
            "x2": columns[-1]["center"],
            "y2": y,
            "value": target,
            "when": None,
        }
    months = (when.year - first.year) * 12 + when.month - first.month
    x2, y2 = x0 + months * slot, y
    edge = columns[-1]["center"] + slot / 2
    if x2 > edge:  # the target lies beyond the last month: stop the line at the chart's edge
        y2 = base - (base - y) * (edge - x0) / (x2 - x0)
        x2 = edge
    return {
        "x1": x0,
        "y1": round(base, 1),
        "x2": round(x2, 1),
        "y2": round(y2, 1),
        "value": target,
        "when": when,
    }
