"""JSON in, refusing what no field accepts and no database stores.

DRF's parser accepts any valid JSON; a lone surrogate (``"\\ud800"``) or a
NUL character then reaches a text column and fails inside the database, and
absurd nesting overflows the decoder's recursion.  All three are bad input,
so they answer 400 here, before anything else reads the body.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def check_text(data: Any) -> Any:
    """``data`` unchanged, or ParseError when a key or string cannot be stored as text."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(_("Nội dung có ký tự không hợp lệ.")) from None
            if "\x00" in value:
                raise ParseError(_("Nội dung có ký tự không hợp lệ."))
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Dữ liệu không đúng định dạng JSON.")) from None
        return check_text(data)
