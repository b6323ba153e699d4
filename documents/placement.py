"""Where the signature goes: the signer's place in the Nghị định 30 signing block.

The document template marks that place with an element of fixed size whose
id WeasyPrint turns into a named destination (page and top-left corner in
PDF points).  Reading it back from the PDF keeps the layout in the template
and the geometry here, with no second layout pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

ANCHOR = "signature-place"
MM = 72 / 25.4
# The size of ``.sign-space`` in reports/static/reports/document.css.
WIDTH = 62 * MM
HEIGHT = 24 * MM


class NoSignaturePlace(ValueError):
    """The PDF has no signer's place: the template lost its anchor."""


@dataclass(frozen=True)
class Box:
    page: int
    rect: tuple[int, int, int, int]


def _name_tree_items(node: Any) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    if "/Names" in node:
        names = node["/Names"]
        for index in range(0, len(names), 2):
            items.append((str(names[index]), names.raw_get(index + 1)))
    for kid in node.get("/Kids", []):
        items += _name_tree_items(kid)
    return items


def _page_refs(node: Any) -> list[int]:
    refs: list[int] = []
    kids = node.raw_get("/Kids")
    for index in range(len(kids)):
        ref = kids.raw_get(index)
        kid = ref.get_object()
        if kid.get("/Type") == "/Pages":
            refs += _page_refs(kid)
        else:
            refs.append(ref.idnum)
    return refs


def signature_box(pdf: bytes) -> Box:
    """The signer's place on its page, as a rectangle in PDF points."""
    reader = PdfFileReader(io.BytesIO(pdf))
    try:
        dests = reader.root["/Names"]["/Dests"]
    except KeyError:
        raise NoSignaturePlace(ANCHOR) from None
    for name, value in _name_tree_items(dests):
        if name != ANCHOR:
            continue
        dest = value.get_object()
        if isinstance(dest, generic.DictionaryObject):
            dest = dest["/D"]
        page_ref = dest.raw_get(0)
        page = _page_refs(reader.root["/Pages"]).index(page_ref.idnum)
        left, top = float(dest[2]), float(dest[3])
        rect = (round(left), round(top - HEIGHT), round(left + WIDTH), round(top))
        return Box(page=page, rect=rect)
    raise NoSignaturePlace(ANCHOR)
