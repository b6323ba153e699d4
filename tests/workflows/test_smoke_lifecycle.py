"""The whole lifecycle, through the services, with one return at each step."""

from __future__ import annotations

from approvals import audit
from tests.factories import Driver, approval_data, evidence_pdf, funding_data
from workflows.flow_sync import open_tasks
from workflows.states import State


def test_a_model_goes_from_registration_to_sign_off(drive: Driver) -> None:
    pm = drive.register()
    assert [t.flow_task.name for t in open_tasks(pm.process)] == ["registration_review"]
    pm = drive.act("return_registration", pm, "police", {"comment": "Bổ sung sản phẩm"})
    pm = drive.act("resubmit_registration", pm, "officer", {"title": "Khám chữa bệnh bằng CCCD"})
    pm = drive.act("approve_registration", pm, "police")
    pm = drive.act("request_funding", pm, "officer", funding_data())
    pm = drive.act("return_funding", pm, "finance", {"comment": "Thiếu thuyết minh"})
    pm = drive.act("request_funding", pm, "officer", funding_data())
    pm = drive.act("approve_funding", pm, "finance", approval_data())
    pm = drive.act("start_deployment", pm, "officer", {"start_date": "2026-11-28"})
    done = {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}], "summary": "Xong"}
    pm = drive.act("submit_completion", pm, "officer", done, files=[evidence_pdf()])
    pm = drive.act("return_completion", pm, "police", {"comment": "Thiếu biên bản"})
    pm = drive.act("submit_completion", pm, "officer", done, files=[evidence_pdf()])
    pm = drive.act("verify_completion", pm, "police")
    pm = drive.act("return_signoff", pm, "leader", {"comment": "Xác minh lại"})
    pm = drive.act("submit_completion", pm, "officer", done)
    pm = drive.act("verify_completion", pm, "police2")
    pm = drive.act("sign_off", pm, "leader")

    assert pm.state == State.COMPLETED
    assert open_tasks(pm.process) == []
    assert audit.verify().ok
