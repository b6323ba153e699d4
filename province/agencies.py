"""Agencies and their heads, as the province's spreadsheet states them.

Writes go through the ORM, so the receivers in ``approvals.signals`` audit
them (agency.created / agency.changed / agency.head_changed) under the
acting administrator.  A new head never overwrites the old one: the old
term ends the day before the new one begins, because accountability credits
whoever held the post at the time (SPEC §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals import clock, current
from approvals.exceptions import Invalid
from approvals.models import Agency, AgencyHead, AgencyKind

from .access import require_admin


@dataclass(frozen=True)
class AgencyFacts:
    code: str
    name: str
    kind: str = ""  # blank: leave as it is (a new agency is a department)
    parent_name: str = ""
    head_name: str = ""
    head_title: str = ""
    head_since: dt.date | None = None
    head_email: str = ""


def agency_upsert(
    *, actor: Any, facts: AgencyFacts, ip: str = ""
) -> tuple[Agency, bool, list[str]]:
    """Create the agency or bring it in line with ``facts``: (agency, created, fields changed)."""
    require_admin(actor)
    if facts.kind and facts.kind not in AgencyKind.values:
        raise Invalid({"kind": [_("Loại cơ quan không hợp lệ.")]})
    if facts.head_name and not facts.head_title:
        raise Invalid({"head_title": [_("Cần chức vụ của thủ trưởng.")]})
    if not facts.head_name and (facts.head_title or facts.head_since):
        raise Invalid({"head_name": [_("Cần họ tên thủ trưởng.")]})
    with current.acting(actor, ip), transaction.atomic():
        agency = Agency.objects.select_for_update().filter(code=facts.code).first()
        created = agency is None
        changed: list[str] = []
        if agency is None:
            agency = Agency.objects.create(
                code=facts.code,
                name=facts.name,
                kind=facts.kind or AgencyKind.DEPARTMENT,
                parent_name=facts.parent_name,
            )
        else:
            wanted = {"name": facts.name, "parent_name": facts.parent_name}
            if facts.kind:
                wanted["kind"] = facts.kind
            changed = [field for field, value in wanted.items() if getattr(agency, field) != value]
            for field in changed:
                setattr(agency, field, wanted[field])
            if changed:
                agency.save(update_fields=changed)
        if facts.head_name:
            changed += head_set(agency, facts)
    return agency, created, changed


def head_set(agency: Agency, facts: AgencyFacts) -> list[str]:
    """The head ``facts`` names becomes (or stays) the current head; returns what changed."""
    since = facts.head_since or clock.today()
    head = agency.current_head
    if head is not None and head.name == facts.head_name:
        new_since = since if facts.head_since else head.since
        wanted: dict[str, Any] = {"title": facts.head_title, "since": new_since}
        if facts.head_email:
            wanted["email"] = facts.head_email
        changed = [field for field, value in wanted.items() if getattr(head, field) != value]
        if "since" in changed:
            _check_after_previous(agency, head, new_since)
        for field in changed:
            setattr(head, field, wanted[field])
        if changed:
            head.save(update_fields=changed)
        return [f"head_{field}" for field in changed]
    if head is not None:
        if since <= head.since:
            raise Invalid(
                {
                    "head_since": [
                        _(
                            "Thủ trưởng mới phải nhận chức sau ngày %(day)s (ngày %(name)s nhận chức)."
                        )
                        % {"day": head.since.strftime("%d/%m/%Y"), "name": head.name}
                    ]
                }
            )
        head.until = since - dt.timedelta(days=1)
        head.save(update_fields=["until"])
    AgencyHead.objects.create(
        agency=agency,
        name=facts.head_name,
        title=facts.head_title,
        email=facts.head_email,
        since=since,
    )
    return ["head"]


def _check_after_previous(agency: Agency, head: AgencyHead, since: dt.date) -> None:
    earlier = (
        agency.heads.exclude(pk=head.pk).filter(until__isnull=False).order_by("-until").first()
    )
    if earlier is not None and earlier.until is not None and since <= earlier.until:
        raise Invalid(
            {
                "head_since": [
                    _("Nhiệm kỳ trùng với thủ trưởng trước (%(name)s).") % {"name": earlier.name}
                ]
            }
        )
