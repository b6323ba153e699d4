"""Importing a province's workbook: everything created through the services, once, in one go."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from approvals import audit
from approvals.models import Agency, AgencyHead, AuditEntry, Official
from tests.workflows import second_province
from workflows.models import PilotModel
from workflows.province_import import applying, reading
from workflows.province_import.outcome import Status
from workflows.province_import.template import template_bytes, workbook_bytes

pytestmark = pytest.mark.usefixtures("vietnamese")


def run(content: bytes, admin: User, *, commit: bool = True) -> Any:
    return applying.run(reading.read(content, filename="tinh.xlsx"), actor=admin, commit=commit)


def statuses(outcome: Any) -> dict[str, int]:
    return {k: v for k, v in outcome.counts().items() if v}


def test_the_empty_template_imports_its_own_example_rows(admin: User) -> None:
    outcome = run(template_bytes(), admin)
    assert outcome.ok and outcome.committed, outcome.lines()
    assert statuses(outcome) == {"created": 3}
    assert PilotModel.objects.get(number=1).lead_agency.code == "CAT"


def test_a_second_province_imports_cleanly_through_the_services(admin: User) -> None:
    outcome = run(second_province.workbook(), admin)
    assert outcome.ok, outcome.lines()
    assert statuses(outcome) == {"created": 12 + 13 + 25}
    assert Agency.objects.count() == 12 and PilotModel.objects.count() == 25
    # Each model was registered by the administrator on behalf of its lead agency.
    pm = PilotModel.objects.select_related("lead_agency", "responsible_officer").get(number=101)
    entry = AuditEntry.objects.get(action="registration.submitted", object_id=str(pm.pk))
    assert (entry.actor_username, entry.role, entry.agency_code) == (
        "root",
        "admin",
        pm.lead_agency.code,
    )
    assert entry.payload["on_behalf_of"] == pm.lead_agency.code
    assert pm.state == "registered" and pm.process is not None
    assert pm.responsible_officer.official.agency == pm.lead_agency
    # Agencies and officials are audited by the receivers, under the administrator.
    assert AuditEntry.objects.filter(action="agency.created", actor_username="root").count() == 12
    assert AuditEntry.objects.filter(action="user.created", actor_username="root").count() == 13
    assert AuditEntry.objects.filter(action="province.imported").count() == 1
    assert audit.verify().ok


def test_officials_get_a_link_to_set_their_password_and_no_password(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(second_province.workbook(), admin)
    officer = User.objects.get(username="ht_cb_yt")
    assert not officer.has_usable_password()
    invitations = [m for m in mail.outbox if m.to == ["ht_cb_yt@hatinh.example.vn"]]
    assert len(invitations) == 1
    assert "/accounts/reset/" in invitations[0].body and "ht_cb_yt" in invitations[0].body
    assert (
        AuditEntry.objects.filter(
            action="user.password_link_sent", object_id=str(officer.pk)
        ).count()
        == 1
    )


def test_a_dry_run_reports_every_row_and_writes_and_mails_nothing(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = run(second_province.workbook(), admin, commit=False)
    assert callbacks == []
    assert outcome.ok and not outcome.committed
    assert statuses(outcome) == {"created": 50}
    assert "Chạy thử" in outcome.summary()
    assert (Agency.objects.count(), PilotModel.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        before,
    )
    assert mail.outbox == []


def test_importing_the_same_file_again_changes_nothing(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    content = second_province.workbook()
    run(content, admin)
    entries = AuditEntry.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = run(content, admin)
    assert again.ok and statuses(again) == {"unchanged": 50}
    assert "Không có gì thay đổi" in again.summary()
    assert AuditEntry.objects.count() == entries
    assert mail.outbox == []
    assert (Agency.objects.count(), User.objects.count(), PilotModel.objects.count()) == (
        12,
        14,
        25,
    )


def test_a_changed_row_updates_the_agency_and_keeps_the_head_history(admin: User) -> None:
    rows = second_province.rows()
    run(workbook_bytes(rows), admin)
    yt = rows["Cơ quan"][5]
    yt.update(
        name="Sở Y tế tỉnh Hà Tĩnh", head_name="Nguyễn Thị Mới", head_since=dt.date(2026, 3, 1)
    )
    rows["Cán bộ"][4]["roles"] = ["officer", "finance"]
    outcome = run(workbook_bytes(rows), admin)
    assert outcome.ok, outcome.lines()
    changed = {r.key: r for r in outcome.rows if r.status == Status.UPDATED}
    assert set(changed) == {"YT", rows["Cán bộ"][4]["username"]}
    assert "Tên cơ quan" in changed["YT"].changes and "thủ trưởng mới" in changed["YT"].changes
    heads = list(
        AgencyHead.objects.filter(agency__code="YT").order_by("since").values_list("name", "until")
    )
    assert heads == [("Võ Thị Hạnh", dt.date(2026, 2, 28)), ("Nguyễn Thị Mới", None)]


def test_a_registered_model_is_left_as_it_is_with_a_note(admin: User) -> None:
    rows = second_province.rows()
    run(workbook_bytes(rows), admin)
    rows["Mô hình"][0]["title"] = "Tên khác"
    outcome = run(workbook_bytes(rows), admin)
    model_row = next(r for r in outcome.rows if r.key == "101")
    assert model_row.status == Status.UNCHANGED and "Tên mô hình" in model_row.note
    assert PilotModel.objects.get(number=101).title == "Mô hình điểm Hà Tĩnh số 1"


def test_a_row_the_service_refuses_rolls_back_the_whole_import(admin: User) -> None:
    rows = second_province.rows()
    rows["Mô hình"][3]["deadline"] = dt.date(
        2020, 1, 1
    )  # a deadline in the past: register refuses it
    outcome = run(workbook_bytes(rows), admin)
    assert not outcome.ok and not outcome.committed
    bad = next(r for r in outcome.rows if r.status == Status.ERROR)
    assert (bad.sheet, bad.row, bad.problems[0].column) == ("Mô hình", 5, "Thời hạn")
    assert "quá khứ" in bad.problems[0].message
    assert (Agency.objects.count(), User.objects.count(), PilotModel.objects.count()) == (0, 1, 0)


def test_only_an_administrator_imports(admin: User, officer: User) -> None:
    from approvals.exceptions import Forbidden

    with pytest.raises(Forbidden):
        run(template_bytes(), officer)
    assert not Official.objects.filter(user__username="canbo_cat").exists()
    assert AuditEntry.objects.filter(
        action="refused.import_province", actor_username=officer.username
    ).exists()
