"""The database itself refuses impossible money and numbers, whatever the code path.

A bug, a shell session or a ``QuerySet.update`` skips the forms and the
services; the CHECK constraints still hold.  Runs in both passes, so SQLite
and PostgreSQL are each shown to enforce them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from tests.factories import Driver
from workflows.models import Deliverable, FundingLine, FundingRequest, PilotModel, ProgressReport

Bypass = Callable[[PilotModel], Any]

BYPASSES: dict[str, Bypass] = {
    "negative requested amount": lambda pm: FundingRequest.objects.filter(pilot_model=pm).update(
        amount=-1
    ),
    "zero requested amount": lambda pm: FundingRequest.objects.filter(pilot_model=pm).update(
        amount=0
    ),
    "approved above requested": lambda pm: FundingRequest.objects.filter(pilot_model=pm).update(
        approved_amount=F("amount") + 1
    ),
    "negative approved amount": lambda pm: FundingRequest.objects.filter(pilot_model=pm).update(
        approved_amount=-5
    ),
    "negative budget line": lambda pm: FundingLine.objects.filter(request__pilot_model=pm).update(
        amount=-1000
    ),
    "budget year out of range": lambda pm: FundingRequest.objects.filter(pilot_model=pm).update(
        budget_year=1900
    ),
    "model number zero": lambda pm: PilotModel.objects.filter(pk=pm.pk).update(number=0),
    "progress above 100": lambda pm: PilotModel.objects.filter(pk=pm.pk).update(
        progress_percent=101
    ),
    "deliverable target zero": lambda pm: Deliverable.objects.filter(pilot_model=pm).update(
        target=0
    ),
    "progress report above 100": lambda pm: ProgressReport.objects.create(
        pilot_model=pm,
        percent=150,
        reported_by=pm.responsible_officer,
        reported_at=pm.registered_at,
    ),
    "second pending step": lambda pm: pm.steps.create(
        kind="registration_review",
        submitted_by=pm.responsible_officer,
        submitted_at=pm.registered_at,
    ),
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_the_database_refuses(name: str, drive: Driver) -> None:
    pm = drive.deploying(80)
    drive.act("report_progress", pm, "officer", {"percent": 10})
    drive.act(
        "submit_completion",
        pm,
        "officer",
        {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 1}], "summary": "x"},
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        BYPASSES[name](pm)

    request = FundingRequest.objects.get(pilot_model=pm)
    assert 0 < request.approved_amount <= request.amount


def test_a_legal_update_through_the_same_path_goes_through(drive: Driver) -> None:
    """The constraints refuse the impossible, not the ordinary: the bypass itself works."""
    pm = drive.financed(81)

    FundingRequest.objects.filter(pilot_model=pm).update(approved_amount=F("amount"))

    request = FundingRequest.objects.get(pilot_model=pm)
    assert request.approved_amount == request.amount
