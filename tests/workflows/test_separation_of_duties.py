"""Separation of duties: nobody decides a step they submitted, and the verifier does not sign off.

The people here hold two roles on purpose, as ``officer_finance_syt`` does in
the demo.  Each refusal is a 403 with code ``separation_of_duties``, changes
nothing and leaves one ``refused.<action>`` entry.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from approvals import audit
from approvals.exceptions import Conflict, SeparationOfDuties
from approvals.models import AuditEntry
from approvals.roles import Role
from tests.factories import (
    Driver,
    approval_data,
    completion_data,
    funding_data,
    make_user,
    model_snapshot,
    registration_data,
)
from workflows import selectors, services
from workflows.models import PilotModel
from workflows.states import Action, State, StepKind


@pytest.fixture
def dual(people: dict[str, User]) -> dict[str, User]:
    """People with two roles: they are added to ``people`` so the driver can act as them."""
    extra = {
        "officer_leader_syt": make_user("officer_leader_syt", "SYT", Role.OFFICER, Role.LEADER),
        "police_leader": make_user("police_leader", "CAT", Role.POLICE, Role.LEADER),
        "officer_police_syt": make_user("officer_police_syt", "SYT", Role.OFFICER, Role.POLICE),
        "officer_police_cat": make_user("officer_police_cat", "CAT", Role.OFFICER, Role.POLICE),
    }
    people.update(extra)
    return extra


def refused_as_separation_of_duties(
    drive: Driver, action: str, pm: PilotModel, who: str, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Act, expect a SoD refusal that changed nothing; return its single audit entry."""
    before = model_snapshot(pm.pk)
    seq = audit.head()[0]
    with pytest.raises(SeparationOfDuties) as caught:
        drive.act(action, pm, who, data)
    assert caught.value.status == 403
    assert caught.value.code == "separation_of_duties"
    assert model_snapshot(pm.pk) == before
    entries = list(AuditEntry.objects.filter(seq__gt=seq))
    assert [e.action for e in entries] == [f"refused.{action}"]
    assert entries[0].payload["code"] == "separation_of_duties"
    assert entries[0].actor_username == drive.p[who].username
    return entries[0]


def _request_as(drive: Driver, who: str, number: int = 6) -> PilotModel:
    pm = drive.approved(number)
    return drive.act("request_funding", pm, who, funding_data())


@pytest.mark.parametrize(
    ("action", "data"),
    [
        (Action.APPROVE_FUNDING, approval_data()),
        (Action.RETURN_FUNDING, {"comment": "Tự trả lại"}),
        (Action.REJECT_FUNDING, {"comment": "Tự từ chối"}),
    ],
)
def test_officer_finance_syt_cannot_decide_a_funding_request_they_made(
    drive: Driver, action: str, data: dict[str, Any]
) -> None:
    pm = _request_as(drive, "officer_finance_syt")

    refused_as_separation_of_duties(drive, action, pm, "officer_finance_syt", data)

    assert action not in selectors.available_actions(
        PilotModel.objects.get(pk=pm.pk), drive.p["officer_finance_syt"]
    )


def test_another_finance_officer_may_approve_the_request_officer_finance_syt_made(
    drive: Driver,
) -> None:
    pm = _request_as(drive, "officer_finance_syt")

    pm = drive.act("approve_funding", pm, "finance", approval_data())

    assert pm.state == State.FINANCED


def test_officer_finance_syt_may_approve_a_request_someone_else_made(drive: Driver) -> None:
    pm = _request_as(drive, "officer")

    pm = drive.act("approve_funding", pm, "officer_finance_syt", approval_data())

    assert pm.state == State.FINANCED


def test_officer_finance_syt_cannot_approve_their_own_extra_funding_round(drive: Driver) -> None:
    pm = drive.deploying()
    pm = drive.act("request_funding", pm, "officer_finance_syt", funding_data(300_000_000))

    refused_as_separation_of_duties(
        drive, "approve_funding", pm, "officer_finance_syt", approval_data(300_000_000)
    )

    assert (
        drive.act("approve_funding", pm, "finance2", approval_data(300_000_000)).state
        == State.DEPLOYING
    )


def test_separation_of_duties_is_answered_before_invalid_input(drive: Driver) -> None:
    pm = _request_as(drive, "officer_finance_syt")

    entry = refused_as_separation_of_duties(
        drive,
        "approve_funding",
        pm,
        "officer_finance_syt",
        approval_data(-5, decision_date="31/02/2026"),
    )

    assert entry.payload["status"] == 403


def test_a_stale_version_is_answered_before_separation_of_duties(drive: Driver) -> None:
    pm = _request_as(drive, "officer_finance_syt")
    seq = audit.head()[0]

    with pytest.raises(Conflict):
        drive.act(
            "approve_funding", pm, "officer_finance_syt", approval_data(version=pm.version - 1)
        )

    assert list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", "payload__code")) == [
        ("refused.approve_funding", "conflict")
    ]


def _submitted_by(drive: Driver, who: str, number: int = 6) -> PilotModel:
    pm = drive.deploying(number)
    return drive.act("submit_completion", pm, who, completion_data())


def test_whoever_submitted_a_completion_report_cannot_verify_it(
    drive: Driver, dual: dict[str, User]
) -> None:
    pm = _submitted_by(drive, "officer_police_syt")

    refused_as_separation_of_duties(drive, "verify_completion", pm, "officer_police_syt")
    refused_as_separation_of_duties(
        drive, "return_completion", pm, "officer_police_syt", {"comment": "Tự trả"}
    )


@pytest.mark.parametrize(
    ("action", "data"), [("sign_off", {}), ("return_signoff", {"comment": "Tự trả lại"})]
)
def test_whoever_submitted_a_completion_report_cannot_sign_it_off(
    drive: Driver, dual: dict[str, User], action: str, data: dict[str, Any]
) -> None:
    pm = _submitted_by(drive, "officer_leader_syt")
    pm = drive.act("verify_completion", pm, "police")

    refused_as_separation_of_duties(drive, action, pm, "officer_leader_syt", data)

    assert drive.act(action, pm, "leader", data or None).version == pm.version + 1


@pytest.mark.parametrize(
    ("action", "data"), [("sign_off", {}), ("return_signoff", {"comment": "Tự trả lại"})]
)
def test_whoever_verified_a_completion_report_cannot_sign_it_off(
    drive: Driver, dual: dict[str, User], action: str, data: dict[str, Any]
) -> None:
    pm = drive.completion_submitted()
    pm = drive.act("verify_completion", pm, "police_leader")

    refused_as_separation_of_duties(drive, action, pm, "police_leader", data)

    assert action not in selectors.available_actions(
        PilotModel.objects.get(pk=pm.pk), drive.p["police_leader"]
    )


def test_the_verifier_of_an_earlier_round_may_sign_off_a_later_one(
    drive: Driver, dual: dict[str, User]
) -> None:
    pm = drive.completion_submitted()
    pm = drive.act("verify_completion", pm, "police_leader")
    pm = drive.act("return_signoff", pm, "leader", {"comment": "Bổ sung số liệu"})
    pm = drive.act("submit_completion", pm, "officer", completion_data(summary="Đã bổ sung"))
    pm = drive.act("verify_completion", pm, "police")

    pm = drive.act("sign_off", pm, "police_leader")

    assert pm.state == State.COMPLETED


def test_police_cannot_approve_a_registration_they_submitted(
    drive: Driver, dual: dict[str, User]
) -> None:
    # An officer of the police's own agency, who is also in `police`, registers a CAT model.
    pm = services.pilot_model_register(
        actor=drive.p["officer_police_cat"],
        data=registration_data(60, agency_code="CAT", officer="officer_police_cat"),
    )
    assert pm.pending_step is not None and pm.pending_step.kind == StepKind.REGISTRATION_REVIEW

    refused_as_separation_of_duties(drive, "approve_registration", pm, "officer_police_cat")
    refused_as_separation_of_duties(
        drive, "return_registration", pm, "officer_police_cat", {"comment": "Tự trả"}
    )

    assert drive.act("approve_registration", pm, "police").version == pm.version + 1
