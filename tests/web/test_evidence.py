"""Evidence files: only for those who may see the model, always as an attachment, never sniffed."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.factories import Driver
from workflows.models import EvidenceFile


def test_the_lead_agency_and_the_province_download_evidence(
    drive: Driver, officer: Any, police: Any, client: Client
) -> None:
    drive.completion_submitted()
    item = EvidenceFile.objects.get()
    for user in (officer, police):
        client.force_login(user)
        response = client.get(f"/evidence/{item.pk}/")
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="bien-ban.pdf"' in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_agency_gets_404(drive: Driver, other_officer: Any, client: Client) -> None:
    drive.completion_submitted()
    item = EvidenceFile.objects.get()
    client.force_login(other_officer)
    assert client.get(f"/evidence/{item.pk}/").status_code == 404
    assert client.get("/evidence/999999/").status_code == 404


def test_anonymous_visitors_must_log_in(drive: Driver, client: Client) -> None:
    drive.completion_submitted()
    response = client.get(f"/evidence/{EvidenceFile.objects.get().pk}/")
    assert response.status_code == 302


def test_the_detail_page_links_the_evidence(drive: Driver, police: Any, client: Client) -> None:
    pm = drive.completion_submitted()
    client.force_login(police)
    html = client.get(f"/pilot-models/{pm.pk}/").content.decode()
    assert f"/evidence/{EvidenceFile.objects.get().pk}/" in html
