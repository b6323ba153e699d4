"""Submit an admin form the way a browser would: every field as the page shows it.

The admin matrix changes one or two fields of a real form; reading the
rest from the page keeps it honest about what the admin actually posts
(inline management forms, split date-times, checked boxes only).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        name = attr.get("name", "")
        if tag == "input" and name:
            kind = attr.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attr:
                    self._add(name, attr.get("value", "on"))
                return
            self._add(name, attr.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in attr:
            self._add(self._select, attr.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def form_data(html: str, **changes: Any) -> dict[str, Any]:
    """The form's fields as posted, with ``changes`` applied (None removes a field, e.g. a checkbox)."""
    reader = _FormReader()
    reader.feed(html)
    data: dict[str, Any] = {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
