"""Reading back what the reports produce: PDF text and fonts (poppler), workbooks."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Any

import pytest
from openpyxl import load_workbook

# In CI the Makefile installs poppler-utils; a missing tool there must fail, not skip.
needs_poppler = pytest.mark.skipif(
    (shutil.which("pdftotext") is None or shutil.which("pdffonts") is None)
    and os.environ.get("CI") != "true",
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)


def pdf_text(
    pdf: bytes, *, layout: bool = False, first: int | None = None, last: int | None = None
) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return subprocess.run(
        [*args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def flat_text(pdf: bytes) -> str:
    """The text with every run of whitespace as one space, so wrapped lines still match."""
    return " ".join(pdf_text(pdf).split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(pdf, layout=True).split("\f")[:-1]


def pdf_fonts(pdf: bytes) -> list[str]:
    """The embedded font names, without the subset prefix (``ABCDEF+``)."""
    out = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [name.split("+", 1)[-1] for name in names]


def workbook(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))
