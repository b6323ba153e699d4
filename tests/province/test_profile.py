"""The province profile: the only source of what documents say about issuer, signer and recipients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from approvals.exceptions import Forbidden, Invalid
from approvals.models import AuditEntry
from province.forms import profile_data
from province.models import ProvinceProfile, ReportProfile
from province.profile import document_facts, load, province_name
from province.services import profile_update, stored_reports
from reports.documents import header
from tests.factories import agency


@pytest.fixture
def admin(db: Any) -> User:
    return User.objects.create_superuser("root", "root@example.vn", "pw-root")


def edit(**changes: Any) -> dict[str, Any]:
    profile = load()
    data = profile_data(profile, stored_reports(profile))
    data.update(changes)
    return data


def test_the_migration_leaves_the_nghe_an_profile_with_its_recipients(db: Any) -> None:
    profile = load()
    assert (profile.name, profile.place, profile.standing_agency, profile.finance_agency) == (
        "Nghệ An",
        "Nghệ An",
        "CAT",
        "STC",
    )
    assert profile.schedule == ["month", "quarter"]
    progress = ReportProfile.objects.get(kind="progress")
    assert progress.recipient_lines[-1] == "Lưu: VT, PC06."


def test_documents_are_issued_by_the_standing_agency_and_finance_by_the_finance_agency(
    db: Any,
) -> None:
    agency("CAT"), agency("STC")
    with translation.override("vi"):  # documents speak Vietnamese, whatever ran before
        progress = header("progress", today=dt.date(2026, 2, 5))
        funding = header("funding", today=dt.date(2026, 2, 5))
    assert (progress["issuer"], progress["symbol"], funding["issuer"], funding["symbol"]) == (
        "CÔNG AN TỈNH",
        "BC-CAT",
        "SỞ TÀI CHÍNH",
        "BC-STC",
    )
    assert progress["date_line"] == "Nghệ An, ngày 05 tháng 02 năm 2026"
    assert progress["addressee"] == "Ủy ban nhân dân tỉnh Nghệ An"


def test_an_administrator_changes_the_profile_and_the_change_is_audited_field_by_field(
    admin: User,
) -> None:
    agency("SKHCN")
    profile_update(
        actor=admin,
        data=edit(
            **{
                "place": "TP. Vinh",
                "progress-issuer": "SKHCN",
                "progress-signing_name": "Nguyễn Văn Ký",
                "progress-recipients": "Như trên;\n\nLưu: VT.",
                "accountability-addressee": "Ban Chỉ đạo tỉnh",
            }
        ),
    )
    facts = document_facts("progress")
    assert (facts.place, facts.issuer_code, facts.issuer_name) == (
        "TP. Vinh",
        "SKHCN",
        "Sở Khoa học và Công nghệ",
    )
    assert facts.signing.name == "Nguyễn Văn Ký" and facts.recipients == ("Như trên;", "Lưu: VT.")
    assert document_facts("accountability").addressee == "Ban Chỉ đạo tỉnh"
    entry = AuditEntry.objects.get(action="province.profile_changed")
    assert entry.actor_username == "root" and entry.role == "admin"
    assert entry.payload["changes"]["place"] == ["Nghệ An", "TP. Vinh"]
    assert entry.payload["changes"]["progress.signing_name"] == ["", "Nguyễn Văn Ký"]
    assert "funding.recipients" not in entry.payload["changes"]


def test_saving_the_profile_unchanged_writes_no_entry(admin: User) -> None:
    profile_update(actor=admin, data=edit())
    assert not AuditEntry.objects.filter(action="province.profile_changed").exists()


def test_a_bad_profile_is_refused_field_by_field_and_nothing_changes(admin: User) -> None:
    with pytest.raises(Invalid) as refused:
        profile_update(
            actor=admin,
            data=edit(
                name="",
                **{"funding-issuer": "S T C", "reports_monthly": "", "reports_quarterly": ""},
            ),
        )
    assert {"name", "funding-issuer", "__all__"} <= set(refused.value.errors)
    assert load().name == "Nghệ An"


def test_only_the_administrator_changes_the_profile_and_a_refusal_is_audited(officer: User) -> None:
    with pytest.raises(Forbidden):
        profile_update(actor=officer, data=edit(name="Hà Tĩnh"))
    assert load().name == "Nghệ An"
    assert AuditEntry.objects.filter(
        action="refused.update_profile", actor_username=officer.username
    ).exists()


def test_the_page_header_names_the_province_from_the_profile(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert province_name() == "Nghệ An"  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=admin, data=edit(name="Hà Tĩnh"))
    assert province_name() == "Hà Tĩnh"


def test_a_database_without_a_profile_still_renders_documents(db: Any) -> None:
    ProvinceProfile.objects.all().delete()
    facts = document_facts("progress")
    assert facts.province == "" and facts.recipients == ()
