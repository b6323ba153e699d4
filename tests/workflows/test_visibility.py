"""Visibility (SPEC §1): officers see the models their agency leads or coordinates, only those.

For any other model the answer is 404, not 403, so ids leak nothing.  An
officer of a coordinating agency sees the model but may not act as its lead.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from approvals import audit
from approvals.exceptions import Forbidden, NotFound
from approvals.models import AuditEntry
from tests.factories import Driver, model_snapshot
from tests.workflows.matrix_spec import RULES, SITUATIONS
from workflows import flow_sync, selectors, services
from workflows.models import PilotModel
from workflows.states import Action

ACTIONS = [action for action in Action if action != Action.REGISTER]
OFFICER_ACTIONS = [action for action in ACTIONS if "lead_officer" in RULES[action].who]
SITUATION = {s.name: s for s in SITUATIONS}


def _refused_once(
    pm: PilotModel,
    action: str,
    actor: User,
    error: type[Exception],
    data: dict[str, Any] | None = None,
) -> None:
    before = model_snapshot(pm.pk)
    seq = audit.head()[0]
    with pytest.raises(error):
        services.perform(action, pilot_model_id=pm.pk, actor=actor, data=data or {})
    assert model_snapshot(pm.pk) == before
    assert list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True)) == [
        f"refused.{action}"
    ]


@pytest.fixture
def coordinated(drive: Driver) -> PilotModel:
    """A deploying SYT model that SGDDT coordinates on."""
    return drive.deploying(coordinating_agencies=["SGDDT"])


@pytest.mark.parametrize("action", ACTIONS)
def test_an_officer_of_another_agency_gets_not_found_on_every_action(
    coordinated: PilotModel, outsider: User, action: str
) -> None:
    situation = SITUATION["deploying"]

    _refused_once(coordinated, action, outsider, NotFound, RULES[action].data(situation))

    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.payload["code"] == "not_found"


def test_an_officer_of_another_agency_cannot_tell_a_hidden_model_from_a_missing_one(
    coordinated: PilotModel, outsider: User
) -> None:
    missing = PilotModel.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]

    with pytest.raises(NotFound) as hidden:
        services.perform("approve_funding", pilot_model_id=coordinated.pk, actor=outsider, data={})
    with pytest.raises(NotFound) as absent:
        services.perform("approve_funding", pilot_model_id=missing, actor=outsider, data={})

    assert (hidden.value.status, hidden.value.code, str(hidden.value)) == (
        absent.value.status,
        absent.value.code,
        str(absent.value),
    )


def test_an_officer_of_another_agency_does_not_see_the_model_anywhere(
    coordinated: PilotModel, outsider: User
) -> None:
    with pytest.raises(NotFound):
        selectors.get_visible(outsider, coordinated.pk)
    assert selectors.available_actions(coordinated, outsider) == []
    assert not selectors.visible_models(outsider).filter(pk=coordinated.pk).exists()
    assert not selectors.inbox(outsider).exists()


def test_an_officer_of_another_agency_gets_404_on_the_task_page(
    coordinated: PilotModel, outsider: User
) -> None:
    client = Client()
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
    task = flow_sync.open_tasks(coordinated.process)[0]
    url = f"/flow/pilot/{coordinated.process_id}/{task.flow_task.name}/{task.pk}/execute/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit_completion", "summary": "x"}).status_code == 404


@pytest.mark.parametrize("action", OFFICER_ACTIONS)
def test_a_coordinating_agency_officer_sees_the_model_but_gets_forbidden_on_officer_actions(
    coordinated: PilotModel, other_officer: User, action: str
) -> None:
    assert selectors.get_visible(other_officer, coordinated.pk).pk == coordinated.pk

    _refused_once(
        coordinated, action, other_officer, Forbidden, RULES[action].data(SITUATION["deploying"])
    )


def test_a_coordinating_agency_officer_sees_the_model_in_lists_but_has_no_actions(
    coordinated: PilotModel, other_officer: User
) -> None:
    assert selectors.visible_models(other_officer).filter(pk=coordinated.pk).exists()
    assert selectors.available_actions(coordinated, other_officer) == []
    assert not selectors.inbox(other_officer).exists()


def test_the_lead_agency_officer_sees_and_may_act(coordinated: PilotModel, officer: User) -> None:
    assert selectors.visible_models(officer).filter(pk=coordinated.pk).exists()
    assert {"submit_completion", "report_progress", "set_blocker", "update_details"} <= set(
        selectors.available_actions(coordinated, officer)
    )
    assert [t.flow_task.name for t in selectors.inbox(officer)] == ["deploy"]


@pytest.mark.parametrize("who", ["police", "finance", "leader", "inspector"])
def test_province_wide_roles_see_every_model(drive: Driver, outsider: User, who: str) -> None:
    first = drive.register(1)
    second = drive.register(2, coordinating_agencies=["SGDDT"])

    assert set(selectors.visible_models(drive.p[who]).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert selectors.get_visible(drive.p[who], first.pk).pk == first.pk


def test_an_inspector_sees_everything_but_every_action_is_forbidden(
    coordinated: PilotModel, inspector: User
) -> None:
    for action in ACTIONS:
        with pytest.raises(Forbidden):
            services.perform(action, pilot_model_id=coordinated.pk, actor=inspector, data={})
    assert selectors.available_actions(coordinated, inspector) == []


def test_after_a_reassignment_the_old_lead_agency_loses_sight_and_the_new_one_gains_it(
    coordinated: PilotModel, drive: Driver, officer: User, other_officer: User
) -> None:
    drive.act("update_details", coordinated, "officer", {"coordinating_agencies": []})
    drive.act(
        "reassign_lead_agency",
        coordinated,
        "leader",
        {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_sgddt",
            "decision_number": "20/QĐ-UBND",
        },
    )

    with pytest.raises(NotFound):
        services.perform(
            "report_progress", pilot_model_id=coordinated.pk, actor=officer, data={"percent": 10}
        )
    pm = services.perform(
        "report_progress", pilot_model_id=coordinated.pk, actor=other_officer, data={"percent": 10}
    )
    assert pm.progress_percent == 10


def test_an_unknown_action_is_not_found_and_audited(coordinated: PilotModel, police: User) -> None:
    seq = audit.head()[0]

    with pytest.raises(NotFound):
        services.perform("approve_everything", pilot_model_id=coordinated.pk, actor=police, data={})

    # Event names come from the declared list; the name asked for is kept in the payload.
    assert list(
        AuditEntry.objects.filter(seq__gt=seq).values_list("action", "payload__requested")
    ) == [("refused.unknown", "approve_everything")]


def test_a_very_long_unknown_action_name_is_echoed_only_in_part(
    coordinated: PilotModel, police: User
) -> None:
    name = "x" * 30_000

    with pytest.raises(NotFound) as refused:
        services.perform(name, pilot_model_id=coordinated.pk, actor=police, data={})

    message = str(refused.value)
    assert "x" * 64 + "…" in message and len(message) < 200
