"""Reading an issued PDF back: its text (pdftotext) and pyHanko's own verdict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PYHANKO = str(Path(sys.executable).with_name("pyhanko"))


def pdf_text(content: bytes, tmp_path: Path, name: str = "issued.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def validate(
    content: bytes, ca_pem: Path, tmp_path: Path, name: str = "signed.pdf"
) -> subprocess.CompletedProcess[str]:
    """``pyhanko sign validate`` trusting only the test CA, offline (no revocation servers)."""
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(
        [
            PYHANKO,
            "sign",
            "validate",
            "--pretty-print",
            "--trust",
            str(ca_pem),
            "--trust-replace",
            "--no-revocation-check",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
