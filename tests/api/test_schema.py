"""The OpenAPI schema: valid, served with local assets, one documented body per action.

The documented bodies are generated from the services' input forms
(``workflows.api.form_schema``); these tests check the result field by
field, so an integrator can drive a model from the schema.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import get_resolver
from rest_framework.test import APIClient

from tests.api.conftest import ApiFor
from workflows.action_inputs import RegisterForm, RequestFundingForm
from workflows.actions import REGISTRY, model_actions
from workflows.api.converters import IdConverter
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
    """In a process of its own: what a deployment generates, whatever this test run has loaded."""
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "project.settings"}
    command = [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn"]
    result = subprocess.run(
        [*command, "--file", str(tmp_path / "schema.yml")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


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
    multipart = schema["paths"]["/api/v1/pilot-models/{id}/actions/submit_completion/"]["post"][
        "requestBody"
    ]["content"]
    assert (
        multipart["multipart/form-data"]["schema"]["$ref"]
        == "#/components/schemas/SubmitCompletionMultipart"
    )


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
    assert (lines["minItems"], lines["maxItems"]) == (
        1,
        RequestFundingForm.base_fields["lines"].max_rows,
    )


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


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]


def test_every_path_id_is_declared_as_the_url_accepts_it(schema: dict[str, Any]) -> None:
    """The schema's bounds are the converter's: a fuzzer's -1 or 2**63 is a 404 it was told about."""
    ids = [
        parameter["schema"]
        for path, _method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    assert len(ids) >= 25
    bounds = {"type": "integer", "minimum": IdConverter.MIN, "maximum": IdConverter.MAX}
    assert all(s == bounds for s in ids)
    resolver = get_resolver()
    for good in (IdConverter.MIN, IdConverter.MAX):
        assert resolver.resolve(f"/api/v1/pilot-models/{good}/").kwargs == {"pk": good}
    for bad in (IdConverter.MIN - 1, -1, IdConverter.MAX + 1):
        assert resolver.resolve(f"/api/v1/pilot-models/{bad}/").url_name != "pilot-model"


def test_a_registered_model_links_to_every_operation_on_it(schema: dict[str, Any]) -> None:
    """OpenAPI links: a client (or a fuzzer) follows the 201 to act on the model it created."""
    links = schema["paths"]["/api/v1/pilot-models/"]["post"]["responses"]["201"]["links"]
    on_a_model = {
        operation["operationId"]
        for path, _method, operation in _operations(schema)
        if "/pilot-models/{id}" in path
    }
    assert {link["operationId"] for link in links.values()} == on_a_model
    # An issued document's id is not the model's: its file is not linked.
    document_file = schema["paths"]["/api/v1/documents/{id}/file"]["get"]["operationId"]
    assert document_file not in {link["operationId"] for link in links.values()}
    # Each action, the model, its actions, its trail, and its record as a PDF (reports by token).
    assert len(on_a_model) == len(ACTIONS) + 4
    assert all(link["parameters"] == {"id": "$response.body#/id"} for link in links.values())


def test_the_registration_example_registers_a_model_for_the_officer_it_names(
    schema: dict[str, Any], api: ApiFor
) -> None:
    """The example is what ``SPEC`` calls a reference (``SYT``, ``officer_syt``): it works as written."""
    body = schema["paths"]["/api/v1/pilot-models/"]["post"]["requestBody"]
    content = body["content"]["application/json"]
    (example,) = content["examples"].values()
    response = api("officer").post("/api/v1/pilot-models/", example["value"], format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == example["value"]["number"]


def test_evidence_files_are_binary_parts(schema: dict[str, Any]) -> None:
    files = schema["components"]["schemas"]["SubmitCompletionMultipart"]["properties"]["files"]
    assert files["items"] == {"type": "string", "format": "binary"}
