"""Bad input is refused as 400 with the field named, and nothing changes.

Each case starts from a model that is in the right situation for the action,
so the only thing wrong is the input.  The refusal writes one
``refused.<action>`` entry that names the bad fields, and no evidence file
is left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import audit, clock
from approvals.exceptions import Invalid
from approvals.models import AuditEntry
from tests.factories import (
    DeclaredSizeUpload,
    Driver,
    approval_data,
    built_once,
    completion_data,
    evidence_pdf,
    exe_named_pdf,
    funding_data,
    model_snapshot,
    registration_data,
)
from workflows import services
from workflows.models import PilotModel
from workflows.states import MAX_VND, State

MB = 1024 * 1024
NAN = float("nan")


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[dict[str, User], dict[str, int]]]:
    def build(drive: Driver) -> dict[str, int]:
        return {
            "registration_pending": drive.register(1).pk,
            "registration_approved": drive.approved(2).pk,
            "funding_requested": drive.funding_requested(3).pk,
            "financed": drive.financed(4).pk,
            "deploying": drive.deploying(5).pk,
            "completion_submitted": drive.completion_submitted(6).pk,
            "completion_verified": drive.verified(7).pk,
        }

    yield from built_once(django_db_blocker, tmp_path_factory.mktemp("bad-input"), build)


def _days(n: int) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def _funding(**overrides: Any) -> Callable[[], dict[str, Any]]:
    return lambda: funding_data(**overrides)


def _funding_amount(amount: Any) -> Callable[[], dict[str, Any]]:
    # The lines repeat the bad amount, so only the amount itself is wrong.
    return lambda: funding_data(amount=amount, lines=[{"item": "Thiết bị", "amount": amount}])


def _approval(**overrides: Any) -> Callable[[], dict[str, Any]]:
    return lambda: approval_data(**overrides)


def _plain(**data: Any) -> Callable[[], dict[str, Any]]:
    return lambda: dict(data)


NO_FILES: Callable[[], list[Any]] = list

BAD_MONEY = [
    pytest.param(-1, id="negative"),
    pytest.param(0, id="zero"),
    pytest.param(MAX_VND + 1, id="over_10e13"),
    pytest.param(NAN, id="float_nan"),
    pytest.param("NaN", id="text_nan"),
    pytest.param(float("inf"), id="infinity"),
    pytest.param("abc", id="letters"),
    pytest.param(1.5, id="fraction"),
    pytest.param(True, id="boolean"),
]


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_a_bad_requested_amount_is_refused_naming_amount(world: Any, db: None, amount: Any) -> None:
    refused_as_invalid(
        world,
        "registration_approved",
        "request_funding",
        "officer",
        _funding_amount(amount)(),
        "amount",
    )


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_a_bad_budget_line_amount_is_refused_naming_lines(
    world: Any, db: None, amount: Any
) -> None:
    data = funding_data(lines=[{"item": "Thiết bị", "amount": amount}])
    refused_as_invalid(world, "registration_approved", "request_funding", "officer", data, "lines")


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_a_bad_approved_amount_is_refused_naming_approved_amount(
    world: Any, db: None, amount: Any
) -> None:
    refused_as_invalid(
        world,
        "funding_requested",
        "approve_funding",
        "finance",
        approval_data(amount),
        "approved_amount",
    )


# (situation, action, who, data, files, the field that must be named)
CASES: list[Any] = [
    # Funding requests.
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(
            amount=1_000_000,
            lines=[{"item": "A", "amount": 600_000}, {"item": "B", "amount": 300_000}],
        ),
        NO_FILES,
        "lines",
        id="lines_total_differs",
    ),
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(lines=[]),
        NO_FILES,
        "lines",
        id="no_budget_lines",
    ),
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(funding_source="state_lottery"),
        NO_FILES,
        "funding_source",
        id="unknown_funding_source",
    ),
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(spending_kind="gift"),
        NO_FILES,
        "spending_kind",
        id="unknown_spending_kind",
    ),
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(funding_source="provincial_investment", spending_kind="recurrent"),
        NO_FILES,
        "spending_kind",
        id="source_and_kind_do_not_fit",
    ),
    pytest.param(
        "registration_approved",
        "request_funding",
        "officer",
        _funding(budget_year="abc"),
        NO_FILES,
        "budget_year",
        id="budget_year_letters",
    ),
    # Funding decisions.
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(amount=1_250_000_001),
        NO_FILES,
        "approved_amount",
        id="approved_more_than_requested",
    ),
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(decision_date="31/02/2026"),
        NO_FILES,
        "decision_date",
        id="decision_date_31_february",
    ),
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(decision_date="2026-02-31"),
        NO_FILES,
        "decision_date",
        id="decision_date_iso_31_february",
    ),
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(decision_date=_days(30)),
        NO_FILES,
        "decision_date",
        id="decision_date_in_the_future",
    ),
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(decision_number="quyết định"),
        NO_FILES,
        "decision_number",
        id="decision_number_malformed",
    ),
    pytest.param(
        "funding_requested",
        "approve_funding",
        "finance",
        _approval(it_appraisal={"number": "12/STTTT", "date": "31/02/2026"}),
        NO_FILES,
        "it_appraisal",
        id="it_appraisal_date_31_february",
    ),
    # Returns without a comment.
    pytest.param(
        "registration_pending",
        "return_registration",
        "police",
        _plain(),
        NO_FILES,
        "comment",
        id="return_registration_without_comment",
    ),
    pytest.param(
        "registration_pending",
        "return_registration",
        "police",
        _plain(comment="   "),
        NO_FILES,
        "comment",
        id="return_registration_with_blank_comment",
    ),
    pytest.param(
        "registration_pending",
        "withdraw",
        "officer",
        _plain(),
        NO_FILES,
        "comment",
        id="withdraw_without_comment",
    ),
    pytest.param(
        "funding_requested",
        "return_funding",
        "finance",
        _plain(),
        NO_FILES,
        "comment",
        id="return_funding_without_comment",
    ),
    pytest.param(
        "funding_requested",
        "reject_funding",
        "finance",
        _plain(comment=""),
        NO_FILES,
        "comment",
        id="reject_funding_without_comment",
    ),
    pytest.param(
        "completion_submitted",
        "return_completion",
        "police",
        _plain(),
        NO_FILES,
        "comment",
        id="return_completion_without_comment",
    ),
    pytest.param(
        "completion_verified",
        "return_signoff",
        "leader",
        _plain(),
        NO_FILES,
        "comment",
        id="return_signoff_without_comment",
    ),
    pytest.param(
        "deploying",
        "cancel",
        "leader",
        _plain(decision_number="17/QĐ-UBND"),
        NO_FILES,
        "comment",
        id="cancel_without_comment",
    ),
    # Dates.
    pytest.param(
        "financed",
        "start_deployment",
        "officer",
        _plain(start_date="31/02/2026"),
        NO_FILES,
        "start_date",
        id="start_date_31_february",
    ),
    pytest.param(
        "deploying",
        "extend_deadline",
        "leader",
        _plain(deadline="31/02/2026", decision_number="15/QĐ-UBND"),
        NO_FILES,
        "deadline",
        id="extended_deadline_31_february",
    ),
    pytest.param(
        "deploying",
        "extend_deadline",
        "leader",
        _plain(deadline=_days(1), decision_number="15/QĐ-UBND"),
        NO_FILES,
        "deadline",
        id="extended_deadline_not_later",
    ),
    pytest.param(
        "deploying",
        "record_db_permission",
        "police",
        _plain(document_number="123/CAT-PC06", date="31/02/2026"),
        NO_FILES,
        "date",
        id="db_permission_date_31_february",
    ),
    # Unknown choice codes.
    pytest.param(
        "deploying",
        "set_blocker",
        "police",
        _plain(reason="aliens", note="?"),
        NO_FILES,
        "reason",
        id="unknown_blocker_reason",
    ),
    pytest.param(
        "deploying",
        "set_blocker",
        "police",
        _plain(reason="other"),
        NO_FILES,
        "note",
        id="other_blocker_without_note",
    ),
    pytest.param(
        "deploying",
        "reassign_lead_agency",
        "leader",
        _plain(
            lead_agency="XYZ", responsible_officer="officer_sgddt", decision_number="16/QĐ-UBND"
        ),
        NO_FILES,
        "lead_agency",
        id="unknown_lead_agency",
    ),
    pytest.param(
        "deploying",
        "reassign_lead_agency",
        "leader",
        _plain(lead_agency="SGDDT", responsible_officer="police", decision_number="16/QĐ-UBND"),
        NO_FILES,
        "responsible_officer",
        id="responsible_officer_not_of_the_new_agency",
    ),
    pytest.param(
        "deploying",
        "update_details",
        "officer",
        _plain(coordinating_agencies=["XYZ"]),
        NO_FILES,
        "coordinating_agencies",
        id="unknown_coordinating_agency",
    ),
    # Progress and completion.
    pytest.param(
        "deploying",
        "report_progress",
        "officer",
        _plain(percent=101),
        NO_FILES,
        "percent",
        id="progress_over_100_percent",
    ),
    pytest.param(
        "deploying",
        "report_progress",
        "officer",
        _plain(percent=50, deliverables=[{"name": "Không có", "achieved": 1}]),
        NO_FILES,
        "deliverables",
        id="progress_on_an_unknown_deliverable",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        lambda: completion_data(deliverables=[]),
        lambda: [evidence_pdf()],
        "deliverables",
        id="completion_without_achieved_values",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        lambda: completion_data(deliverables=[{"name": "Bệnh viện áp dụng", "achieved": -1}]),
        lambda: [evidence_pdf()],
        "deliverables",
        id="completion_with_negative_achieved",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        completion_data,
        lambda: [DeclaredSizeUpload("lon.pdf", b"%PDF-1.4\n", 20 * MB + 1)],
        "files",
        id="evidence_declared_over_20_mb",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        completion_data,
        lambda: [SimpleUploadedFile("that-lon.pdf", b"%PDF-1.4\n" + b"0" * (20 * MB + 1 - 9))],
        "files",
        id="evidence_really_20_mb_plus_one_byte",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        completion_data,
        lambda: [exe_named_pdf()],
        "files",
        id="evidence_exe_named_pdf",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        completion_data,
        lambda: [evidence_pdf(f"tep-{i}.pdf") for i in range(21)],
        "files",
        id="evidence_21_files",
    ),
    pytest.param(
        "deploying",
        "submit_completion",
        "officer",
        completion_data,
        lambda: [evidence_pdf(), exe_named_pdf("virus.pdf")],
        "files",
        id="evidence_one_good_one_exe",
    ),
]


@pytest.mark.parametrize(("situation", "action", "who", "data", "files", "field"), CASES)
def test_bad_input_is_refused_with_the_field_named_and_nothing_changed(
    world: Any,
    db: None,
    situation: str,
    action: str,
    who: str,
    data: Callable[[], dict[str, Any]],
    files: Callable[[], list[Any]],
    field: str,
) -> None:
    refused_as_invalid(world, situation, action, who, data(), field, files())


def refused_as_invalid(
    world: Any,
    situation: str,
    action: str,
    who: str,
    data: dict[str, Any],
    field: str,
    files: list[Any] | None = None,
) -> None:
    people, ids = world
    pk = ids[situation]
    before = model_snapshot(pk)
    seq = audit.head()[0]

    with pytest.raises(Invalid) as caught:
        services.perform(action, pilot_model_id=pk, actor=people[who], data=data, files=files or [])

    assert caught.value.status == 400
    assert field in caught.value.errors, caught.value.errors
    assert all(caught.value.errors[field]), "every named field carries a message"
    assert model_snapshot(pk) == before
    entries = list(AuditEntry.objects.filter(seq__gt=seq))
    assert [e.action for e in entries] == [f"refused.{action}"]
    assert entries[0].payload["status"] == 400
    assert field in entries[0].payload["fields"]
    assert _stored_evidence() == []


def _stored_evidence() -> list[Path]:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    return sorted(root.iterdir()) if root.exists() else []


REGISTER_CASES = [
    pytest.param({"deadline": "31/02/2026"}, "deadline", id="deadline_31_february"),
    pytest.param({"deadline": "2020-01-01"}, "deadline", id="deadline_in_the_past"),
    pytest.param(
        {"coordinating_agencies": ["XYZ"]},
        "coordinating_agencies",
        id="unknown_coordinating_agency",
    ),
    pytest.param({"needs_funding": "maybe"}, "needs_funding", id="needs_funding_not_a_boolean"),
    pytest.param(
        {"deliverables": [{"name": "A", "unit": "cái", "target": 0}]},
        "deliverables",
        id="zero_target",
    ),
    pytest.param(
        {
            "deliverables": [
                {"name": "A", "unit": "cái", "target": 1},
                {"name": "A", "unit": "cái", "target": 2},
            ]
        },
        "deliverables",
        id="duplicate_deliverables",
    ),
    pytest.param({"number": -6}, "number", id="negative_number"),
    pytest.param({"number": "abc"}, "number", id="number_letters"),
    pytest.param(
        {"responsible_officer": "police"},
        "responsible_officer",
        id="responsible_officer_of_another_agency",
    ),
]


@pytest.mark.parametrize(("overrides", "field"), REGISTER_CASES)
def test_bad_registration_input_is_refused_with_the_field_named_and_nothing_created(
    world: Any, db: None, overrides: dict[str, Any], field: str
) -> None:
    people, _ids = world
    count = PilotModel.objects.count()
    seq = audit.head()[0]

    with pytest.raises(Invalid) as caught:
        services.pilot_model_register(
            actor=people["officer"], data={**registration_data(50), **overrides}
        )

    assert field in caught.value.errors
    assert PilotModel.objects.count() == count
    assert list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True)) == [
        "refused.register"
    ]


# The bounds are where SPEC puts them: not stricter.


def test_the_largest_amount_allowed_is_ten_to_the_thirteen(world: Any, db: None) -> None:
    people, ids = world
    data = funding_data(amount=MAX_VND, lines=[{"item": "Hạ tầng", "amount": MAX_VND}])

    pm = services.perform(
        "request_funding",
        pilot_model_id=ids["registration_approved"],
        actor=people["officer"],
        data=data,
    )

    assert pm.state == State.FUNDING_REQUESTED
    assert pm.funding_requests.get().amount == MAX_VND


def test_amounts_written_the_vietnamese_way_are_accepted(world: Any, db: None) -> None:
    people, ids = world
    data = funding_data(
        amount="1.250.000.000 đ",
        lines=[{"item": "A", "amount": "1.000.000.000"}, {"item": "B", "amount": "250.000.000"}],
    )

    pm = services.perform(
        "request_funding",
        pilot_model_id=ids["registration_approved"],
        actor=people["officer"],
        data=data,
    )

    assert pm.funding_requests.get().amount == 1_250_000_000


def test_approving_exactly_the_requested_amount_is_allowed(world: Any, db: None) -> None:
    people, ids = world

    pm = services.perform(
        "approve_funding",
        pilot_model_id=ids["funding_requested"],
        actor=people["finance"],
        data=approval_data(1_250_000_000),
    )

    assert pm.state == State.FINANCED


def test_twenty_evidence_files_are_accepted_and_stored_with_their_sha256(
    world: Any, db: None
) -> None:
    people, ids = world
    files = [
        SimpleUploadedFile(
            f"tep-{i}.pdf", b"%PDF-1.4\n%" + str(i).encode(), content_type="application/pdf"
        )
        for i in range(20)
    ]

    pm = services.perform(
        "submit_completion",
        pilot_model_id=ids["deploying"],
        actor=people["officer"],
        data=completion_data(),
        files=files,
    )

    report = pm.completion_reports.get()
    assert report.evidence.count() == 20
    assert len(_stored_evidence()) == 20
    assert {e.sha256 for e in report.evidence.all()} == {
        hashlib.sha256(b"%PDF-1.4\n%" + str(i).encode()).hexdigest() for i in range(20)
    }
