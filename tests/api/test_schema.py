"""The OpenAPI schema: valid, served with local assets, one documented body per action.

The documented bodies are generated from the services' input forms
(``workflows.api.form_schema``); these tests check the result field by
field, so an integrator can drive a model from the schema.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from workflows.action_inputs import RegisterForm
from workflows.actions import REGISTRY, model_actions
from workflows.api.form_schema import body_for, body_name

ACTIONS = sorted(model_actions())


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_schema_generates_without_a_single_warning(tmp_path: Any) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_the_schema_is_openapi_3(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]


def test_every_action_is_an_operation_with_its_own_request_body(schema: dict[str, Any]) -> None:
    for action in ACTIONS:
        operation = schema["paths"][f"/api/v1/pilot-models/{{id}}/actions/{action}/"]["post"]
        content = operation["requestBody"]["content"]
        ref = content["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{body_name(REGISTRY[action].form_class)}"
        assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "409"}
    multipart = schema["paths"]["/api/v1/pilot-models/{id}/actions/submit_completion/"]["post"]["requestBody"]["content"]
    assert multipart["multipart/form-data"]["schema"]["$ref"] == "#/components/schemas/SubmitCompletionMultipart"


def _form_fields(form_class: type) -> dict[str, bool]:
    return {name: field.required for name, field in form_class().fields.items()}


def _body_fields(serializer_class: type) -> dict[str, bool]:
    return {name: field.required for name, field in serializer_class().fields.items()}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_documented_body_matches_the_service_form(action: str) -> None:
    form_class = REGISTRY[action].form_class
    assert _body_fields(body_for(form_class)) == _form_fields(form_class)


def test_the_registration_body_matches_the_registration_form() -> None:
    assert _body_fields(body_for(RegisterForm)) == _form_fields(RegisterForm)


def test_a_form_limit_reaches_the_schema(schema: dict[str, Any]) -> None:
    """The limits are read off the form fields: written once, documented as written."""
    body = schema["components"]["schemas"]["ApproveFundingBody"]["properties"]
    assert body["approved_amount"]["minimum"] == 1
    assert body["approved_amount"]["maximum"] == 10**13
    pattern = body["decision_number"]["pattern"]
    assert re.fullmatch(pattern, "1234/QĐ-UBND") and not re.fullmatch(pattern, "QĐ 1234")
    lines = schema["components"]["schemas"]["RequestFundingBody"]["properties"]["lines"]
    assert (lines["minItems"], lines["maxItems"]) == (1, 200)


def test_the_docs_page_loads_its_assets_from_this_server(db: None) -> None:
    page = APIClient().get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    static = [a for a in assets if a.startswith("/static/")]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in static
    assert all(finders.find(a.removeprefix("/static/")) for a in static)
    # Anything else comes from this server too (the docs' own start-up script).
    for other in set(assets) - set(static):
        assert other.startswith("/") and not other.startswith("//")
        assert APIClient().get(other.replace("&amp;", "&")).status_code == 200
