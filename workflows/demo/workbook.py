"""The demo province as the workbook a province fills in (Cơ quan, Cán bộ, Mô hình).

Generated, not committed: its dates are days of a history that always ends
today (deadlines, heads' terms), so a file written once would go stale and
its deadlines would soon be refused as past.  The same data and the same
day give the same bytes (``template.workbook_bytes`` is deterministic);
``seed_demo --workbook OUT.xlsx`` writes the file a demo run imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..province_import.sheets import AGENCIES as AGENCY_SHEET
from ..province_import.sheets import MODELS, OFFICIALS
from ..province_import.template import workbook_bytes
from .province import AGENCIES, HEADS, PEOPLE
from .script import Day
from .story import scripts

DateOf = Callable[[Day], dt.date]


def demo_workbook(date_of: DateOf) -> bytes:
    return workbook_bytes(demo_rows(date_of))


def demo_rows(date_of: DateOf) -> dict[str, list[dict[str, Any]]]:
    """Every row of the three sheets, with the history's days resolved by ``date_of``."""

    def resolve(value: Any) -> Any:
        return date_of(value) if isinstance(value, Day) else value

    heads = {head.agency: head for head in HEADS}
    agencies = []
    for seed in AGENCIES:
        head = heads.get(seed.code)
        agencies.append(
            {
                "code": seed.code,
                "name": seed.name,
                "kind": seed.kind,
                "parent_name": seed.parent_name,
                "head_name": head.name if head else "",
                "head_title": head.title if head else "",
                "head_since": resolve(head.since) if head else None,
                "head_email": head.email if head else "",
            }
        )
    officials = [
        {
            "username": person.username,
            "full_name": person.full_name,
            "email": person.email,
            "agency": person.agency,
            "roles": list(person.roles),
            "title": person.title,
        }
        for person in PEOPLE
    ]
    models = []
    for script in sorted(scripts(), key=lambda s: s.number):
        registration = script.steps[0]
        assert registration.do is None, (
            f"model {script.number}: its story must begin with its registration"
        )
        models.append({key: resolve(value) for key, value in registration.data.items()})
    return {AGENCY_SHEET.name: agencies, OFFICIALS.name: officials, MODELS.name: models}
