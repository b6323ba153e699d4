"""Another agency's ids, on every URL that takes one: always 404, never a change.

The URL list is not written by hand: every route with an id in it (API,
pages, reports, evidence, task claims, viewflow's task pages) is read from
the URLconf, so a route added later is covered or fails the completeness
test.  The actor is an officer of an agency that neither leads nor
coordinates the model.  Then separation of duties through the API and the
pages, and the admin, which must refuse to edit lifecycle, flow or audit.

Role × action over HTTP is the API matrix's job (tests/api/test_matrix.py);
here the question is only what another agency can learn or change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken
from rest_framework.test import APIClient
from viewflow.workflow.models import Process, Task

from approvals.models import ApprovalStep, AuditEntry, Official
from approvals.roles import Role
from tests.factories import Driver, agency, funding_data
from tests.security.test_fault_injection import snapshot
from workflows.models import EvidenceFile, FundingRequest, PilotModel

ID = re.compile(r"<(?:int|id|str|slug):(\w+)>")
POSTABLE = ("actions/", "/claim/", "/unclaim/", "/assign/", "/unassign/", "/execute/")


def id_routes() -> Iterator[str]:
    """Every non-admin route whose path carries an id."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if not route.startswith("admin/") and re.search(r"<(?:int|id):", route):
            yield route


class World:
    """A model of SYT with evidence and an open verification task, plus an extra funding round."""

    def __init__(self, drive: Driver) -> None:
        self.pm = drive.completion_submitted(20)
        self.evidence = EvidenceFile.objects.get(report__pilot_model=self.pm)
        self.round_model = drive.act(
            "request_funding", drive.deploying(21), "officer", funding_data(300_000_000)
        )
        self.round = FundingRequest.objects.get(pilot_model=self.round_model, round=2)

    def url(self, route: str) -> str:
        process = self.round.process if route.startswith("flow/funding-round/") else self.pm.process
        assert process is not None
        node = route.split("/")[3] if route.startswith("flow/") and route.count("/") > 3 else ""
        tasks = Task.objects.filter(process=process).order_by("-pk")
        task = next((t for t in tasks if t.flow_task.name == node), tasks.first())
        open_task = (
            Task.objects.filter(process=self.pm.process, finished__isnull=True)
            .order_by("-pk")
            .first()
        )
        assert task is not None and open_task is not None
        values = {
            "pk": self.evidence.pk if route.startswith("evidence/") else self.pm.pk,
            "process_pk": process.pk,
            "task_pk": task.pk,
            "task_id": open_task.pk,
            "action": "verify_completion",
            "code": "CAT",
            "year": 2026,
        }
        return "/" + ID.sub(lambda m: str(values[m.group(1)]), route)


def _lifecycle() -> dict[str, Any]:
    rows = snapshot()
    rows.pop("approvals.AuditEntry")
    rows.pop("approvals.ChainHead")
    return rows


API_ACTION_GET = re.compile(r"^GET /api/v1/pilot-models/\d+/actions/[^/]+/$")


def _missing(url: str) -> str:
    """The same URL with every id replaced by one that does not exist."""
    return re.sub(r"/\d+(?=[/.])", "/999999", url)


def test_every_route_with_an_id_answers_another_agency_404_and_changes_nothing(
    drive: Driver, outsider: User
) -> None:
    world = World(drive)
    _instance, key = AuthToken.objects.create(user=outsider)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    page = Client()
    page.force_login(outsider)
    before, mark = _lifecycle(), AuditEntry.objects.count()
    answers: dict[str, tuple[int, int]] = {}
    posted_actions = 0

    def ask(client: Any, method: str, url: str) -> int:
        if method == "GET":
            return int(client.get(url).status_code)
        if client is api:
            return int(client.post(url, {}, format="json").status_code)
        return int(client.post(url).status_code)

    for route in id_routes():
        url = world.url(route)
        client = api if route.startswith("api/") else page
        methods = ["GET", "POST"] if any(marker in route for marker in POSTABLE) else ["GET"]
        for method in methods:
            # The hidden model's answer, and a missing model's answer: they must not differ.
            answers[f"{method} {url}"] = (
                ask(client, method, url),
                ask(client, method, _missing(url)),
            )
        posted_actions += "actions/" in route and route.startswith("api/")

    # 404, or 405 for a method the URL never takes (GET on an action, POST on
    # the list of actions) whatever the id: either way the same as no model.
    # The administrator's area refuses anyone else whole (403) before it looks
    # at an id, so there too an id that exists answers as one that does not.
    def expected(request: str, hidden: int) -> bool:
        return hidden in (404, 405) or (hidden == 403 and " /administration/" in request)

    wrong = {
        request: (hidden, missing)
        for request, (hidden, missing) in answers.items()
        if hidden != missing or not expected(request, hidden)
    }
    assert wrong == {}
    assert all(
        hidden == 405 for request, (hidden, _m) in answers.items() if API_ACTION_GET.match(request)
    )
    assert len(answers) >= len(list(id_routes())) >= 30
    assert posted_actions >= 20  # the API's routes are among them, whatever their converter
    assert _lifecycle() == before
    # Each refused API action is on the trail as a 404, under the outsider's name.
    refusals = AuditEntry.objects.filter(
        pk__gt=mark, action__startswith="refused.", actor_username=outsider.username
    )
    assert refusals.count() >= posted_actions
    assert {p["code"] for p in refusals.values_list("payload", flat=True)} == {"not_found"}


def test_an_unknown_id_answers_exactly_like_a_hidden_one(drive: Driver, outsider: User) -> None:
    """No oracle: a hidden model, a missing model and a bad id look the same."""
    world = World(drive)
    _instance, key = AuthToken.objects.create(user=outsider)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    hidden = api.get(f"/api/v1/pilot-models/{world.pm.pk}/")
    missing = api.get("/api/v1/pilot-models/999999/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_matrix_covers_every_route_with_an_id() -> None:
    routes = list(id_routes())
    areas = {route.split("/")[0] for route in routes}

    assert {"api", "pilot-models", "reports", "evidence", "tasks", "flow"} <= areas
    for route in routes:
        assert set(ID.findall(route)) <= {
            "pk",
            "process_pk",
            "task_pk",
            "task_id",
            "action",
            "code",
            "year",
        }, route


def _both_roles(drive: Driver) -> User:
    """An officer of SYT who is also in finance: may request and may appraise, never both on one request."""
    return drive.p["officer_finance_syt"]


def test_separation_of_duties_holds_through_the_api(drive: Driver) -> None:
    dual = _both_roles(drive)
    pm = drive.approved(22)
    _instance, key = AuthToken.objects.create(user=dual)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert (
        api.post(
            f"/api/v1/pilot-models/{pm.pk}/actions/request_funding/", funding_data(), format="json"
        ).status_code
        == 200
    )
    version = PilotModel.objects.get(pk=pm.pk).version

    response = api.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_funding/",
        {"approved_amount": 1000, "decision_number": "1/QĐ-UBND", "decision_date": "2020-01-01"},
        format="json",
    )

    assert response.status_code == 403 and response.json()["code"] == "separation_of_duties"
    assert PilotModel.objects.get(pk=pm.pk).version == version
    entry = AuditEntry.objects.filter(action="refused.approve_funding").get()
    assert entry.actor_username == dual.username and entry.payload["code"] == "separation_of_duties"


def test_separation_of_duties_holds_through_the_pages(drive: Driver) -> None:
    """The verifier of a completion report cannot sign it off, even holding the leader role."""
    police_leader = drive.p["police"]
    police_leader.groups.add(Group.objects.get_or_create(name=Role.LEADER)[0])
    pm = drive.completion_submitted(23)
    page = Client()
    page.force_login(User.objects.get(pk=police_leader.pk))
    assert (
        page.post(
            f"/pilot-models/{pm.pk}/actions/verify_completion/",
            {"comment": "Đúng", "version": pm.version},
        ).status_code
        == 302
    )
    version = PilotModel.objects.get(pk=pm.pk).version

    response = page.post(
        f"/pilot-models/{pm.pk}/actions/sign_off/", {"comment": "Ký", "version": version}
    )

    assert response.status_code == 403
    assert PilotModel.objects.get(pk=pm.pk).version == version
    assert (
        AuditEntry.objects.filter(
            action="refused.sign_off", payload__code="separation_of_duties"
        ).count()
        == 1
    )


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _admin_urls(world: World) -> dict[str, str]:
    step = ApprovalStep.objects.filter(pilot_model=world.pm).first()
    entry = AuditEntry.objects.order_by("seq").first()
    task = Task.objects.filter(process=world.pm.process).first()
    assert step and entry and task and world.pm.process
    return {
        "pilot model": f"/admin/workflows/pilotmodel/{world.pm.pk}/change/",
        "funding request": f"/admin/workflows/fundingrequest/{world.round.pk}/change/",
        "approval step": f"/admin/approvals/approvalstep/{step.pk}/change/",
        "audit entry": f"/admin/approvals/auditentry/{entry.pk}/change/",
        "flow process": f"/admin/viewflow/process/{world.pm.process.pk}/change/",
        "flow task": f"/admin/viewflow/task/{task.pk}/change/",
    }


def test_the_admin_reads_but_never_edits_state_steps_flow_or_audit(
    drive: Driver, admin_client: Client, admin_user: User
) -> None:
    """An administrator who also reads the province (here an inspector) sees case data in the admin, and edits none of it."""
    admin_user.groups.add(Group.objects.get_or_create(name=Role.INSPECTOR)[0])
    world = World(drive)
    before, head = _lifecycle(), AuditEntry.objects.count()
    answers: dict[str, tuple[int, int, int]] = {}

    for name, url in _admin_urls(world).items():
        view = admin_client.get(url).status_code
        edit = admin_client.post(
            url, {"state": "completed", "outcome": "approved", "status": "DONE", "action": "x"}
        ).status_code
        delete = admin_client.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code
        answers[name] = (view, edit, delete)

    assert all(view == 200 for view, _e, _d in answers.values()), answers
    assert all(edit == 403 and delete == 403 for _v, edit, delete in answers.values()), answers
    assert _lifecycle() == before
    assert AuditEntry.objects.count() == head


@pytest.mark.parametrize(
    "model",
    ["workflows/pilotmodel", "approvals/auditentry", "approvals/approvalstep", "viewflow/task"],
)
def test_the_admin_cannot_add_or_bulk_delete(
    model: str, drive: Driver, admin_client: Client
) -> None:
    world = World(drive)
    before = _lifecycle()
    ids = {
        "workflows/pilotmodel": world.pm.pk,
        "approvals/auditentry": AuditEntry.objects.first().pk,  # type: ignore[union-attr]
        "approvals/approvalstep": ApprovalStep.objects.first().pk,  # type: ignore[union-attr]
        "viewflow/task": Task.objects.first().pk,  # type: ignore[union-attr]
    }

    assert admin_client.get(f"/admin/{model}/add/").status_code == 403
    admin_client.post(
        f"/admin/{model}/",
        {"action": "delete_selected", "_selected_action": [ids[model]], "post": "yes"},
    )

    assert _lifecycle() == before


def test_an_admin_is_no_decider(drive: Driver, admin_user: User) -> None:
    """The system administrator holds no workflow role and reads no case data (SPEC §10): a model is a 404."""
    pm = drive.register(24)
    _instance, key = AuthToken.objects.create(user=admin_user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_registration/",
        {"comment": ""},
        format="json",
    )

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Official.objects.get(user=admin_user).agency == agency("CAT")
    assert Process.objects.get(pk=pm.process_id).status == "NEW"
