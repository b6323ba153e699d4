"""One rendering process for ``report_pdf``: ours through the URL, or the floor.

It runs alone so its peak memory can be read by the parent (``os.wait4``
gives the peak of this process and of the forked layout child it waited
for).  Two modes:

* ``ours``: ``GET /reports/progress.pdf`` as police through the test client,
  with the report cache emptied before each run so every run renders.  The
  first run also records the HTML handed to WeasyPrint, from which the floor
  takes its rows and columns.
* ``floor``: WeasyPrint alone on a minimal HTML table holding the same cell
  text, in the same fonts, with no layout beyond the table.
"""

from __future__ import annotations

import argparse
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bench import harness

REPORT_PATH = "/reports/progress.pdf"


class _Tables(HTMLParser):
    """The text of every table cell, row by row, from the report's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def floor_html(report_html: str) -> tuple[str, int, int]:
    """A bare table with the report's table cells; returns (html, rows, widest row)."""
    from html import escape

    parser = _Tables()
    parser.feed(report_html)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in parser.rows
    )
    html = (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm 15mm 20mm 30mm }"
        "body { font-family: 'Liberation Serif', 'DejaVu Serif', serif; font-size: 11pt }"
        "table { border-collapse: collapse; width: 100% } td { border: 0.5pt solid #000; padding: 2pt }"
        f"</style></head><body><table>{body}</table></body></html>"
    )
    return html, len(parser.rows), max((len(r) for r in parser.rows), default=0)


def run_floor(html_in: Path, runs: int) -> dict[str, Any]:
    from weasyprint import HTML

    html, rows, columns = floor_html(html_in.read_text(encoding="utf-8"))
    # Fonts and first-use setup are not the figure: a one-cell table warms them.
    HTML(string=floor_html("<table><tr><td>Mô hình</td></tr></table>")[0]).write_pdf()
    times = []
    for _ in range(runs):
        start = harness.clock()
        pdf = HTML(string=html).write_pdf()
        times.append(harness.clock() - start)
    assert pdf is not None and pdf.startswith(b"%PDF")
    return {
        "s": harness.median(times),
        "rows": rows,
        "columns": columns,
        "pages": pdf.count(b"/Type /Page\n"),
    }


def _capture_html_into(path: Path) -> None:
    """Record the HTML WeasyPrint is given (in whichever process lays it out)."""
    import weasyprint

    original = weasyprint.HTML

    class Recording(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if isinstance(kwargs.get("string"), str):
                path.write_text(kwargs["string"], encoding="utf-8")
            super().__init__(*args, **kwargs)

    weasyprint.HTML = Recording
    _use_html_class(Recording)


def _use_html_class(cls: Any) -> None:
    """The renderer bound ``HTML`` when it was imported (the URLconf imports it at boot)."""
    import sys

    module = sys.modules.get("reports.pdf")
    if module is not None:
        module.HTML = cls  # type: ignore[attr-defined]


def _forget_rendered_reports() -> None:
    """Empty the report cache, so the next request renders instead of serving a file."""
    from django.apps import apps

    try:
        model = apps.get_model("reports", "ReportFile")
    except LookupError:
        return
    model.objects.all().delete()


def run_ours(db: str, html_out: Path, runs: int) -> dict[str, Any]:
    # Render inside the request however large the report: the figure is the
    # rendering, not the 202 page that would point to a background job.
    os.environ["PILOT06_REPORT_SYNC_MAX_ROWS"] = str(10**9)
    harness.boot(db)
    from django.test import Client

    from bench.people import ensure_people

    if harness.URLCONF_ERROR:
        return {"error": harness.URLCONF_ERROR}
    client = Client()
    client.force_login(ensure_people()["police"])

    _capture_html_into(html_out)
    import weasyprint

    recording = weasyprint.HTML
    _forget_rendered_reports()
    start = harness.clock()
    first = client.get(REPORT_PATH)
    times = [harness.clock() - start]
    if first.status_code != 200 or not first.content.startswith(b"%PDF"):
        return {"error": f"{REPORT_PATH} answered {first.status_code} {first.get('Content-Type')}"}
    if not html_out.exists():
        return {"error": "the report's HTML could not be recorded for the floor"}
    weasyprint.HTML = recording.__mro__[1]  # later runs use WeasyPrint untouched
    _use_html_class(weasyprint.HTML)
    if runs == 1:
        # A large report takes long enough that first-use costs are noise, and
        # a second render would double the figure's share of the run.
        return {"s": times[0], "bytes": len(first.content)}

    times = []
    for _ in range(runs):
        _forget_rendered_reports()
        start = harness.clock()
        response = client.get(REPORT_PATH)
        times.append(harness.clock() - start)
        assert response.status_code == 200, response.status_code
    return {"s": harness.median(times), "bytes": len(first.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description="render the progress report, or its floor")
    parser.add_argument("mode", choices=["ours", "floor"])
    parser.add_argument("--db", default="")
    parser.add_argument("--html", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.mode == "ours":
        harness.emit(run_ours(args.db, args.html, args.runs))
    else:
        harness.emit(run_floor(args.html, args.runs))


if __name__ == "__main__":
    main()
