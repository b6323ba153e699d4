"""Acting through the API: order of checks, input, files, version, language, IP.

The full action × situation × role table is in ``test_matrix``; these are
the cases it does not reach: separation of duties, bad input behind each
earlier check, multipart evidence, stale versions, malformed bodies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from approvals import audit
from approvals.models import AuditEntry
from tests.api.conftest import ApiFor
from tests.factories import Driver, completion_data, evidence_pdf, exe_named_pdf, funding_data
from workflows import selectors
from workflows.models import EvidenceFile, PilotModel


def url(pm: PilotModel | int, action: str = "") -> str:
    pk = pm if isinstance(pm, int) else pm.pk
    return f"/api/v1/pilot-models/{pk}/actions/{action + '/' if action else ''}"


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()  # type: ignore[return-value]


def test_available_actions_are_those_that_pass_role_state_and_duties(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register()
    response = api("police").get(url(pm), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    names = [a["name"] for a in response.json()["actions"]]
    assert names == selectors.available_actions(pm, drive.p["police"])
    assert "approve_registration" in names and "sign_off" not in names
    assert {"name": "approve_registration", "label": "Approve registration"} in response.json()[
        "actions"
    ]
    assert api("inspector").get(url(pm)).json() == {"actions": []}


def test_a_success_answers_200_with_the_updated_model(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    response = api("police").post(
        url(pm, "approve_registration"), {"comment": "Đồng ý"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["open_step"], body["last_step"]["outcome"]) == (
        2,
        None,
        "approved",
    )


def test_nobody_decides_a_step_they_submitted(
    api: ApiFor, drive: Driver, people: dict[str, User]
) -> None:
    pm = drive.approved()
    drive.act("request_funding", pm, "officer_finance_syt", funding_data())
    offered = [a["name"] for a in api("officer_finance_syt").get(url(pm)).json()["actions"]]
    assert "approve_funding" not in offered
    response = api("officer_finance_syt").post(
        url(pm, "approve_funding"), {"approved_amount": 0, "decision_number": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "separation_of_duties"
    assert last_entry().action == "refused.approve_funding"
    pm.refresh_from_db()
    assert pm.state == "funding_requested"


def test_bad_input_is_answered_only_after_role_and_state(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    bad = {"approved_amount": -5}
    wrong_role = api("leader").post(url(pm, "approve_funding"), bad, format="json")
    wrong_state = api("finance").post(url(pm, "approve_funding"), bad, format="json")
    assert (wrong_role.status_code, wrong_role.json()["code"]) == (403, "forbidden")
    assert (wrong_state.status_code, wrong_state.json()["code"]) == (409, "conflict")
    invalid = api("police").post(
        url(pm, "return_registration"), {"comment": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert invalid.status_code == 400
    assert invalid.json() == {"comment": ["Give the reason (comment)."]}
    pm.refresh_from_db()
    assert pm.version == 1


def test_a_stale_version_is_a_409_and_the_current_one_goes_through(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register()
    stale = api("police").post(url(pm, "approve_registration"), {"version": 7}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    fresh = api("police").post(url(pm, "approve_registration"), {"version": 1}, format="json")
    assert fresh.status_code == 200


def test_an_unknown_action_is_a_404_even_with_a_malformed_body(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    for body in ('{"comment": "x"}', "{broken"):
        seq = audit.head()[0]
        response = api("police").post(
            url(pm, "approve_everything"), body, content_type="application/json"
        )
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        # Audited either way, as a request, not on the model's trail.
        refusals = AuditEntry.objects.filter(seq__gt=seq, action__startswith="refused.")
        assert list(refusals.values_list("action", "object_type")) == [
            ("refused.unknown", "request")
        ]
    assert api("officer").post(url(pm, "register"), {}, format="json").status_code == 404


def test_a_malformed_body_on_an_invisible_model_is_still_a_404(
    api: ApiFor, drive: Driver, outsider: User
) -> None:
    pm = drive.register()
    seq = audit.head()[0]
    response = api("outsider").post(url(pm, "withdraw"), "{broken", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    refusals = AuditEntry.objects.filter(seq__gt=seq, action__startswith="refused.")
    assert list(refusals.values_list("action", flat=True)) == ["refused.withdraw"]


@pytest.mark.parametrize("body", ["{broken", "[]", '"comment"', "null"])
def test_a_malformed_or_non_object_body_is_a_400(api: ApiFor, drive: Driver, body: str) -> None:
    pm = drive.register()
    response = api("police").post(
        url(pm, "approve_registration"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    pm.refresh_from_db()
    assert pm.version == 1


def test_an_action_url_answers_get_with_405(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    response = api("police").get(url(pm, "approve_registration"))
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


def test_a_form_encoded_body_is_415_for_a_json_action(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    response = api("police").post(
        url(pm, "approve_registration"), {"comment": "x"}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def _submit(api: ApiFor, pm: PilotModel, data: Any, files: list[Any]) -> Any:
    payload: dict[str, Any] = {"files": files}
    if data is not None:
        payload["data"] = data if isinstance(data, str) else json.dumps(data)
    return api("officer").post(
        url(pm, "submit_completion"), payload, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_submit_completion_takes_multipart_with_evidence_files(api: ApiFor, drive: Driver) -> None:
    pm = drive.deploying()
    photo = SimpleUploadedFile(
        "anh.pdf", b"%PDF-1.4\n% another scan\n%%EOF\n", content_type="application/pdf"
    )
    response = _submit(api, pm, completion_data(), [evidence_pdf("bien-ban.pdf"), photo])
    assert response.status_code == 200
    assert response.json()["open_step"]["kind"] == "completion_verification"
    assert sorted(EvidenceFile.objects.values_list("original_name", flat=True)) == [
        "anh.pdf",
        "bien-ban.pdf",
    ]
    evidence = last_entry().payload["evidence"]
    assert [len(item["sha256"]) for item in evidence] == [64, 64]


def test_submit_completion_also_takes_plain_json(api: ApiFor, drive: Driver) -> None:
    pm = drive.deploying()
    response = api("officer").post(url(pm, "submit_completion"), completion_data(), format="json")
    assert response.status_code == 200


def test_evidence_that_is_not_an_accepted_type_is_refused(api: ApiFor, drive: Driver) -> None:
    pm = drive.deploying()
    response = _submit(api, pm, completion_data(), [exe_named_pdf()])
    assert response.status_code == 400
    assert list(response.json()) == ["files"]
    assert not EvidenceFile.objects.exists()


def test_a_multipart_data_part_that_is_not_json_is_a_400(api: ApiFor, drive: Driver) -> None:
    pm = drive.deploying()
    response = _submit(api, pm, "{broken", [evidence_pdf()])
    assert response.status_code == 400
    assert response.json() == {"data": ["Not valid JSON."]}


def test_the_client_address_reaches_the_audit_trail(api: ApiFor, drive: Driver) -> None:
    pm = drive.register()
    api("police").post(
        url(pm, "approve_registration"), {}, format="json", REMOTE_ADDR="203.0.113.7"
    )
    assert (last_entry().action, last_entry().ip) == ("registration.approved", "203.0.113.7")
    api("finance").post(
        url(pm, "approve_registration"), {}, format="json", REMOTE_ADDR="198.51.100.9"
    )
    assert (last_entry().action, last_entry().ip) == (
        "refused.approve_registration",
        "198.51.100.9",
    )


@pytest.mark.parametrize(
    ("header", "detail", "language"),
    [
        ("vi", "Vai trò của bạn không được thực hiện thao tác này.", "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.5", "Vai trò của bạn không được thực hiện thao tác này.", "vi"),
        ("en-US,en;q=0.9", "Your role may not take this action.", "en"),
        (None, "Your role may not take this action.", "en"),
        ("fr", "Your role may not take this action.", "en"),
    ],
)
def test_messages_are_vietnamese_when_asked_and_english_otherwise(
    api: ApiFor, drive: Driver, header: str | None, detail: str, language: str
) -> None:
    pm = drive.register()
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = api("finance").post(url(pm, "approve_registration"), {}, format="json", **extra)
    assert response.json() == {"detail": detail, "code": "forbidden"}
    assert response.headers["Content-Language"] == language


def test_a_lock_timeout_is_a_409_never_a_500(
    api: ApiFor, drive: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    pm = drive.register()

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr("workflows.services.pipeline._run_locked", locked)
    acting = api("police").post(url(pm, "approve_registration"), {}, format="json")
    assert (acting.status_code, acting.json()["code"]) == (409, "conflict")
    monkeypatch.setattr("workflows.api.views.detail_of", locked)
    reading = api("police").get(f"/api/v1/pilot-models/{pm.pk}/")
    assert (reading.status_code, reading.json()["code"]) == (409, "conflict")


@pytest.mark.parametrize(
    "body",
    [
        '{"comment": "a\\u0000b"}',
        '{"comment": "\\ud800"}',
        '{"\\u0000": "x"}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["nul", "lone-surrogate", "nul-key", "deep-nesting"],
)
def test_text_no_database_can_store_is_a_400_not_a_500(
    api: ApiFor, drive: Driver, body: str
) -> None:
    pm = drive.register()
    response = api("police").post(
        url(pm, "return_registration"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    pm.refresh_from_db()
    assert pm.version == 1


def test_a_day_first_date_means_the_same_in_english_as_in_vietnamese(
    api: ApiFor, drive: Driver
) -> None:
    pm = drive.register()
    body = {"deadline": "05/06/2030", "decision_number": "15/QĐ-UBND"}
    response = api("leader").post(
        url(pm, "extend_deadline"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.json()["deadline"] == "2030-06-05"
