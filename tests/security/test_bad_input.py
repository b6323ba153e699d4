"""Bad input through the API and the forms: always a 4xx, never a 500, never a change.

Every action is put in the one situation where it is allowed, so the input
check (the last of SPEC §4's order) is what answers.  Each probe runs in a
savepoint that is rolled back, so one probe cannot see another.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import Driver
from tests.security.racing import SITUATIONS, Situation
from tests.security.test_access_matrix import _lifecycle
from workflows.actions import model_actions
from workflows.fields import CodeListField, ObjectField, RowsField, StrictBooleanField
from workflows.models import PilotModel

REGISTRY = model_actions()

CASES = sorted(case for case in SITUATIONS if "@" not in case)
NATURAL: dict[type[forms.Field], type] = {
    StrictBooleanField: bool,
    RowsField: list,
    CodeListField: list,
    ObjectField: dict,
}
WRONG: dict[str, Any] = {"an object": {"$gt": ""}, "a list": [1, 2], "a boolean": True}


def _api(user: User) -> APIClient:
    _instance, key = AuthToken.objects.create(user=user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def _url(pm: PilotModel, action: str) -> str:
    return f"/api/v1/pilot-models/{pm.pk}/actions/{action}/"


def _probe(client: Any, url: str, body: Any, **kwargs: Any) -> Any:
    with transaction.atomic():
        response = client.post(url, body, **kwargs)
        transaction.set_rollback(True)
    return response


def _wrong_typed(situation: Situation) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The valid input with one field, or one field of one nested row, given a wrong type."""
    form_class = REGISTRY[situation.action].form_class
    for name, field in form_class.base_fields.items():
        if name == "version":
            continue
        for label, value in WRONG.items():
            if not isinstance(value, NATURAL.get(type(field), ())):
                yield name, label, {**situation.data, name: value}
        nested = getattr(field, "row_form", None) or getattr(field, "form", None)
        if nested is None:
            continue
        given = situation.data.get(name)
        row = dict(
            given[0]
            if isinstance(given, list) and given
            else given or {k: "1" for k in nested.base_fields}
        )
        for sub in nested.base_fields:
            for label, value in WRONG.items():
                bad_row = {**row, sub: value}
                yield (
                    f"{name}.{sub}",
                    label,
                    {
                        **situation.data,
                        name: [bad_row] if isinstance(field, RowsField) else bad_row,
                    },
                )


@pytest.mark.parametrize("case", CASES)
def test_every_field_of_every_action_refuses_a_wrong_type_with_400(
    case: str, drive: Driver
) -> None:
    situation = SITUATIONS[case](drive, 50)
    client = _api(drive.p[situation.actor])
    before = _lifecycle()
    wrong: dict[str, Any] = {}

    for name, label, body in _wrong_typed(situation):
        response = _probe(
            client, _url(situation.pilot_model, situation.action), body, format="json"
        )
        if response.status_code != 400 or name.split(".")[0] not in response.json():
            wrong[f"{name} as {label}"] = (response.status_code, response.content[:200])

    assert wrong == {}
    assert _lifecycle() == before


MALFORMED = {
    "broken JSON": "{not json",
    "a list": "[]",
    "null": "null",
    "a string": '"approve"',
    "a number too big for a float": "1e999999",
    "nesting 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "a lone surrogate": '{"comment": "\\ud800"}',
    "a NUL character": '{"comment": "a\\u0000b"}',
    "a version that is not a number": '{"version": "abc", "comment": "x"}',
    "a version that is a float": '{"version": 1.5, "comment": "x"}',
}


@pytest.mark.parametrize("body", sorted(MALFORMED))
def test_a_malformed_body_is_a_400_on_every_action(body: str, drive: Driver) -> None:
    """One body, every action URL: the parser answers before any action runs."""
    pm = drive.register(51)
    client = _api(drive.p["leader"])
    before = _lifecycle()

    answers = {
        action: _probe(
            client, _url(pm, action), MALFORMED[body], content_type="application/json"
        ).status_code
        for action in REGISTRY
    }

    # 400 for bad input; a few actions are refused earlier by role (403) or state (409).
    assert set(answers.values()) <= {400, 403, 409}, answers
    assert answers["cancel"] == 400 and answers["extend_deadline"] == 400
    assert _lifecycle() == before


@pytest.mark.parametrize("action", sorted(REGISTRY))
def test_get_on_an_action_url_is_405(action: str, drive: Driver) -> None:
    pm = drive.register(52)

    response = _api(drive.p["police"]).get(_url(pm, action))

    assert response.status_code == 405


def test_a_session_post_without_csrf_is_403_csrf_failed_on_every_action(drive: Driver) -> None:
    pm = drive.register(53)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(drive.p["police"])
    before = _lifecycle()

    answers = {
        action: (r.status_code, r.json().get("code"))
        for action in REGISTRY
        for r in [browser.post(_url(pm, action), {"comment": "x"}, format="json")]
    }

    assert set(answers.values()) == {(403, "csrf_failed")}, answers
    assert _lifecycle() == before


def test_a_page_post_without_csrf_is_refused(drive: Driver) -> None:
    pm = drive.register(54)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(drive.p["police"])

    response = browser.post(
        f"/pilot-models/{pm.pk}/actions/approve_registration/",
        {"comment": "x", "version": pm.version},
    )

    assert response.status_code == 403
    assert PilotModel.objects.get(pk=pm.pk).version == pm.version


EXTRA = {
    "state": "completed",
    "lead_agency": "SGDDT",
    "process": 1,
    "number": 999,
    "is_sample": True,
    "progress_percent": 100,
    "responsible_officer_id": 1,
}


def test_fields_an_action_does_not_take_are_ignored_through_the_api(drive: Driver) -> None:
    """No mass assignment: only the action's own inputs reach the model."""
    pm = drive.register(55)

    response = _api(drive.p["police"]).post(
        _url(pm, "approve_registration"), {"comment": "Đồng ý", **EXTRA}, format="json"
    )

    assert response.status_code == 200
    after = PilotModel.objects.get(pk=pm.pk)
    assert (
        after.state,
        after.lead_agency.code,
        after.number,
        after.is_sample,
        after.progress_percent,
    ) == ("registered", "SYT", 55, False, 0)


def test_fields_an_action_does_not_take_are_ignored_through_the_pages(drive: Driver) -> None:
    pm = drive.register(56)
    browser = Client()
    browser.force_login(drive.p["police"])

    browser.post(
        f"/pilot-models/{pm.pk}/actions/approve_registration/",
        {"comment": "Đồng ý", "version": pm.version, **EXTRA},
    )

    after = PilotModel.objects.get(pk=pm.pk)
    assert after.version == pm.version + 1
    assert (after.state, after.lead_agency.code, after.number, after.is_sample) == (
        "registered",
        "SYT",
        56,
        False,
    )


@pytest.mark.parametrize("field", ["title", "tasks", "responsible_officer", "lead_agency"])
def test_registration_refuses_a_wrong_type_for_each_text_field(field: str, drive: Driver) -> None:
    from tests.factories import registration_data

    body = {**registration_data(57), field: {"$ne": None}}

    response = _api(drive.p["officer"]).post(
        "/api/v1/pilot-models/", json.dumps(body), content_type="application/json"
    )

    assert response.status_code in (400, 403)
    assert not PilotModel.objects.filter(number=57).exists()
