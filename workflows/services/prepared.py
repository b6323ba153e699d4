"""An action's input, parsed and validated before any lock is taken (review finding M2).

``perform`` cleans the form (agency codes resolved in one query, lists
capped) and checks evidence files from their uploaded copies *before* it
takes the flow-process and row locks, so nothing a request carries can
stretch the time a lock is held.  SPEC §4 still answers bad input only
after the role, state and separation-of-duties checks: a refusal found
early is kept here and raised under the lock, at its turn.  Under the lock
only what may have changed meanwhile is checked again: that the agencies
named still exist, in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from approvals.exceptions import Invalid
from approvals.models import Agency


@dataclass
class Prepared:
    cleaned: dict[str, Any] = field(default_factory=dict)
    error: Invalid | None = None

    def under_lock(self) -> dict[str, Any]:
        """The cleaned input, or the refusal found before the lock; re-checked where it can have moved."""
        if self.error is not None:
            raise self.error
        recheck(self.cleaned)
        return dict(self.cleaned)


def _agencies(value: Any) -> Iterable[Agency]:
    if isinstance(value, Agency):
        yield value
    elif isinstance(value, list | tuple):
        yield from (item for item in value if isinstance(item, Agency))


def recheck(cleaned: dict[str, Any]) -> None:
    """Every agency the input names still exists (an administrator may have removed one meanwhile)."""
    named = {name: list(_agencies(value)) for name, value in cleaned.items()}
    wanted = {agency.pk for agencies in named.values() for agency in agencies}
    if not wanted:
        return
    existing = set(Agency.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    errors = {
        name: [
            _("Không có cơ quan mã %(code)s.")
            % {"code": ", ".join(a.code for a in agencies if a.pk not in existing)}
        ]
        for name, agencies in named.items()
        if any(a.pk not in existing for a in agencies)
    }
    if errors:
        raise Invalid(errors)
