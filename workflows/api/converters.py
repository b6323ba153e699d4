"""``<id:pk>``: the only ids a URL under ``/api/v1/`` accepts, 1 to 2**63 - 1.

Django's ``int`` converter takes ``0``, ``007`` and numbers no database
column holds, and lets ``-1`` fall through to whatever route comes next.
This one takes exactly the ids a ``BigAutoField`` can carry, written the
one canonical way; anything else matches no route and answers the API's
JSON 404.  ``SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"]`` declares the
same bounds in the schema (``tests/api/test_schema.py`` keeps them equal),
so clients and fuzzers are told not to try a negative id.
"""

from __future__ import annotations

from django.urls import register_converter
from django.urls.converters import get_converters


class IdConverter:
    MIN = 1
    MAX = 2**63 - 1
    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > self.MAX:
            raise ValueError(value)  # Django: no match, try the next route
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


def ensure_registered() -> None:
    """Register ``<id:…>`` once, for whichever URLconf loads first (the API's or the reports')."""
    if "id" not in get_converters():
        register_converter(IdConverter, "id")
