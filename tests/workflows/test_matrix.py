"""The transition matrix: every action × every situation × every role.

The expected answer of each combination comes from ``matrix_spec`` (SPEC §4
restated as data), never from the services.  Each situation is built once
per module through the real services; each combination then runs inside a
savepoint that is rolled back, so combinations cannot see each other.

Allowed combinations must land where the table says, raise the version by
one, write exactly one audit entry and keep the flow in step.  Refused ones
must raise the right error, change nothing (model row, steps, blockers,
funding, deliverables, processes and tasks) and write exactly one
``refused.<action>`` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from approvals import audit
from approvals.exceptions import DomainError, Forbidden, Invalid
from approvals.models import AuditEntry, Outcome
from tests.factories import Driver, built_once, evidence_pdf, model_snapshot, registration_data
from tests.workflows.matrix_spec import OK, ROLES, RULES, SITUATIONS, Situation, expected
from workflows import flow_sync, services
from workflows.actions import model_actions
from workflows.models import PilotModel
from workflows.states import Action, State, StepKind

ACTIONS = [action for action in Action if action != Action.REGISTER]
SITUATION_BY_NAME = {s.name: s for s in SITUATIONS}


@dataclass
class World:
    people: dict[str, User]
    model_ids: dict[str, int]
    # Each situation's snapshot as built; every combination rolls back to it.
    snapshots: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """Every situation, built once through the services, rolled back after the module."""

    def build(drive: Driver) -> dict[str, int]:
        return {s.name: s.build(drive, number).pk for number, s in enumerate(SITUATIONS, start=1)}

    for people, model_ids in built_once(
        django_db_blocker, tmp_path_factory.mktemp("matrix"), build
    ):
        with django_db_blocker.unblock():
            snapshots = {name: model_snapshot(pk) for name, pk in model_ids.items()}
        yield World(people, model_ids, snapshots)


@pytest.fixture(autouse=True)
def _private_storage() -> None:
    """Replaces the per-test evidence folder: ``world`` gives the module one (and a folder per test is slow)."""


def _pending_kind(pm: PilotModel) -> str | None:
    step = pm.steps.filter(outcome=Outcome.PENDING).first()
    return step.kind if step else None


def _open_blockers(pm: PilotModel) -> set[str]:
    return set(pm.blockers.filter(cleared_at__isnull=True).values_list("reason", flat=True))


def _registration_outcome(pm: PilotModel) -> str:
    last = pm.last_step_of(StepKind.REGISTRATION_REVIEW)
    assert last is not None
    return "pending" if last.outcome == Outcome.PENDING else str(last.outcome)


@pytest.mark.parametrize("situation", SITUATIONS, ids=str)
def test_each_situation_is_built_as_declared(world: World, db: None, situation: Situation) -> None:
    pm = PilotModel.objects.get(pk=world.model_ids[situation.name])
    assert pm.state == situation.state
    assert _pending_kind(pm) == situation.pending
    assert pm.needs_funding is situation.needs_funding
    assert _open_blockers(pm) == set(situation.blockers)
    assert _registration_outcome(pm) == situation.registration
    assert sorted(pm.coordinating_agencies.values_list("code", flat=True)) == ["SGDDT"]
    flow_sync.assert_in_step(pm)
    # Every combination starts from this snapshot: the rollbacks really restore it.
    assert model_snapshot(pm.pk) == world.snapshots[situation.name]


def test_the_situations_cover_every_state_and_every_pending_step() -> None:
    assert {s.state for s in SITUATIONS} == set(State.values)
    assert {s.pending for s in SITUATIONS} == {None, *StepKind.values}
    assert any(
        s.pending == StepKind.FUNDING_APPRAISAL and s.state == State.FINANCED for s in SITUATIONS
    )
    assert any(
        s.pending == StepKind.FUNDING_APPRAISAL and s.state == State.DEPLOYING for s in SITUATIONS
    )
    assert {s.registration for s in SITUATIONS} == {"pending", "returned", "approved", "closed"}


def test_the_matrix_has_a_rule_for_every_action_and_every_action_has_a_service() -> None:
    assert set(RULES) == set(ACTIONS)
    assert set(model_actions()) == set(ACTIONS)
    assert len(Action) == 23  # the 22 below, and register
    assert len(ACTIONS) == 22


def test_the_matrix_allows_each_action_somewhere_and_refuses_it_somewhere() -> None:
    for action in ACTIONS:
        outcomes = {expected(s, action, role) for s in SITUATIONS for role in ROLES}
        assert OK in outcomes, action
        assert any(o.status == 409 for o in outcomes), action


CASES = [
    pytest.param(s.name, action, role, id=f"{s.name}-{action}-{role}")
    for s in SITUATIONS
    for action in ACTIONS
    for role in ROLES
]


@pytest.mark.parametrize(("situation_name", "action", "role"), CASES)
def test_every_action_in_every_situation_by_every_role_follows_the_spec(
    world: World, db: None, situation_name: str, action: str, role: str
) -> None:
    situation = SITUATION_BY_NAME[situation_name]
    rule = RULES[action]
    want = expected(situation, action, role)
    actor = world.people[ROLES[role]]
    pk = world.model_ids[situation_name]
    before = world.snapshots[situation_name]
    last_seq = audit.head()[0]
    files = [evidence_pdf()] if rule.files else []

    try:
        services.perform(
            action, pilot_model_id=pk, actor=actor, data=rule.data(situation), files=files
        )
    except DomainError as error:
        got = (error.status, error.code)
    else:
        got = (200, "ok")

    assert got == (want.status, want.code)
    entries = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_username == actor.username
    if want.status == 404:
        # Not a model this actor can see: a request-level entry, with the id asked for (review M1).
        assert (entry.object_type, entry.object_id, entry.payload["attempted_id"]) == (
            "request",
            "",
            str(pk),
        )
    else:
        assert entry.object_id == str(pk)
    pm = PilotModel.objects.get(pk=pk)
    if want == OK:
        state, pending = rule.after(situation)
        assert (pm.state, _pending_kind(pm)) == (state, pending)
        assert pm.version == before["model"][0]["version"] + 1
        assert _open_blockers(pm) == rule.blockers_after(situation)
        assert entry.action == rule.event
        assert (entry.from_state, entry.to_state) == (situation.state, state)
        flow_sync.assert_in_step(pm)
        assert {
            t.flow_task.name for t in flow_sync.open_tasks(pm.process)
        } == flow_sync.expected_main_nodes(pm)
    else:
        assert model_snapshot(pk) == before
        assert entry.action == f"refused.{action}"
        assert (entry.payload["status"], entry.payload["code"]) == (want.status, want.code)


# register has no model yet: it is its own small matrix over the roles.

REGISTER_EXPECTED = {
    "lead_officer": (200, "ok"),
    "coordinating_officer": (403, "forbidden"),
    "other_agency_officer": (403, "forbidden"),
    "police": (403, "forbidden"),
    "finance": (403, "forbidden"),
    "leader": (403, "forbidden"),
    "inspector": (403, "forbidden"),
}


def _totals() -> tuple[int, int, int, int]:
    from viewflow.workflow.models import Process, Task

    from approvals.models import ApprovalStep

    return (
        PilotModel.objects.count(),
        ApprovalStep.objects.count(),
        Process.objects.count(),
        Task.objects.count(),
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_registering_a_model_is_for_an_officer_of_its_lead_agency_only(
    world: World, db: None, role: str
) -> None:
    actor = world.people[ROLES[role]]
    before = _totals()
    last_seq = audit.head()[0]
    data = registration_data(900, coordinating_agencies=["SGDDT"])

    try:
        pm = services.pilot_model_register(actor=actor, data=data)
    except DomainError as error:
        got = (error.status, error.code)
    else:
        got = (200, "ok")

    assert got == REGISTER_EXPECTED[role]
    entries = list(AuditEntry.objects.filter(seq__gt=last_seq))
    assert len(entries) == 1
    if got == (200, "ok"):
        assert entries[0].action == "registration.submitted"
        assert (pm.state, _pending_kind(pm)) == (State.REGISTERED, StepKind.REGISTRATION_REVIEW)
        assert _totals()[0] == before[0] + 1
        flow_sync.assert_in_step(pm)
    else:
        assert entries[0].action == "refused.register"
        assert entries[0].payload["status"] == 403
        assert _totals() == before


@pytest.mark.parametrize("role", ["coordinating_officer", "other_agency_officer"])
def test_an_officer_registering_for_another_agency_gets_403_even_with_bad_input(
    world: World, db: None, role: str
) -> None:
    actor = world.people[ROLES[role]]
    data = registration_data(901, deadline="31/02/2026", deliverables=[])

    with pytest.raises(Forbidden):
        services.pilot_model_register(actor=actor, data=data)

    assert not PilotModel.objects.filter(number=901).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": 1}, "number"),  # taken by the first situation
        ({"deliverables": []}, "deliverables"),
        ({"deadline": "2020-01-01"}, "deadline"),
    ],
    ids=["number_taken", "no_deliverable", "deadline_in_the_past"],
)
def test_register_refuses_the_specific_input_errors_with_the_field_named(
    world: World, db: None, overrides: dict[str, Any], field: str
) -> None:
    before = _totals()
    last_seq = audit.head()[0]

    with pytest.raises(Invalid) as caught:
        services.pilot_model_register(
            actor=world.people["officer"], data={**registration_data(902), **overrides}
        )

    assert field in caught.value.errors
    assert _totals() == before
    assert list(AuditEntry.objects.filter(seq__gt=last_seq).values_list("action", flat=True)) == [
        "refused.register"
    ]


# The order of checks, action by action, with input that is wrong in every field.

JUNK: dict[str, Any] = {
    "version": "abc",
    "comment": "x" * 5000,
    "title": "x" * 500,
    "amount": "abc",
    "approved_amount": "NaN",
    "decision_number": "abc",
    "decision_date": "31/02/2026",
    "start_date": "31/02/2026",
    "deadline": "31/02/2026",
    "date": "31/02/2026",
    "percent": 999,
    "reason": "aliens",
    "lead_agency": "XYZ",
    "coordinating_agencies": ["XYZ"],
    "deliverables": "abc",
    "lines": "abc",
}


def _first(
    action: str, want: Callable[[Any], bool], role_ok: Callable[[str], bool] = lambda r: True
) -> tuple[str, str]:
    for situation in SITUATIONS:
        for role in ROLES:
            if role_ok(role) and want(expected(situation, action, role)):
                return situation.name, role
    raise AssertionError(f"no such combination for {action}")


def _attempt(
    world: World, situation: str, action: str, role: str, data: dict[str, Any]
) -> DomainError:
    pk = world.model_ids[situation]
    with pytest.raises(DomainError) as caught:
        services.perform(action, pilot_model_id=pk, actor=world.people[ROLES[role]], data=data)
    assert model_snapshot(pk) == world.snapshots[situation]
    return caught.value


@pytest.mark.parametrize("action", ACTIONS)
def test_a_wrong_role_is_refused_with_403_before_the_input_is_looked_at(
    world: World, db: None, action: str
) -> None:
    situation, _ = _first(action, lambda e: e == OK)
    role = next(r for r in ROLES if r != "other_agency_officer" and r not in RULES[action].who)

    error = _attempt(world, situation, action, role, JUNK)

    assert (error.status, error.code) == (403, "forbidden")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_wrong_state_is_refused_with_409_before_the_input_is_looked_at(
    world: World, db: None, action: str
) -> None:
    situation, role = _first(action, lambda e: e.status == 409)

    error = _attempt(world, situation, action, role, JUNK)

    assert (error.status, error.code) == (409, "conflict")


@pytest.mark.parametrize("action", ACTIONS)
def test_bad_input_in_the_right_situation_is_refused_with_400_naming_the_fields(
    world: World, db: None, action: str
) -> None:
    situation, role = _first(action, lambda e: e == OK)

    error = _attempt(world, situation, action, role, JUNK)

    assert isinstance(error, Invalid)
    assert "version" in error.errors


@pytest.mark.parametrize("action", ACTIONS)
def test_a_stale_version_is_a_conflict_and_the_current_one_goes_through(
    world: World, db: None, action: str
) -> None:
    name, role = _first(action, lambda e: e == OK)
    situation = SITUATION_BY_NAME[name]
    rule = RULES[action]
    version = world.snapshots[name]["model"][0]["version"]
    files = (lambda: [evidence_pdf()]) if rule.files else list

    error = _attempt(world, name, action, role, {**rule.data(situation), "version": version - 1})
    assert (error.status, error.code) == (409, "conflict")

    pm = services.perform(
        action,
        pilot_model_id=world.model_ids[name],
        actor=world.people[ROLES[role]],
        data={**rule.data(situation), "version": version},
        files=files(),
    )
    assert pm.version == version + 1
