"""The transition matrix over HTTP: every action × every situation × every role.

The expected answer comes from ``tests.workflows.matrix_spec`` (SPEC §4
restated as data, never the services), the same oracle as the service-level
matrix; here each combination goes through the real stack: knox token,
URL, parser, view, ``services.perform``, exception handler.  The status
*and* the ``code`` must match SPEC's order of checks, a refusal must change
nothing, and a success must answer the updated model.

Each situation is built once per module; each combination runs in a
savepoint that is rolled back, so combinations cannot see each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from approvals import audit
from approvals.models import AuditEntry
from tests.factories import OUTSIDER, ROLE_PEOPLE, Driver, evidence_pdf, make_user, model_snapshot
from tests.workflows.matrix_spec import OK, ROLES, RULES, SITUATIONS, Situation, expected
from workflows.models import PilotModel
from workflows.states import Action

ACTIONS = [action for action in Action if action != Action.REGISTER]
SITUATION_BY_NAME = {s.name: s for s in SITUATIONS}


@dataclass
class World:
    clients: dict[str, APIClient]
    model_ids: dict[str, int]


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """Every situation and one token per role, built once, rolled back after the module."""
    storage = override_settings(PRIVATE_STORAGE_ROOT=tmp_path_factory.mktemp("api-matrix-evidence"))
    with django_db_blocker.unblock():
        storage.enable()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            people = {
                key: make_user(username, code, *roles)
                for key, (username, code, roles) in ROLE_PEOPLE.items()
            }
            people["outsider"] = make_user(OUTSIDER[0], OUTSIDER[1], *OUTSIDER[2])
            drive = Driver(people)
            model_ids = {
                s.name: s.build(drive, number).pk for number, s in enumerate(SITUATIONS, start=1)
            }
            clients = {}
            for role, who in ROLES.items():
                _instance, token = AuthToken.objects.create(user=people[who])
                clients[role] = APIClient(
                    HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en"
                )
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            storage.disable()
            raise
    yield World(clients, model_ids)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        storage.disable()


def post_action(
    client: APIClient, pk: int, action: str, data: dict[str, Any], *, files: bool = False
) -> Any:
    url = f"/api/v1/pilot-models/{pk}/actions/{action}/"
    if files:
        # SPEC §9: submit_completion may be multipart, a `data` part plus `files` parts.
        return client.post(
            url, {"data": json.dumps(data), "files": [evidence_pdf()]}, format="multipart"
        )
    return client.post(url, data, format="json")


def _pending(body: dict[str, Any]) -> str | None:
    step = body["open_step"]
    return step["kind"] if step else None


def _check(world: World, situation: Situation, action: str, role: str) -> str | None:
    """One combination; returns a description of what went wrong, or None."""
    rule = RULES[action]
    want = expected(situation, action, role)
    pk = world.model_ids[situation.name]
    before = model_snapshot(pk)
    version = PilotModel.objects.values_list("version", flat=True).get(pk=pk)
    last_seq = audit.head()[0]
    response = post_action(world.clients[role], pk, action, rule.data(situation), files=rule.files)
    body = response.json()
    if want == OK:
        if response.status_code != 200:
            return f"{action}: want 200, got {response.status_code} {body}"
        state, pending = rule.after(situation)
        if (body["state"], _pending(body)) != (state, pending):
            return f"{action}: landed in {(body['state'], _pending(body))}, want {(state, pending)}"
        if body["version"] != version + 1:
            return f"{action}: version {body['version']} after {version}"
        if {b["reason"] for b in body["blockers"] if b["set_by"]} != rule.blockers_after(situation):
            return f"{action}: blockers {body['blockers']}"
        return None
    got = (response.status_code, body.get("code"))
    if got != (want.status, want.code):
        return f"{action}: want {(want.status, want.code)}, got {got} {body}"
    if set(body) != {"detail", "code"} or not body["detail"]:
        return f"{action}: error body {body}"
    if model_snapshot(pk) != before:
        return f"{action}: a refusal changed the model"
    entries = list(AuditEntry.objects.filter(seq__gt=last_seq).values_list("action", flat=True))
    if entries != [f"refused.{action}"]:
        return f"{action}: audit entries {entries}"
    return None


CASES = [pytest.param(s.name, role, id=f"{s.name}-{role}") for s in SITUATIONS for role in ROLES]


@pytest.mark.parametrize(("situation_name", "role"), CASES)
def test_every_action_over_http_answers_as_the_spec_orders(
    world: World, db: None, situation_name: str, role: str
) -> None:
    situation = SITUATION_BY_NAME[situation_name]
    problems = []
    for action in ACTIONS:
        with transaction.atomic():
            problem = _check(world, situation, action, role)
            transaction.set_rollback(True)
        if problem:
            problems.append(problem)
    assert problems == []


def test_the_http_matrix_covers_every_action_and_every_spec_answer() -> None:
    answers = {
        (expected(s, a, r).status, expected(s, a, r).code)
        for s in SITUATIONS
        for a in ACTIONS
        for r in ROLES
    }
    assert answers == {(200, "ok"), (404, "not_found"), (403, "forbidden"), (409, "conflict")}
    assert len(ACTIONS) == 22
