"""Every action's page: the form shows for who may act, a good POST acts, a bad one changes nothing.

Each case names the situation, the role that acts, what a person types
into the form (dates dd/mm/yyyy, money 1.250.000.000), and a bad variant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from approvals import clock
from approvals.models import AuditEntry
from tests.factories import Driver, evidence_pdf
from workflows.models import PilotModel
from workflows.states import State


def dmy(days: int = 0) -> str:
    return (clock.today() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def registered(d: Driver) -> PilotModel:
    return d.register()


def returned(d: Driver) -> PilotModel:
    return d.act("return_registration", d.register(), "police", {"comment": "Bổ sung sản phẩm"})


def with_police_blocker(d: Driver) -> PilotModel:
    return d.act(
        "set_blocker", d.approved(), "police", {"reason": "legacy_systems", "note": "Hệ thống cũ"}
    )


@dataclass
class Case:
    action: str
    situation: Callable[[Driver], PilotModel]
    who: str
    good: dict[str, Any]
    bad: dict[str, Any]
    expect_state: str | None = None
    bad_message: str = ""
    files: bool = field(default=False)


CASES = [
    Case(
        "approve_registration", registered, "police", {"comment": "Đồng ý"}, {"comment": "x" * 4001}
    ),
    Case(
        "return_registration",
        registered,
        "police",
        {"comment": "Bổ sung"},
        {"comment": ""},
        bad_message="Cần ghi rõ lý do",
    ),
    Case(
        "resubmit_registration",
        returned,
        "officer",
        {
            "title": "Khám chữa bệnh bằng CCCD",
            "tasks": "Triển khai tại 10 bệnh viện",
            "responsible_officer": "officer_syt",
            "deadline": dmy(200),
            "needs_funding": "on",
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-unit": "cơ sở",
            "deliverables-0-target": "12",
        },
        {
            "title": "Khám chữa bệnh bằng CCCD",
            "tasks": "Triển khai",
            "responsible_officer": "officer_syt",
            "deadline": "31/02/2026",
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-unit": "cơ sở",
            "deliverables-0-target": "mười",
        },
    ),
    Case(
        "withdraw",
        registered,
        "officer",
        {"comment": "Không còn phù hợp"},
        {"comment": ""},
        expect_state=State.CANCELLED,
    ),
    Case(
        "request_funding",
        lambda d: d.approved(),
        "officer",
        {
            "amount": "1.250.000.000",
            "funding_source": "provincial_recurrent",
            "spending_kind": "recurrent",
            "budget_year": str(clock.today().year),
            "justification": "Theo kế hoạch",
            "lines-0-item": "Thiết bị đọc CCCD",
            "lines-0-amount": "1.000.000.000",
            "lines-1-item": "Tập huấn",
            "lines-1-amount": "250.000.000",
        },
        {
            "amount": "1.250.000.000",
            "funding_source": "provincial_recurrent",
            "spending_kind": "recurrent",
            "budget_year": str(clock.today().year),
            "justification": "Theo kế hoạch",
            "lines-0-item": "Thiết bị đọc CCCD",
            "lines-0-amount": "1.000.000.000",
        },
        expect_state=State.FUNDING_REQUESTED,
        bad_message="Tổng các dòng dự toán",
    ),
    Case(
        "approve_funding",
        lambda d: d.funding_requested(),
        "finance",
        {
            "approved_amount": "1.000.000.000",
            "decision_number": "1234/QĐ-UBND",
            "decision_date": dmy(),
            "comment": "Đồng ý",
        },
        {
            "approved_amount": "2.000.000.000",
            "decision_number": "1234/QĐ-UBND",
            "decision_date": dmy(),
        },
        expect_state=State.FINANCED,
        bad_message="không được vượt số đề xuất",
    ),
    Case(
        "return_funding",
        lambda d: d.funding_requested(),
        "finance",
        {"comment": "Thiếu thuyết minh"},
        {"comment": ""},
        expect_state=State.REGISTERED,
    ),
    Case(
        "reject_funding",
        lambda d: d.funding_requested(),
        "finance",
        {"comment": "Không phù hợp"},
        {"comment": ""},
        expect_state=State.REGISTERED,
    ),
    Case(
        "start_deployment",
        lambda d: d.financed(),
        "officer",
        {"start_date": dmy()},
        {"start_date": "32/13/2026"},
        expect_state=State.DEPLOYING,
    ),
    Case(
        "report_progress",
        lambda d: d.deploying(),
        "officer",
        {
            "percent": "40",
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-achieved": "4",
            "note": "Đúng tiến độ",
        },
        {"percent": "140"},
    ),
    Case(
        "submit_completion",
        lambda d: d.deploying(),
        "officer",
        {
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-achieved": "10",
            "summary": "Đã hoàn thành",
        },
        {
            "deliverables-0-name": "Bệnh viện áp dụng",
            "deliverables-0-achieved": "",
            "summary": "Đã hoàn thành",
        },
        files=True,
    ),
    Case(
        "verify_completion",
        lambda d: d.completion_submitted(),
        "police",
        {"comment": "Đúng thực tế"},
        {"comment": "x" * 4001},
    ),
    Case(
        "return_completion",
        lambda d: d.completion_submitted(),
        "police",
        {"comment": "Thiếu biên bản"},
        {"comment": ""},
    ),
    Case(
        "sign_off",
        lambda d: d.verified(),
        "leader",
        {"comment": "Đồng ý"},
        {"comment": "x" * 4001},
        expect_state=State.COMPLETED,
    ),
    Case(
        "return_signoff",
        lambda d: d.verified(),
        "leader",
        {"comment": "Xác minh lại"},
        {"comment": ""},
    ),
    Case(
        "set_blocker",
        lambda d: d.approved(),
        "police",
        {"reason": "other", "note": "Chờ văn bản"},
        {"reason": "other", "note": ""},
        bad_message="cần ghi chú",
    ),
    Case(
        "clear_blocker",
        with_police_blocker,
        "police",
        {"reason": "legacy_systems", "comment": "Đã xử lý"},
        {"reason": "bogus"},
    ),
    Case(
        "update_details",
        lambda d: d.approved(),
        "officer",
        {"tasks": "Nhiệm vụ mới"},
        {"responsible_officer": "nobody"},
    ),
    Case(
        "extend_deadline",
        lambda d: d.approved(),
        "leader",
        {"deadline": dmy(400), "decision_number": "88/QĐ-UBND", "comment": "Gia hạn"},
        {"deadline": dmy(10), "decision_number": "88/QĐ-UBND"},
        bad_message="Thời hạn mới phải sau",
    ),
    Case(
        "reassign_lead_agency",
        lambda d: d.approved(),
        "leader",
        {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_sgddt",
            "decision_number": "77/QĐ-UBND",
        },
        {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_syt",
            "decision_number": "77/QĐ-UBND",
        },
    ),
    Case(
        "record_db_permission",
        registered,
        "police",
        {"document_number": "123/C06-TTDLDC", "date": dmy()},
        {"document_number": "123/C06", "date": dmy(5)},
    ),
    Case(
        "cancel",
        lambda d: d.approved(),
        "leader",
        {"decision_number": "99/QĐ-UBND", "comment": "Không khả thi"},
        {"decision_number": "99/QĐ-UBND", "comment": ""},
        expect_state=State.CANCELLED,
    ),
]


def _url(pm: PilotModel, action: str) -> str:
    return f"/pilot-models/{pm.pk}/actions/{action}/"


def _successes(pm: PilotModel) -> int:
    return (
        AuditEntry.objects.filter(object_id=str(pm.pk))
        .exclude(action__startswith="refused.")
        .count()
    )


def _post(client: Client, pm: PilotModel, case: Case, data: dict[str, Any]) -> Any:
    payload = {"version": str(pm.version), **data}
    if case.files:
        payload["files"] = [evidence_pdf()]
    return client.post(_url(pm, case.action), payload)


def test_every_action_has_a_case() -> None:
    from workflows.actions import model_actions
    from workflows.page_forms import page_form_for

    assert {c.action for c in CASES} == set(model_actions())
    assert all(page_form_for(action) is not None for action in model_actions())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_form_shows_for_who_may_act(
    case: Case, drive: Driver, people: dict[str, Any], client: Client
) -> None:
    pm = case.situation(drive)
    client.force_login(people[case.who])
    response = client.get(_url(pm, case.action))
    assert response.status_code == 200
    assert b'name="version"' in response.content
    assert b'<form method="post"' in response.content


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_a_good_post_acts_and_returns_to_the_model(
    case: Case, drive: Driver, people: dict[str, Any], client: Client
) -> None:
    pm = case.situation(drive)
    before = pm.version
    client.force_login(people[case.who])
    response = _post(client, pm, case, case.good)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/pilot-models/{pm.pk}/"
    pm.refresh_from_db()
    assert pm.version == before + 1
    if case.expect_state:
        assert pm.state == case.expect_state
    page = client.get(response["Location"])
    assert "Đã thực hiện" in page.content.decode()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_a_bad_post_shows_errors_and_changes_nothing(
    case: Case, drive: Driver, people: dict[str, Any], client: Client
) -> None:
    pm = case.situation(drive)
    before = (pm.version, pm.state, _successes(pm))
    client.force_login(people[case.who])
    response = _post(client, pm, case, case.bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-errors" in html or 'class="alert error"' in html
    assert "Chưa gửi được" in html
    if case.bad_message:
        assert case.bad_message in html
    pm.refresh_from_db()
    assert (pm.version, pm.state, _successes(pm)) == before


def test_money_typed_with_dots_is_kept_when_the_form_comes_back(
    drive: Driver, officer: Any, client: Client
) -> None:
    pm = drive.approved()
    client.force_login(officer)
    case = next(c for c in CASES if c.action == "request_funding")
    html = _post(client, pm, case, case.bad).content.decode()
    assert 'value="1.250.000.000"' in html
    assert 'value="Thiết bị đọc CCCD"' in html


def test_an_action_not_open_now_explains_why_and_offers_no_form(
    drive: Driver, finance: Any, officer: Any, client: Client
) -> None:
    pm = drive.approved()
    client.force_login(finance)
    response = client.get(_url(pm, "approve_funding"))
    assert response.status_code == 409
    assert "Không có thay đổi nào được ghi" in response.content.decode()
    client.force_login(officer)
    assert client.get(_url(pm, "sign_off")).status_code == 403


def test_a_stale_form_is_refused_with_a_message_and_writes_nothing(
    drive: Driver, police: Any, people: dict[str, Any], client: Client
) -> None:
    pm = drive.register()
    stale_version = pm.version
    drive.act("approve_registration", pm, "police2")
    pm.refresh_from_db()
    before = (pm.version, _successes(pm))
    client.force_login(police)
    response = client.post(
        _url(pm, "return_registration"), {"version": stale_version, "comment": "Bổ sung"}
    )
    assert response.status_code == 409
    assert "Không có thay đổi nào được ghi" in response.content.decode()
    pm.refresh_from_db()
    assert (pm.version, _successes(pm)) == before


def test_separation_of_duties_is_a_clear_refusal(
    drive: Driver, people: dict[str, Any], client: Client
) -> None:
    from tests.factories import funding_data

    pm = drive.approved()
    pm = drive.act("request_funding", pm, "officer_finance_syt", funding_data())
    client.force_login(people["officer_finance_syt"])
    response = client.post(
        _url(pm, "approve_funding"),
        {
            "version": pm.version,
            "approved_amount": "1.000.000.000",
            "decision_number": "1/QĐ-UBND",
            "decision_date": dmy(),
        },
    )
    assert response.status_code == 403
    assert "chính mình" in response.content.decode()


def test_an_unknown_action_or_a_hidden_model_is_404(
    drive: Driver, other_officer: Any, officer: Any, client: Client
) -> None:
    pm = drive.approved()
    client.force_login(officer)
    assert client.get(f"/pilot-models/{pm.pk}/actions/explode/").status_code == 404
    client.force_login(other_officer)
    assert client.get(_url(pm, "set_blocker")).status_code == 404
    assert client.post(_url(pm, "set_blocker"), {"reason": "other", "note": "x"}).status_code == 404
