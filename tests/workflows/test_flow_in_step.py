"""The viewflow processes stay in step with the state machine, whoever calls.

The whole lifecycle, with every return loop, alternates between calling the
service and posting the flow's own task page; after each action the open
tasks are exactly what ``flow_sync.expected_main_nodes`` says.  A simulated
drift makes the action raise ``OutOfStep`` and rolls the whole action back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals import audit, clock
from approvals.backends import agency_permission
from approvals.models import Agency, AuditEntry
from tests.factories import (
    Driver,
    approval_data,
    completion_data,
    evidence_pdf,
    funding_data,
    model_snapshot,
)
from workflows import flow_sync, selectors
from workflows.flows import FundingRoundFlow, PilotFlow
from workflows.models import FundingRequest, PilotModel
from workflows.states import State

TODAY = clock.today().strftime("%d/%m/%Y")


def open_nodes(process: Any) -> set[str]:
    return {task.flow_task.name for task in flow_sync.open_tasks(process)}


def assert_in_step(pm: PilotModel) -> None:
    """The main process's open tasks are the expected ones; a round's task is open only while pending."""
    pm = PilotModel.objects.get(pk=pm.pk)
    assert open_nodes(pm.process) == flow_sync.expected_main_nodes(pm)
    pending = pm.pending_step
    for request in FundingRequest.objects.filter(pilot_model=pm).exclude(process=None):
        is_pending = pending is not None and request.step_id == pending.pk
        assert open_nodes(request.process) == ({"funding_appraisal"} if is_pending else set())
        assert request.process.flow_class is FundingRoundFlow


class TaskPages:
    """Post a node's task page as a logged-in person, the way a browser would."""

    def __init__(self, people: dict[str, User]) -> None:
        self.people = people

    def url(self, pm: PilotModel, node: str, *, flow: str = "pilot", process: Any = None) -> str:
        process = process or pm.process
        tasks = [t for t in flow_sync.open_tasks(process) if t.flow_task.name == node]
        assert len(tasks) == 1, f"no single open {node} task"
        return f"/flow/{flow}/{process.pk}/{node}/{tasks[0].pk}/execute/"

    def post(
        self, pm: PilotModel, node: str, who: str, data: dict[str, Any], **where: Any
    ) -> PilotModel:
        client = Client()
        client.force_login(self.people[who], backend="django.contrib.auth.backends.ModelBackend")
        pm = PilotModel.objects.get(pk=pm.pk)
        url = self.url(pm, node, **where)
        assert client.get(url).status_code == 200
        response = client.post(url, {"version": pm.version, **data})
        assert response.status_code == 302, response.content.decode()[:2000]
        return PilotModel.objects.get(pk=pm.pk)


@pytest.fixture
def pages(people: dict[str, User]) -> TaskPages:
    return TaskPages(people)


def test_the_whole_lifecycle_with_every_return_loop_stays_in_step_through_services_and_task_pages(
    drive: Driver, pages: TaskPages
) -> None:
    done = completion_data()
    steps: list[tuple[str, Callable[[PilotModel], PilotModel], str, str | None]] = [
        # (how, action, expected state, expected pending step)
        (
            "page",
            lambda pm: pages.post(
                pm,
                "registration_review",
                "police",
                {"action": "return_registration", "comment": "Bổ sung sản phẩm"},
            ),
            State.REGISTERED,
            None,
        ),
        (
            "service",
            lambda pm: drive.act(
                "resubmit_registration", pm, "officer", {"title": "Khám bệnh bằng CCCD"}
            ),
            State.REGISTERED,
            "registration_review",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm, "registration_review", "police", {"action": "approve_registration"}
            ),
            State.REGISTERED,
            None,
        ),
        (
            "service",
            lambda pm: drive.act("request_funding", pm, "officer", funding_data()),
            State.FUNDING_REQUESTED,
            "funding_appraisal",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "funding_appraisal",
                "finance",
                {"action": "return_funding", "comment": "Thiếu thuyết minh"},
            ),
            State.REGISTERED,
            None,
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "plan",
                "officer",
                {
                    "action": "request_funding",
                    "amount": "1.250.000.000",
                    "funding_source": "provincial_recurrent",
                    "spending_kind": "recurrent",
                    "budget_year": clock.today().year,
                    "lines-0-item": "Thiết bị đọc CCCD",
                    "lines-0-amount": "1.000.000.000",
                    "lines-1-item": "Tập huấn",
                    "lines-1-amount": "250.000.000",
                    "justification": "Theo kế hoạch",
                },
            ),
            State.FUNDING_REQUESTED,
            "funding_appraisal",
        ),
        (
            "service",
            lambda pm: drive.act("reject_funding", pm, "finance", {"comment": "Chưa cân đối được"}),
            State.REGISTERED,
            None,
        ),
        (
            "service",
            lambda pm: drive.act("request_funding", pm, "officer", funding_data()),
            State.FUNDING_REQUESTED,
            "funding_appraisal",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "funding_appraisal",
                "finance",
                {
                    "action": "approve_funding",
                    "approved_amount": "1.000.000.000",
                    "decision_number": "1234/QĐ-UBND",
                    "decision_date": TODAY,
                    "comment": "Đồng ý",
                },
            ),
            State.FINANCED,
            None,
        ),
        (
            "service",
            lambda pm: drive.act(
                "start_deployment", pm, "officer", {"start_date": clock.today().isoformat()}
            ),
            State.DEPLOYING,
            None,
        ),
        (
            "service",
            lambda pm: drive.act("request_funding", pm, "officer", funding_data(300_000_000)),
            State.DEPLOYING,
            "funding_appraisal",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "funding_appraisal",
                "finance2",
                {
                    "action": "approve_funding",
                    "approved_amount": "300.000.000",
                    "decision_number": "1300/QĐ-UBND",
                    "decision_date": TODAY,
                },
                flow="funding-round",
                process=pm.funding_requests.get(round=4).process,
            ),
            State.DEPLOYING,
            None,
        ),
        (
            "service",
            lambda pm: drive.act("submit_completion", pm, "officer", done, files=[evidence_pdf()]),
            State.DEPLOYING,
            "completion_verification",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "completion_verification",
                "police",
                {"action": "return_completion", "comment": "Thiếu biên bản"},
            ),
            State.DEPLOYING,
            None,
        ),
        (
            "page",
            lambda pm: _post_completion(pages, pm),
            State.DEPLOYING,
            "completion_verification",
        ),
        (
            "service",
            lambda pm: drive.act("verify_completion", pm, "police"),
            State.DEPLOYING,
            "completion_signoff",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm,
                "signoff",
                "leader",
                {"action": "return_signoff", "comment": "Xác minh lại số liệu"},
            ),
            State.DEPLOYING,
            None,
        ),
        (
            "service",
            lambda pm: drive.act("submit_completion", pm, "officer", done),
            State.DEPLOYING,
            "completion_verification",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm, "completion_verification", "police2", {"action": "verify_completion"}
            ),
            State.DEPLOYING,
            "completion_signoff",
        ),
        (
            "page",
            lambda pm: pages.post(
                pm, "signoff", "leader", {"action": "sign_off", "comment": "Đồng ý"}
            ),
            State.COMPLETED,
            None,
        ),
    ]
    pm = drive.register()
    assert_in_step(pm)
    assert open_nodes(pm.process) == {"registration_review"}

    for index, (how, act, state, pending) in enumerate(steps):
        seq = audit.head()[0]
        pm = act(pm)
        pending_step = pm.pending_step
        assert (pm.state, pending_step.kind if pending_step else None) == (state, pending), (
            index,
            how,
        )
        assert AuditEntry.objects.filter(seq__gt=seq).count() == 1, (index, how)
        assert_in_step(pm)

    assert {how for how, *_ in steps} == {"page", "service"}
    pm.process.refresh_from_db()
    assert pm.process.status == PROCESS.DONE
    assert not Task.objects.filter(process=pm.process, status__in=flow_sync.OPEN_TASK).exists()
    assert audit.verify().ok


def _post_completion(pages: TaskPages, pm: PilotModel) -> PilotModel:
    deliverable = pm.deliverables.get()
    return pages.post(
        pm,
        "deploy",
        "officer",
        {
            "action": "submit_completion",
            "deliverables-0-name": deliverable.name,
            "deliverables-0-achieved": "10",
            "summary": "Đã bổ sung biên bản",
            "files": evidence_pdf("bien-ban-bo-sung.pdf"),
        },
    )


# Drift: the flow disagrees with the state machine.


def _unchanged(
    drive: Driver, pm: PilotModel, action: str, who: str, data: dict[str, Any] | None = None
) -> None:
    """The action must raise OutOfStep and leave the model, its flow and the audit trail as they were."""
    before = model_snapshot(pm.pk)
    entries = AuditEntry.objects.count()

    with pytest.raises(flow_sync.OutOfStep):
        drive.act(action, pm, who, data)

    assert model_snapshot(pm.pk) == before
    assert AuditEntry.objects.count() == entries


def test_an_action_whose_task_is_not_completed_raises_out_of_step_and_rolls_back(
    drive: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    pm = drive.register()
    monkeypatch.setattr(flow_sync, "complete", lambda process, nodes, actor: None)

    _unchanged(drive, pm, "approve_registration", "police")

    pm = PilotModel.objects.get(pk=pm.pk)
    assert (pm.state, pm.pending_step.kind) == (State.REGISTERED, "registration_review")  # type: ignore[union-attr]


def test_a_task_cancelled_behind_the_services_back_makes_the_next_decision_roll_back(
    drive: Driver,
) -> None:
    pm = drive.funding_requested()
    Task.objects.filter(process=pm.process, status__in=flow_sync.OPEN_TASK).update(
        status=STATUS.CANCELED
    )

    _unchanged(drive, pm, "approve_funding", "finance", approval_data())


def test_a_stray_open_task_makes_even_an_action_outside_the_flow_roll_back(drive: Driver) -> None:
    pm = drive.deploying()
    stray = flow_sync.open_tasks(pm.process)[0]
    stray.pk = None
    stray.flow_task = PilotFlow.signoff
    stray.save()

    _unchanged(
        drive, pm, "set_blocker", "police", {"reason": "legacy_systems", "note": "Hệ thống cũ"}
    )


def test_a_drift_seen_from_the_task_page_rolls_back_too(
    drive: Driver, pages: TaskPages, monkeypatch: pytest.MonkeyPatch
) -> None:
    pm = drive.register()
    url = pages.url(pm, "registration_review")
    before = model_snapshot(pm.pk)
    entries = AuditEntry.objects.count()
    monkeypatch.setattr(flow_sync, "complete", lambda process, nodes, actor: None)
    client = Client()
    client.force_login(drive.p["police"], backend="django.contrib.auth.backends.ModelBackend")

    with pytest.raises(flow_sync.OutOfStep):
        client.post(url, {"action": "approve_registration", "version": pm.version})

    assert model_snapshot(pm.pk) == before
    assert AuditEntry.objects.count() == entries


# Cancel, reassignment and extra rounds.


@pytest.mark.parametrize(
    "where",
    ["registered", "funding_requested", "deploying_with_extra_round", "completion_verified"],
)
def test_cancel_ends_the_process_and_every_open_task(drive: Driver, where: str) -> None:
    pm = {
        "registered": lambda: drive.register(),
        "funding_requested": lambda: drive.funding_requested(),
        "deploying_with_extra_round": lambda: drive.extra_round(base="deploying"),
        "completion_verified": lambda: drive.verified(),
    }[where]()

    pm = drive.cancelled(pm)

    pm.process.refresh_from_db()
    assert pm.state == State.CANCELLED
    assert pm.pending_step is None
    assert pm.process.status == PROCESS.CANCELED
    processes = [pm.process, *(r.process for r in pm.funding_requests.exclude(process=None))]
    for process in processes:
        process.refresh_from_db()
        assert process.status == PROCESS.CANCELED
        assert flow_sync.open_tasks(process) == []
    assert_in_step(pm)


def test_withdraw_ends_the_process_like_cancel(drive: Driver) -> None:
    pm = drive.withdrawn()

    pm.process.refresh_from_db()
    assert (pm.state, pm.process.status, flow_sync.open_tasks(pm.process)) == (
        State.CANCELLED,
        PROCESS.CANCELED,
        [],
    )


def test_reassigning_the_lead_agency_moves_the_agency_task_to_the_new_agency(
    drive: Driver, pages: TaskPages, officer: User, other_officer: User
) -> None:
    pm = drive.deploying()
    task = flow_sync.open_tasks(pm.process)[0]
    syt, sgddt = Agency.objects.get(code="SYT"), Agency.objects.get(code="SGDDT")
    assert (task.flow_task.name, task.owner_permission) == ("deploy", agency_permission(syt.pk))
    task.flow_task.activation_class(task).assign(officer)  # the old agency's officer had claimed it

    pm = drive.act(
        "reassign_lead_agency",
        pm,
        "leader",
        {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_sgddt",
            "decision_number": "20/QĐ-UBND",
        },
    )

    task.refresh_from_db()
    assert task.owner_permission == agency_permission(sgddt.pk)
    assert (task.owner_id, task.status) == (None, STATUS.NEW)
    assert [t.pk for t in selectors.inbox(other_officer)] == [task.pk]
    assert not selectors.inbox(officer).exists()
    assert_in_step(pm)
    # The new agency's officer can now take the task through its page.
    pm = pages.post(
        pm,
        "deploy",
        "other_officer",
        {
            "action": "submit_completion",
            "deliverables-0-name": pm.deliverables.get().name,
            "deliverables-0-achieved": "10",
            "summary": "SGDDT hoàn thành",
        },
    )
    assert pm.pending_step.kind == "completion_verification"  # type: ignore[union-attr]
    assert_in_step(pm)


@pytest.mark.parametrize("base", ["financed", "deploying"])
def test_an_extra_funding_round_runs_its_own_process_and_leaves_the_main_one_alone(
    drive: Driver, base: str
) -> None:
    pm = getattr(drive, base)()
    main_tasks = list(Task.objects.filter(process=pm.process).values_list("pk", "status"))

    pm = drive.act("request_funding", pm, "officer", funding_data(400_000_000))

    request = pm.funding_requests.get(round=2)
    assert request.process is not None and request.process.flow_class is FundingRoundFlow
    assert request.process.pk != pm.process_id
    assert open_nodes(request.process) == {"funding_appraisal"}
    assert list(Task.objects.filter(process=pm.process).values_list("pk", "status")) == main_tasks
    assert pm.state == base
    assert_in_step(pm)

    pm = drive.act("approve_funding", pm, "finance", approval_data(400_000_000))

    request.process.refresh_from_db()
    assert request.process.status == PROCESS.DONE
    assert open_nodes(request.process) == set()
    assert list(Task.objects.filter(process=pm.process).values_list("pk", "status")) == main_tasks
    assert (pm.state, pm.pending_step) == (base, None)
    assert_in_step(pm)
