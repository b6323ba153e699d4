"""A failure in the middle of an action leaves nothing half-done.

Two faults, injected into every action: one between the transition and the
audit write (the audit append raises), one just before commit (the in-step
check raises, after the flow's task was already completed).  Afterwards
every row of the lifecycle, the flow and the trail must be exactly as
before, and ``submit_completion`` must leave no evidence file on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings

from approvals import audit
from tests.factories import Driver, evidence_pdf, registration_data
from tests.security.racing import SITUATIONS
from workflows import flow_sync, services

APPS = ("approvals", "workflows", "viewflow", "django_tasks_db")


class Injected(RuntimeError):
    """The fault a test throws in; nothing in the code catches it by name."""


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every lifecycle, flow and audit table, in primary-key order."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in APPS:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def evidence_on_disk() -> list[str]:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _fail_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = audit.append

    def append(**kwargs: Any) -> Any:
        if not str(kwargs.get("action", "")).startswith("refused."):
            raise Injected("between the transition and the audit write")
        return real(**kwargs)

    monkeypatch.setattr(audit, "append", append)


def _fail_before_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    def assert_in_step(pilot_model: Any) -> None:
        raise Injected("just before commit, after the task was completed")

    monkeypatch.setattr(flow_sync, "assert_in_step", assert_in_step)


FAULTS = {"audit_write": _fail_audit, "before_commit": _fail_before_commit}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("case", sorted(SITUATIONS))
def test_a_fault_mid_action_changes_nothing(
    case: str, fault: str, drive: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    situation = SITUATIONS[case](drive, 70)
    files = [evidence_pdf("bien-ban.pdf")] if situation.with_files else []
    before, disk_before = snapshot(), evidence_on_disk()
    FAULTS[fault](monkeypatch)

    with pytest.raises(Injected):
        services.perform(
            situation.action,
            pilot_model_id=situation.pilot_model.pk,
            actor=drive.p[situation.actor],
            data=situation.data,
            files=files,
        )

    assert snapshot() == before
    assert evidence_on_disk() == disk_before
    monkeypatch.undo()
    assert audit.verify().ok


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_mid_registration_changes_nothing(
    fault: str, drive: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    drive.register(71)  # something in the trail already
    before = snapshot()
    FAULTS[fault](monkeypatch)

    with pytest.raises(Injected):
        services.pilot_model_register(actor=drive.p["officer"], data=registration_data(72))

    assert snapshot() == before
    monkeypatch.undo()
    assert audit.verify().ok


def test_the_injected_faults_do_fire(drive: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard against a vacuous pass: without a fault the same call changes rows."""
    situation = SITUATIONS["approve_funding"](drive, 73)
    before = snapshot()

    services.perform(
        situation.action,
        pilot_model_id=situation.pilot_model.pk,
        actor=drive.p[situation.actor],
        data=situation.data,
    )

    assert snapshot() != before
