"""Widgets for the way officials type: dd/mm/yyyy, 1.250.000.000, tables of rows.

They only render and read back the posted HTML fields; validation stays in
the action's input form (``workflows.action_inputs``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .templatetags.pilot06 import group_thousands

DATE_PLACEHOLDER = "dd/mm/yyyy"


class VietDateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy (a browser date picker would show the browser's own format)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "date",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class MoneyInput(forms.TextInput):
    """Money typed as 1.250.000.000; a whole number is shown the same way."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": "1.250.000.000",
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "money",
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return group_thousands(value)
        return super().format_value(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _TemplateWidget(forms.Widget):
    """A widget drawn by a project template (the form renderer only sees app templates)."""

    template_name = ""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)
        return SafeString(render_to_string(self.template_name, context))

    def format_value(self, value: Any) -> Any:
        return value


_ROW_KEY = re.compile(r"^(?P<name>.+)-(?P<index>\d+)-(?P<column>[a-z_]+)$")


class RowsWidget(_TemplateWidget):
    """An editable table of rows posted as ``<name>-<i>-<column>``; empty rows are dropped.

    ``columns`` are (key, label, kind) with kind ``text``, ``number`` or
    ``money``.  A row template lets the page's script add rows; without
    script, ``extra`` empty rows are always there.
    """

    template_name = "workflows/widgets/rows.html"

    def __init__(
        self,
        columns: Sequence[tuple[str, Any, str]],
        *,
        extra: int = 2,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.columns = list(columns)
        self.extra = extra

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        rows: dict[int, dict[str, Any]] = {}
        prefix = f"{name}-"
        for key in data:
            if not key.startswith(prefix):
                continue
            match = _ROW_KEY.match(key)
            if match is None or match["name"] != name:
                continue
            rows.setdefault(int(match["index"]), {})[match["column"]] = data.get(key, "")
        if not rows:
            return None
        keys = [key for key, _label, _kind in self.columns]
        result = []
        for index in sorted(rows):
            row = {key: str(rows[index].get(key, "")).strip() for key in keys}
            if any(row.values()):
                result.append(row)
        return result

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return not any(key.startswith(f"{name}-") for key in data)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        rows = value if isinstance(value, list) else []
        shown: list[list[dict[str, Any]]] = []
        for index, row in enumerate([*rows, *([{}] * self.extra)]):
            cells = []
            for key, label, kind in self.columns:
                raw = row.get(key, "") if isinstance(row, Mapping) else ""
                if kind == "money" and isinstance(raw, int):
                    raw = group_thousands(raw)
                cells.append(
                    {
                        "name": f"{name}-{index}-{key}",
                        "value": "" if raw is None else raw,
                        "kind": kind,
                        "label": label,
                    }
                )
            shown.append(cells)
        template_row = [
            {"name": f"{name}-__i__-{key}", "value": "", "kind": kind, "label": label}
            for key, label, kind in self.columns
        ]
        return {
            "widget": {
                "name": name,
                "columns": self.columns,
                "rows": shown,
                "template_row": template_row,
                "next_index": len(shown),
            }
        }


class AchievedWidget(_TemplateWidget):
    """One "achieved" input per deliverable of the model; names are fixed, numbers typed."""

    template_name = "workflows/widgets/achieved.html"

    def __init__(self, *, skip_empty: bool, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.deliverables: list[dict[str, Any]] = []
        self.skip_empty = skip_empty

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        result = []
        for index in range(len(self.deliverables) + 50):
            key = f"{name}-{index}-name"
            if key not in data:
                if index >= len(self.deliverables):
                    break
                continue
            achieved = str(data.get(f"{name}-{index}-achieved", "")).strip().replace(".", "")
            if self.skip_empty and achieved == "":
                continue
            result.append({"name": data.get(key, ""), "achieved": achieved})
        return result

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        given = {}
        if isinstance(value, list):
            given = {
                row.get("name"): row.get("achieved") for row in value if isinstance(row, Mapping)
            }
        rows = []
        for index, item in enumerate(self.deliverables):
            achieved = given.get(item["name"], item.get("achieved"))
            rows.append({**item, "index": index, "achieved": "" if achieved is None else achieved})
        return {"widget": {"name": name, "rows": rows}}


class AppraisalWidget(_TemplateWidget):
    """The optional IT appraisal: a document number and a date, or nothing at all."""

    template_name = "workflows/widgets/appraisal.html"

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        number = str(data.get(f"{name}-number", "")).strip()
        date = str(data.get(f"{name}-date", "")).strip()
        if not number and not date:
            return None
        return {"number": number, "date": date}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        current = value if isinstance(value, Mapping) else {}
        return {
            "widget": {
                "name": name,
                "number": current.get("number", ""),
                "date": current.get("date", ""),
                "placeholder": DATE_PLACEHOLDER,
            }
        }
