"""Property-based tests of the API against its own OpenAPI schema.

Schemathesis generates requests that conform to ``/api/schema/`` for every
operation and sends each one as every role, through the WSGI application
and the test database.  No answer may be a 5xx, and every answer must be
documented: its status, its content type and its body's schema.

Path ids are steered to real models (led by SYT, in several states), so the
actions meet real situations rather than 404s.  Examples are few, fixed
(derandomized) and bounded, so the run is quick and repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import Driver

ROLES = ("officer", "outsider", "police", "finance", "leader", "inspector")
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # Like Django's test client: the bare WSGI handler would close the
    # database connection after each response, and with it the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# The report documents (tag "reports") are files rendered per request; their
# token access and documented answers are tested in tests/reports/test_views__token.py,
# since rendering a PDF for every generated case and role would take minutes.
schema = schemathesis.from_pytest_fixture("api_schema").exclude(tag="reports")


@pytest.fixture
def model_ids(drive: Driver, outsider: User) -> list[int]:
    """A model in each of a few situations, so generated ids hit real ones."""
    return [
        drive.register(1).pk,
        drive.approved(2).pk,
        drive.funding_requested(3).pk,
        drive.deploying(4).pk,
        drive.verified(5).pk,
    ]


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_for_every_role(
    case: Any, people: dict[str, User], model_ids: list[int]
) -> None:
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = model_ids[int(case.path_parameters["id"]) % len(model_ids)]
    for role in ROLES:
        _instance, token = AuthToken.objects.create(user=people[role])
        response = case.call_wsgi(headers={"Authorization": f"Token {token}"})
        case.validate_response(response, checks=CHECKS)
