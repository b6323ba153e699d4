"""The register page, the download, the clerk's issue form and the API over the same archive."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from documents import services
from documents.demo_keys import Pki
from documents.models import IssuedDocument
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def issued(clerk: User, signing_keys: Pki) -> IssuedDocument:
    with at(31):  # 05/02/2026
        return services.document_issue(
            actor=clerk, data={"kind": "progress", "period": "month", "date": "2026-01-31"}
        )


def test_the_register_lists_the_document_with_its_download(
    police: User, issued: IssuedDocument
) -> None:
    page = client_for(police).get("/documents/CAT/2026/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "01/BC-CAT" in html and "05/02/2026" in html
    assert f"/documents/{issued.pk}/download/" in html
    assert issued.sha256[:16] in html


def test_the_download_is_the_archived_file(inspector: User, issued: IssuedDocument) -> None:
    response = client_for(inspector).get(f"/documents/{issued.pk}/download/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == issued.sha256
    assert "attachment" in response["Content-Disposition"]


def test_an_officer_reads_no_register(officer: User, issued: IssuedDocument) -> None:
    client = client_for(officer)
    assert client.get("/documents/").status_code == 403
    # Pages named by an id answer as if there were nothing there.
    assert client.get("/documents/CAT/2026/").status_code == 404
    assert client.get(f"/documents/{issued.pk}/download/").status_code == 404


def test_a_clerk_lands_on_their_own_register(clerk: User) -> None:
    with at(31):
        response = client_for(clerk).get("/documents/")
    assert response.status_code == 302 and response["Location"] == "/documents/CAT/2026/"


def test_a_clerk_issues_from_the_page(clerk: User, signing_keys: Pki) -> None:
    client = client_for(clerk)
    with at(31):
        assert client.get("/documents/issue/").status_code == 200
        response = client.post("/documents/issue/", {"kind": "accountability"})

    assert response.status_code == 302 and response["Location"] == "/documents/CAT/2026/"
    assert IssuedDocument.objects.get().reference == "01/BC-CAT"


def test_the_issue_page_is_the_clerks(police: User) -> None:
    client = client_for(police)
    assert client.get("/documents/issue/").status_code == 403
    assert client.post("/documents/issue/", {"kind": "progress"}).status_code == 403


def test_a_refusal_on_the_page_changes_nothing(finance_clerk: User, signing_keys: Pki) -> None:
    response = client_for(finance_clerk).post("/documents/issue/", {"kind": "progress"})

    assert response.status_code == 403
    assert not IssuedDocument.objects.exists()


def test_the_api_lists_documents_with_their_download_url(
    leader: User, issued: IssuedDocument
) -> None:
    body: dict[str, Any] = api_for(leader).get("/api/v1/documents/").json()

    assert body["count"] == 1
    (row,) = body["results"]
    assert row["reference"] == "01/BC-CAT" and row["number"] == 1 and row["kind"] == "progress"
    assert row["period"] == {"kind": "month", "start": "2026-01-01", "end": "2026-01-31"}
    assert row["sha256"] == issued.sha256 and row["audit_seq"] == issued.audit_seq
    assert row["agency"] == {"code": "CAT", "name": "Công an tỉnh"}
    assert row["download_url"] == f"http://testserver/api/v1/documents/{issued.pk}/file"


def test_the_api_filters_by_agency_year_and_kind(leader: User, issued: IssuedDocument) -> None:
    client = api_for(leader)
    assert client.get("/api/v1/documents/", {"agency": "STC"}).json()["count"] == 0
    assert client.get("/api/v1/documents/", {"year": 2026, "kind": "progress"}).json()["count"] == 1
    assert client.get("/api/v1/documents/", {"kind": "memo"}).status_code == 400


def test_the_api_file_is_the_archived_file(finance: User, issued: IssuedDocument) -> None:
    response = api_for(finance).get(f"/api/v1/documents/{issued.pk}/file")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == issued.sha256


def test_an_officer_gets_no_documents_from_the_api(officer: User, issued: IssuedDocument) -> None:
    client = api_for(officer)
    assert client.get("/api/v1/documents/").json()["count"] == 0
    missing = client.get(f"/api/v1/documents/{issued.pk}/file")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_non_clerks_issue_is_refused_audited_and_numbers_nothing(
    police: User, signing_keys: Pki
) -> None:
    from approvals.models import AuditEntry

    with at(31):
        response = client_for(police).post(
            "/documents/issue/", {"kind": "progress", "period": "month", "date": "2026-01-31"}
        )
    assert response.status_code == 403
    assert not IssuedDocument.objects.exists()
    refused = AuditEntry.objects.filter(action="refused.issue_document")
    assert [e.actor_username for e in refused] == [police.username]


def test_a_period_before_the_programme_is_bad_input_not_a_document(
    clerk: User, signing_keys: Pki
) -> None:
    with at(31):
        for date in ("2001-12-31", "0001-06-01"):
            response = client_for(clerk).post(
                "/documents/issue/", {"kind": "progress", "period": "year", "date": date}
            )
            assert response.status_code == 400, date
    assert not IssuedDocument.objects.exists()


def test_a_register_outside_the_programmes_years_is_not_found(police: User) -> None:
    page = client_for(police)
    with at(31):
        assert page.get("/documents/CAT/2026/").status_code == 200
        for year in (0, 2001, 2027, 99999999):
            assert page.get(f"/documents/CAT/{year}/").status_code == 404, year
