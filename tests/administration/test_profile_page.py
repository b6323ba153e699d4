"""The profile page: the administrator edits the province's facts; documents follow."""

from __future__ import annotations

from typing import Any

from django.test import Client

from approvals.models import AuditEntry
from province.forms import profile_data
from province.profile import document_facts, load
from province.services import stored_reports
from tests.factories import agency


def posted(**changes: str) -> dict[str, object]:
    profile = load()
    data = profile_data(profile, stored_reports(profile))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_the_page_shows_the_profile_and_warns_of_codes_not_yet_imported(
    admin_client: Client,
) -> None:
    page = admin_client.get("/administration/profile/").content.decode()
    assert 'value="Nghệ An"' in page and "Lưu: VT, PC06." in page
    assert "Chưa có cơ quan mã CAT, STC" in page


def test_saving_the_page_changes_the_documents_and_is_audited(admin_client: Client) -> None:
    agency("CAT")
    response = admin_client.post(
        "/administration/profile/",
        posted(
            **{
                "progress-signing_name": "Đại tá Hồ Văn Tư",
                "progress-recipients": "Như trên;\nLưu: VT.",
            }
        ),
    )
    assert response.status_code == 302
    facts = document_facts("progress")
    assert facts.signing.name == "Đại tá Hồ Văn Tư" and facts.recipients == (
        "Như trên;",
        "Lưu: VT.",
    )
    assert (
        AuditEntry.objects.filter(action="province.profile_changed", actor_username="root").count()
        == 1
    )


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(admin_client: Client) -> None:
    response = admin_client.post(
        "/administration/profile/", posted(name="", **{"funding-issuer": "S T C"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mã cơ quan gồm chữ, số" in page and "Chưa lưu được" in page
    assert load().name == "Nghệ An"
    assert not AuditEntry.objects.filter(action="province.profile_changed").exists()


def test_the_reporting_schedule_picks_the_period_the_reports_page_offers_first(
    admin_client: Client, police: Any
) -> None:
    page = Client()
    page.force_login(police)
    assert '<option value="month" selected>' in page.get("/reports/").content.decode()
    admin_client.post("/administration/profile/", posted(reports_weekly="on"))
    html = page.get("/reports/").content.decode()
    assert '<option value="week" selected>Tuần · định kỳ</option>' in html
