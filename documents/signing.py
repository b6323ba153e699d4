"""The agency's digital signature: PAdES with pyHanko, from a key the environment names.

Each agency signs with its own certificate.  Today the key is a PKCS#12
file: ``PILOT06_SIGNING_<CODE>_P12`` names it and
``PILOT06_SIGNING_<CODE>_PASSPHRASE`` unlocks it (``<CODE>`` is the agency
code in upper case, ``-`` as ``_``).  A USB token or HSM is the seam left
open: ``PILOT06_SIGNING_<CODE>_KIND`` picks an entry of ``KEY_SOURCES``, and
a ``pkcs11`` entry built on ``pyhanko.sign.pkcs11.PKCS11Signer`` (module,
token label, key label and PIN from the same prefix) plugs in there without
touching the callers.  The environment is read at signing time, so a
renewed certificate needs no restart.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.utils.html import escape
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import StaticStampStyle

from approvals.exceptions import Conflict
from reports.pdf import layout

from .placement import MM, Box

FIELD_NAME = "ChuKySo"


class NotConfigured(Conflict):
    """The agency has no usable signing key: nothing can be issued until it has."""


class KeySource(Protocol):
    def signer(self) -> signers.Signer: ...


@dataclass(frozen=True)
class Pkcs12Source:
    path: Path
    passphrase: bytes | None

    @classmethod
    def from_env(cls, code: str, env: Mapping[str, str]) -> Pkcs12Source:
        prefix = env_prefix(code)
        raw = env.get(f"{prefix}_P12", "")
        if not raw:
            raise NotConfigured(
                _("Chưa cấu hình chứng thư số của cơ quan %(code)s (%(var)s).")
                % {"code": code, "var": f"{prefix}_P12"}
            )
        passphrase = env.get(f"{prefix}_PASSPHRASE")
        return cls(Path(raw), passphrase.encode() if passphrase else None)

    def signer(self) -> signers.Signer:
        try:
            data = self.path.read_bytes()
            return signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=self.passphrase
            )
        except (OSError, ValueError):
            raise NotConfigured(
                _("Không mở được chứng thư số %(path)s (đường dẫn hoặc mật khẩu sai).")
                % {"path": self.path.name}
            ) from None


# Where a key may live: PKCS#12 today; a "pkcs11" entry for a token later.
KEY_SOURCES: dict[str, Callable[[str, Mapping[str, str]], KeySource]] = {
    "pkcs12": Pkcs12Source.from_env,
}


def env_prefix(code: str) -> str:
    return "PILOT06_SIGNING_" + code.upper().replace("-", "_")


def key_source(code: str, env: Mapping[str, str] | None = None) -> KeySource:
    env = os.environ if env is None else env
    kind = env.get(f"{env_prefix(code)}_KIND", "pkcs12") or "pkcs12"
    factory = KEY_SOURCES.get(kind)
    if factory is None:
        raise NotConfigured(_("Chưa hỗ trợ loại khóa ký %(kind)s.") % {"kind": kind})
    return factory(code, env)


def certificate_facts(signer: signers.Signer) -> tuple[str, str]:
    """The signing certificate's subject and serial number, for the register."""
    cert = signer.signing_cert
    if cert is None:  # pragma: no cover - every source above carries its certificate
        return "", ""
    return cert.subject.human_friendly, format(cert.serial_number, "X")


STAMP_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: {width}mm {height}mm; margin: 0; }}
body {{ margin: 0; font-family: "Liberation Serif", "DejaVu Serif", serif; color: #1f3f9e; }}
div {{ box-sizing: border-box; width: {width}mm; height: {height}mm; border: 0.5mm solid #1f3f9e;
  padding: 3mm 2.5mm; font-size: 9pt; line-height: 1.35; }}
b {{ font-weight: bold; }}
</style></head><body><div><b>{signed_by}</b> {agency}<br><b>{time_label}</b> {when}<br>{reference}</div></body></html>"""


def stamp_pdf(*, agency: str, when: dt.datetime, reference: str, box: Box) -> bytes:
    """The visible signature's appearance, drawn by WeasyPrint in the documents' own font.

    Nghị định 30 (Phụ lục I) shows who signed and when, to the second, with
    the offset of Vietnam's time zone.  pyHanko's own text stamp cannot lay
    out Vietnamese reliably, so the appearance is a one-box PDF page that
    pyHanko places into the field as it is.
    """
    left, bottom, right, top = box.rect
    html = STAMP_HTML.format(
        width=round((right - left) / MM, 2),
        height=round((top - bottom) / MM, 2),
        signed_by=escape(_("Ký bởi:")),
        agency=escape(agency),
        time_label=escape(_("Thời gian ký:")),
        when=escape(when.strftime("%d/%m/%Y %H:%M:%S ") + _utc_offset(when)),
        reference=escape(_("Văn bản số %(ref)s") % {"ref": reference}),
    )
    return layout(html)


def _utc_offset(when: dt.datetime) -> str:
    offset = when.strftime("%z") or "+0000"
    return f"{offset[:3]}:{offset[3:]}"


def sign(
    pdf: bytes,
    *,
    signer: signers.Signer,
    box: Box,
    agency_name: str,
    when: dt.datetime,
    reference: str,
    location: str,
) -> bytes:
    """``pdf`` with one PAdES signature in a visible field at ``box`` (the signer's place)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        reason=_("Ban hành văn bản số %(ref)s") % {"ref": reference},
        location=location,
    )
    field = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=box.page, box=box.rect)
    with tempfile.TemporaryDirectory() as directory:
        appearance = Path(directory) / "stamp.pdf"
        appearance.write_bytes(
            stamp_pdf(agency=agency_name, when=when, reference=reference, box=box)
        )
        style = StaticStampStyle.from_pdf_file(str(appearance), border_width=0)
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=field)
        output = pdf_signer.sign_pdf(writer)
    return bytes(output.getvalue())
