"""One request cannot hold the write lock for everyone (review finding M2).

Before: ``coordinating_agencies`` had no length limit and each code cost a
query inside the action's transaction (``BEGIN IMMEDIATE`` on SQLite):
20,000 codes held the lock for seconds while every other action waited.
Evidence files were read whole into memory, also under the lock.

Now every list input is capped with repeats removed or refused, codes are
resolved in one query, and the input is parsed and validated before any
lock is taken; under the lock only a cheap re-check runs.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection

from approvals.models import Agency, AuditEntry
from tests.api.conftest import ApiFor
from tests.factories import (
    Driver,
    agency,
    completion_data,
    evidence_pdf,
    funding_data,
    registration_data,
)
from workflows import evidence, limits
from workflows.flows import PilotFlow
from workflows.models import EvidenceFile, PilotModel


def act(api: ApiFor, who: str, pm: PilotModel, action: str, body: dict[str, Any]) -> Any:
    return api(who).post(f"/api/v1/pilot-models/{pm.pk}/actions/{action}/", body, format="json")


@pytest.fixture
def lock_held(monkeypatch: Any) -> dict[str, bool]:
    """Whether the action's locks are held right now (the flow-process lock, then the row)."""
    state = {"held": False}
    real_lock = PilotFlow.lock

    @contextlib.contextmanager
    def lock(process_id: Any) -> Iterator[None]:
        with real_lock(process_id):
            state["held"] = True
            try:
                yield
            finally:
                state["held"] = False

    monkeypatch.setattr(PilotFlow, "lock", lock)
    return state


@contextlib.contextmanager
def agency_queries(lock_held: dict[str, bool]) -> Iterator[dict[str, int]]:
    """Count the queries that read the agency table, and those run while the action's locks are held."""
    counts = {"all": 0, "locked": 0}
    table = connection.ops.quote_name(Agency._meta.db_table)

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if f"FROM {table}" in sql:
            counts["all"] += 1
            counts["locked"] += int(lock_held["held"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counts


def test_twenty_thousand_repeated_codes_count_once_and_resolve_in_one_query(
    api: ApiFor, drive: Driver, lock_held: dict[str, bool]
) -> None:
    pm = drive.deploying()
    agency("SGDDT")

    with agency_queries(lock_held) as counts:
        response = act(
            api, "officer", pm, "update_details", {"coordinating_agencies": ["SGDDT"] * 20_000}
        )

    assert response.status_code == 200, response.content[:300]
    assert [a["code"] for a in response.json()["coordinating_agencies"]] == ["SGDDT"]
    # Under the locks: the re-check, and the many-to-many write reading what is there.  Before: 20,000.
    assert counts["locked"] <= 2 and counts["all"] <= 4, counts
    assert AuditEntry.objects.order_by("-seq").first().payload["changed"][
        "coordinating_agencies"
    ] == ["SGDDT"]  # type: ignore[union-attr]


def test_more_distinct_codes_than_the_cap_are_refused_without_a_query(
    api: ApiFor, drive: Driver, lock_held: dict[str, bool]
) -> None:
    pm = drive.deploying()
    version = pm.version
    codes = [f"CQ{i}" for i in range(limits.MAX_AGENCY_CODES + 1)]

    with agency_queries(lock_held) as counts:
        response = act(api, "officer", pm, "update_details", {"coordinating_agencies": codes})

    assert response.status_code == 400
    assert "coordinating_agencies" in response.json()
    assert counts == {"all": 0, "locked": 0}
    assert PilotModel.objects.get(pk=pm.pk).version == version


def test_unknown_codes_are_named_together_in_one_refusal(
    api: ApiFor, drive: Driver, lock_held: dict[str, bool]
) -> None:
    pm = drive.deploying()
    agency("SGDDT")

    with agency_queries(lock_held) as counts:
        response = act(
            api,
            "officer",
            pm,
            "update_details",
            {"coordinating_agencies": ["SGDDT", "KHONG1", "KHONG2"]},
        )

    assert response.status_code == 400
    message = " ".join(response.json()["coordinating_agencies"])
    assert "KHONG1" in message and "KHONG2" in message
    assert counts["all"] == 1 and counts["locked"] == 0


def test_registration_caps_its_codes_and_deliverables(api: ApiFor, drive: Driver) -> None:
    too_many_codes = registration_data(
        8, coordinating_agencies=[f"CQ{i}" for i in range(limits.MAX_AGENCY_CODES + 1)]
    )
    rows = [
        {"name": f"Sản phẩm {i}", "unit": "cái", "target": 1}
        for i in range(limits.MAX_DELIVERABLES + 1)
    ]
    too_many_rows = registration_data(9, deliverables=rows)

    first = api("officer").post("/api/v1/pilot-models/", too_many_codes, format="json")
    second = api("officer").post("/api/v1/pilot-models/", too_many_rows, format="json")

    assert (first.status_code, second.status_code) == (400, 400)
    assert "coordinating_agencies" in first.json() and "deliverables" in second.json()
    assert not PilotModel.objects.exists()


def test_deliverable_rows_over_the_cap_or_repeated_are_refused(api: ApiFor, drive: Driver) -> None:
    pm = drive.deploying()
    rows = [
        {"name": f"Sản phẩm {i}", "unit": "cái", "target": 1}
        for i in range(limits.MAX_DELIVERABLES + 1)
    ]
    twice = [
        {"name": "Bệnh viện áp dụng", "unit": "cơ sở", "target": 10},
        {"name": "Bệnh viện áp dụng", "unit": "cơ sở", "target": 12},
    ]

    over = act(api, "officer", pm, "update_details", {"deliverables": rows})
    repeated = act(api, "officer", pm, "update_details", {"deliverables": twice})
    progress = act(
        api,
        "officer",
        pm,
        "report_progress",
        {"percent": 50, "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 3}] * 2},
    )

    assert (over.status_code, repeated.status_code, progress.status_code) == (400, 400, 400)
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


def test_budget_lines_over_the_cap_or_repeated_are_refused(api: ApiFor, drive: Driver) -> None:
    pm = drive.approved()
    n = limits.MAX_BUDGET_LINES + 1
    over = funding_data(
        n * 1000, lines=[{"item": f"Hạng mục {i}", "amount": 1000} for i in range(n)]
    )
    twice = funding_data(
        2000, lines=[{"item": "Thiết bị", "amount": 1000}, {"item": "Thiết bị", "amount": 1000}]
    )

    first = act(api, "officer", pm, "request_funding", over)
    second = act(api, "officer", pm, "request_funding", twice)

    assert (first.status_code, second.status_code) == (400, 400)
    assert "lines" in first.json() and "lines" in second.json()


def test_the_same_file_sent_twice_is_stored_once(drive: Driver) -> None:
    pm = drive.deploying()

    drive.act(
        "submit_completion",
        pm,
        "officer",
        completion_data(),
        files=[evidence_pdf("a.pdf"), evidence_pdf("b.pdf")],
    )

    assert EvidenceFile.objects.filter(report__pilot_model=pm).count() == 1


def test_input_is_rechecked_under_the_lock(api: ApiFor, drive: Driver, monkeypatch: Any) -> None:
    """An agency deleted between the check and the lock is still refused, not a 500."""
    pm = drive.deploying()
    Agency.objects.create(code="SXD", name="Sở Xây dựng", kind="department")
    real_lock = PilotFlow.lock

    @contextlib.contextmanager
    def lock_after_a_deletion(process_id: Any) -> Iterator[None]:
        Agency.objects.filter(code="SXD").delete()
        with real_lock(process_id):
            yield

    monkeypatch.setattr(PilotFlow, "lock", lock_after_a_deletion)
    response = act(api, "officer", pm, "update_details", {"coordinating_agencies": ["SXD"]})

    assert response.status_code == 400
    assert "SXD" in " ".join(response.json()["coordinating_agencies"])
    assert not PilotModel.objects.get(pk=pm.pk).coordinating_agencies.exists()


def test_evidence_is_checked_before_the_lock(
    drive: Driver, monkeypatch: Any, lock_held: dict[str, bool]
) -> None:
    pm = drive.deploying()
    seen: list[bool] = []
    real_check = evidence.check

    def spy(files: Any) -> Any:
        seen.append(lock_held["held"])
        return real_check(files)

    monkeypatch.setattr(evidence, "check", spy)
    drive.act("submit_completion", pm, "officer", completion_data(), files=[evidence_pdf()])

    assert seen == [False]


def test_checking_a_large_file_never_holds_it_in_memory() -> None:
    size = 8 * 1024 * 1024
    upload = TemporaryUploadedFile("bien-ban.pdf", "application/pdf", size, None)
    upload.write(b"%PDF-1.4\n" + b"0" * (size - 9))
    upload.seek(0)

    tracemalloc.start()
    try:
        checked = evidence.check([upload])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()

    assert len(checked) == 1 and checked[0].size == size
    assert peak < 2 * 1024 * 1024, peak
