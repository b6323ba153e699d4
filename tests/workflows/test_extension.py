"""Adding an approval step is a small change: three declarations, and every reader picks it up.

``tests/extension/it_appraisal.py`` adds an IT appraisal by Sở KH&CN between
the funding request and Finance's appraisal (docs/extending.md).  Nothing
else in the code knows of it; these tests check that the pages, the API and
its schema, the labels, the audit trail, the in-step check and the
notifications all follow the declarations.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import clear_url_caches
from rest_framework.test import APIClient

from approvals import audit
from approvals.exceptions import Conflict
from approvals.models import AuditEntry, StepKind
from tests.extension import it_appraisal
from tests.factories import Driver, approval_data, funding_data, make_user
from workflows import flow_sync, labels, selectors
from workflows.models import PilotModel
from workflows.states import State

URL_MODULES = [
    "workflows.api.serializers",
    "workflows.api.views",
    "reports.api",
    "workflows.api.urls",
    "project.urls",
]


def _reload_urls() -> None:
    """The API builds one operation per declared action when its modules load: load them again."""
    for name in URL_MODULES:
        importlib.reload(importlib.import_module(name))
    clear_url_caches()


@pytest.fixture
def extended(settings: Any) -> Iterator[None]:
    main, round_ = settings.PILOT06_MAIN_FLOW, settings.PILOT06_ROUND_FLOW
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.extension"]
    it_appraisal.install()
    settings.PILOT06_MAIN_FLOW = "tests.extension.it_appraisal.ItPilotFlow"
    settings.PILOT06_ROUND_FLOW = "tests.extension.it_appraisal.ItRoundFlow"
    _reload_urls()
    yield
    it_appraisal.uninstall()
    settings.PILOT06_MAIN_FLOW, settings.PILOT06_ROUND_FLOW = main, round_
    _reload_urls()


@pytest.fixture
def appraiser(people: dict[str, User]) -> User:
    user = make_user("it_appraiser", "SKHCN", it_appraisal.IT_APPRAISER)
    user.email = "cntt@skhcn.example.vn"
    user.save()
    people["it_appraiser"] = user
    return user


def _appraise_on_the_task_page(pm: PilotModel, user: User, process: Any) -> None:
    task = next(
        t for t in flow_sync.open_tasks(process) if t.flow_task.name == it_appraisal.IT_APPRAISAL
    )
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    flow = "pilot" if process.pk == pm.process_id else "funding-round"
    url = f"/flow/{flow}/{process.pk}/{it_appraisal.IT_APPRAISAL}/{task.pk}/execute/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Thẩm định nội dung CNTT: đạt" in page.content.decode()
    response = client.post(
        url, {"action": "approve_it_appraisal", "comment": "Đạt", "version": pm.version}
    )
    assert response.status_code == 302, response.content.decode()[:1000]


@pytest.mark.usefixtures("extended")
def test_the_new_step_sits_between_the_request_and_finance(
    drive: Driver, appraiser: User, finance: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pm = drive.funding_requested()
    # The in-step check ran inside the action: the flow waits at the new node.
    assert pm.pending_step.kind == it_appraisal.IT_APPRAISAL  # type: ignore[union-attr]
    assert {t.flow_task.name for t in flow_sync.open_tasks(pm.process)} == {"it_appraisal"}
    # Notifications follow the task's queue to the new role.
    assert any(appraiser.email in message.to for message in mail.outbox)
    # Finance must wait for it.
    with pytest.raises(Conflict):
        drive.act("approve_funding", pm, "finance", approval_data())
    assert selectors.available_actions(pm, appraiser) == ["approve_it_appraisal"]

    _appraise_on_the_task_page(pm, appraiser, pm.process)

    pm = PilotModel.objects.get(pk=pm.pk)
    assert pm.pending_step.kind == StepKind.FUNDING_APPRAISAL  # type: ignore[union-attr]
    pm = drive.act("approve_funding", pm, "finance", approval_data())
    assert pm.state == State.FINANCED
    flow_sync.assert_in_step(pm)

    # The audit trail names it, and the labels read it.
    entry = AuditEntry.objects.get(action="it_appraisal.approved")
    assert (entry.actor_username, entry.object_id) == ("it_appraiser", str(pm.pk))
    assert labels.event_label("it_appraisal.approved") == "Thẩm định nội dung CNTT: đạt"
    assert labels.step_label(it_appraisal.IT_APPRAISAL) == "Thẩm định nội dung CNTT"
    assert audit.verify().ok


@pytest.mark.usefixtures("extended")
def test_an_additional_round_is_appraised_too(drive: Driver, appraiser: User) -> None:
    pm = drive.act("approve_it_appraisal", drive.funding_requested(), "it_appraiser")
    pm = drive.act("approve_funding", pm, "finance", approval_data())
    pm = drive.act("request_funding", pm, "officer", funding_data(500_000_000))
    round_process = pm.funding_requests.get(round=2).process
    assert {t.flow_task.name for t in flow_sync.open_tasks(round_process)} == {"it_appraisal"}
    assert {t.flow_task.name for t in flow_sync.open_tasks(pm.process)} == {"start_deployment"}

    _appraise_on_the_task_page(pm, appraiser, round_process)

    assert {t.flow_task.name for t in flow_sync.open_tasks(round_process)} == {"funding_appraisal"}
    pm = drive.act(
        "approve_funding", PilotModel.objects.get(pk=pm.pk), "finance", approval_data(400_000_000)
    )
    assert (pm.state, pm.pending_step) == (State.FINANCED, None)


@pytest.mark.usefixtures("extended")
def test_the_api_documents_and_takes_the_new_action(drive: Driver, appraiser: User) -> None:
    pm = drive.funding_requested()
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/pilot-models/{id}/actions/approve_it_appraisal/"]["post"]
    assert "it_appraiser" in operation["description"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CommentBody"
    )

    client = APIClient()
    client.force_authenticate(appraiser)
    listed = client.get(f"/api/v1/pilot-models/{pm.pk}/actions/").json()
    assert listed == {
        "actions": [{"name": "approve_it_appraisal", "label": "Thẩm định nội dung CNTT: đạt"}]
    }
    response = client.post(
        f"/api/v1/pilot-models/{pm.pk}/actions/approve_it_appraisal/",
        {"comment": "Đạt"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["open_step"]["kind"] == StepKind.FUNDING_APPRAISAL


@pytest.mark.usefixtures("extended")
def test_the_model_page_offers_the_new_step_with_its_label(drive: Driver, appraiser: User) -> None:
    pm = drive.funding_requested()
    client = Client()
    client.force_login(appraiser, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert "Thẩm định nội dung CNTT" in page
    assert f"/pilot-models/{pm.pk}/actions/approve_it_appraisal/" in page


def test_without_the_extension_the_province_runs_the_built_in_steps(drive: Driver) -> None:
    pm = drive.funding_requested()
    assert pm.pending_step.kind == StepKind.FUNDING_APPRAISAL  # type: ignore[union-attr]
    assert "approve_it_appraisal" not in selectors.available_actions(pm, drive.p["finance"])
