"""Hostile user text in every document: printed as text, nothing fetched, a time limit on layout.

Titles, tasks, comments, notes, summaries and deliverable names all reach
the PDFs.  Each carries a payload aimed at WeasyPrint: a local file, the
cloud metadata address, a stylesheet link, an import, absurd CSS sizes.
The documents are rendered through their real URLs, in this process so a
spy on the fetcher sees every URL it is asked for; the only answer must be
the project's own static files.
"""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from approvals import clock
from reports import pdf
from tests.factories import Driver, funding_data
from tests.reports.helpers import flat_text, needs_poppler
from workflows.models import PilotModel

PAYLOADS = [
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/iam/">',
    "<style>@import url(http://169.254.169.254/);*{width:99999999999999px;font-size:1e308px}</style>",
    '<iframe src="file:///etc/shadow"></iframe><object data="file:///proc/self/environ"></object>',
    '<div style="background:url(file:///etc/hosts);height:999999999in">x</div>',
    "url(file:///etc/passwd) {{ settings.SECRET_KEY }} {% debug %}",
]
TITLE = '=HYPERLINK("http://169.254.169.254/") ' + PAYLOADS[0]

DOCUMENTS = [
    "/reports/pilot-models/{pk}.pdf",
    "/reports/progress.pdf",
    "/reports/funding.pdf",
    "/reports/accountability.pdf",
]


def _hostile_model(drive: Driver) -> PilotModel:
    """A model whose every free-text field carries a payload, taken to deployment and completion."""
    text = " ".join(PAYLOADS)
    pm = drive.register(
        30,
        title=TITLE,
        tasks=text,
        deliverables=[{"name": PAYLOADS[1][:190], "unit": "<b>cơ sở</b>", "target": 10}],
    )
    pm = drive.act("approve_registration", pm, "police", {"comment": PAYLOADS[2]})
    pm = drive.act("set_blocker", pm, "police", {"reason": "other", "note": PAYLOADS[3]})
    pm = drive.act("request_funding", pm, "officer", funding_data(justification=PAYLOADS[4]))
    pm = drive.act(
        "approve_funding",
        pm,
        "finance",
        {
            "approved_amount": 1_000_000_000,
            "decision_number": "1234/QĐ-UBND",
            "decision_date": "2020-01-01",
            "comment": PAYLOADS[5],
        },
    )
    pm = drive.act("start_deployment", pm, "officer", {"start_date": clock.today().isoformat()})
    return drive.act("report_progress", pm, "officer", {"percent": 50, "note": text})


@pytest.fixture
def spy(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL WeasyPrint asks the fetcher for (layout in this process)."""
    settings.PILOT06_PDF_ISOLATE = False
    asked: list[str] = []
    real = pdf.static_path

    def static_path(url: str) -> str | None:
        asked.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "static_path", static_path)
    return asked


@needs_poppler
@pytest.mark.parametrize("document", DOCUMENTS)
def test_hostile_text_fetches_nothing_and_prints_as_text(
    document: str, drive: Driver, police: User, spy: list[str]
) -> None:
    pm = _hostile_model(drive)
    client = Client()
    client.force_login(police)

    started = time.perf_counter()
    response = client.get(document.format(pk=pm.pk))
    elapsed = time.perf_counter() - started

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert elapsed < 60
    assert spy and all(url.startswith(f"{pdf.BASE_URL}static/") for url in spy), spy
    text = flat_text(response.content)
    if "pilot-models" in document or "progress" in document or "funding" in document:
        assert "file:///etc/passwd" in text.replace(" ", "")  # the title, as printed text


@needs_poppler
def test_the_model_record_prints_every_payload_as_text(
    drive: Driver, police: User, spy: list[str]
) -> None:
    pm = _hostile_model(drive)
    client = Client()
    client.force_login(police)

    text = flat_text(client.get(f"/reports/pilot-models/{pm.pk}.pdf").content).replace(" ", "")

    for payload in (PAYLOADS[0], PAYLOADS[2]):
        assert payload.replace(" ", "") in text
    assert all(url.startswith(f"{pdf.BASE_URL}static/") for url in spy)


def test_a_layout_past_the_time_limit_answers_503_at_once(
    drive: Driver, police: User, settings: Any
) -> None:
    settings.PILOT06_PDF_ISOLATE = True
    settings.PILOT06_PDF_TIMEOUT_SECONDS = 0
    pm = drive.register(31)
    client = Client()
    client.force_login(police)

    started = time.perf_counter()
    response = client.get(f"/reports/pilot-models/{pm.pk}.pdf")

    assert response.status_code == 503
    assert time.perf_counter() - started < 15


def test_a_formula_in_a_title_stays_text_in_the_workbook(drive: Driver, police: User) -> None:
    pm = _hostile_model(drive)
    client = Client()
    client.force_login(police)

    response = client.get("/reports/progress.xlsx")

    assert response.status_code == 200
    sheet_cells = [
        cell
        for sheet in load_workbook(io.BytesIO(response.content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")
    ]
    assert sheet_cells, "the hostile title is in the workbook"
    assert all(cell.data_type == "s" for cell in sheet_cells)
    assert pm.title == TITLE
