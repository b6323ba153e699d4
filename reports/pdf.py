"""PDF documents with WeasyPrint, one convention for all: ``render_pdf(name, context) -> bytes``.

* The HTML comes from ``templates/reports/<name>.html`` with Django's
  autoescape on, so user text (a title, a comment) is text, never markup.
* WeasyPrint gets a URL fetcher that serves only the project's own static
  files and refuses everything else: no ``file://``, no network, no data
  URLs.  A title that smuggles ``<link href="file:///etc/passwd">`` fetches
  nothing, and could not anyway, because it is escaped first.
* Layout can be slow on a pathological input, so the layout runs in a
  forked child with a time limit and an address-space cap; the request or
  the worker gets an error instead of hanging or swelling.  The parent lays
  out one small page first (``warm_renderer``), so each child starts with
  the fonts already loaded.
"""

from __future__ import annotations

import gc
import mimetypes
import multiprocessing
import os
import resource
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint resolves relative URLs against this; the host is reserved
# (RFC 2606), so nothing could be fetched from it even by mistake.
BASE_URL = "https://pilot06.invalid/"


class RenderError(RuntimeError):
    """The document could not be rendered (too slow, too large, or broken)."""


class RefusedURL(ValueError):
    """The fetcher serves the project's static files and nothing else."""


def static_path(url: str) -> str | None:
    """The file behind ``url`` when it names one of the project's static files, else None."""
    static = urlsplit(settings.STATIC_URL).path.strip("/")
    prefix = f"{BASE_URL}{static}/" if static else BASE_URL
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url[len(prefix) :]).path)
    parts = relative.split("/")
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or any(p in ("", ".", "..") for p in parts)
    ):
        return None
    found = finders.find(relative) or _collected(relative)
    return str(found) if isinstance(found, str | os.PathLike) else None


def _collected(relative: str) -> Path | None:
    """A file ``collectstatic`` wrote.

    With DEBUG off, ``{% static %}`` names the hashed copy (``document.47794ac5650b.css``),
    which exists only under STATIC_ROOT, not in the folders the finders search.
    """
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    return candidate if candidate.is_file() and candidate.is_relative_to(root) else None


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``{% static %}`` files to WeasyPrint; refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = static_path(url)
        if path is None:
            raise RefusedURL(f"refused: {url[:200]}")
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": mime})


def _fetcher() -> Any:
    return StaticOnlyFetcher()


def layout(html: str) -> bytes:
    """Lay out ``html`` in this process (the child does this; tests may too)."""
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
        font_config=_fonts()
    )
    if pdf is None:  # pragma: no cover - only when a target is given
        raise RenderError("WeasyPrint returned nothing")
    return bytes(pdf)


def _cap_memory(megabytes: int) -> None:
    """Cap the child's address space at what it has now plus ``megabytes``."""
    try:
        with open("/proc/self/statm") as statm:  # Linux; elsewhere the time limit alone applies
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = current + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _child(html: str, conn: Connection, megabytes: int) -> None:
    # The child lays out one document and exits, under its memory cap, so it
    # runs without the cyclic collector: each full collection walked the
    # layout's objects and the server's inherited heap (about 200,000
    # objects).  Measured: the 38-model report's layout in the child took
    # 1.0-1.2 s with the collector, 0.7-0.97 s without; the 2,500-model
    # report's peak went from 561-563 to 572 MiB.
    gc.freeze()
    gc.disable()
    try:
        _cap_memory(megabytes)
        conn.send_bytes(b"\x00" + layout(html))
    except (MemoryError, SystemError):
        # Past the address-space cap CPython raises MemoryError, or SystemError
        # when an allocation fails inside a C extension (HarfBuzz, Pango).
        limit = f"the document needs more memory than PILOT06_PDF_MEMORY_MB ({megabytes} MB) allows"
        conn.send_bytes(b"\x01" + limit.encode())
    except BaseException as error:  # report everything else as it is
        conn.send_bytes(b"\x01" + f"{type(error).__name__}: {error}"[:500].encode())
    finally:
        conn.close()


# A page in the documents' stylesheet and fonts: regular, bold and italic,
# Vietnamese, in a table, so laying it out loads everything a report uses.
_WARM_HTML = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<link rel="stylesheet" href="{css}"></head><body><p class="date-line">Nghệ An, ngày 01 tháng 01 năm 2026</p>'
    '<h2>I. KẾT QUẢ CHUNG</h2><table class="data"><thead><tr><th>Số</th><th>Tên mô hình</th></tr></thead>'
    "<tbody><tr><td>1</td><td>Khám chữa bệnh bằng CCCD gắn chip</td></tr></tbody></table></body></html>"
)
_warm = False
_font_config: FontConfiguration | None = None


def _fonts() -> FontConfiguration:
    """One font configuration per process, kept: its loaded faces serve every document.

    Made by ``warm_renderer`` in the parent, a forked child uses the same one
    instead of loading the fonts a second time beside the inherited ones.
    """
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def warm_renderer() -> None:
    """Lay out one small page in this process, once, before the first fork.

    The fonts (fontconfig, FreeType faces, HarfBuzz caches) and WeasyPrint's
    own stylesheets then sit in this process's memory, and every forked
    child inherits them warm instead of loading them again for each
    document.  The child keeps its time limit and its memory cap.
    """
    global _warm
    if not _warm:
        _warm = True
        layout(_WARM_HTML.format(css=static("reports/document.css")))


def html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Lay out ``html`` in a forked child with a time limit; inline where fork is unavailable."""
    timeout = float(timeout if timeout is not None else settings.PILOT06_PDF_TIMEOUT_SECONDS)
    if not settings.PILOT06_PDF_ISOLATE or "fork" not in multiprocessing.get_all_start_methods():
        return layout(html)
    warm_renderer()
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(html, writer, int(settings.PILOT06_PDF_MEMORY_MB)))
    child.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise RenderError(f"the document took longer than {timeout:.0f} s to lay out")
        message = reader.recv_bytes()
    except EOFError:
        raise RenderError("the renderer stopped without an answer (out of memory?)") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        reader.close()
    if message[:1] != b"\x00":
        raise RenderError(message[1:].decode(errors="replace"))
    return message[1:]


def render_html(name: str, context: Mapping[str, Any]) -> str:
    """The document's HTML: an official document, so always in Vietnamese."""
    with translation.override("vi"):
        return render_to_string(f"reports/{name}.html", dict(context))


def render_pdf(name: str, context: Mapping[str, Any], *, timeout: float | None = None) -> bytes:
    """Render ``templates/reports/<name>.html`` with ``context`` to PDF bytes."""
    return html_to_pdf(render_html(name, context), timeout=timeout)
