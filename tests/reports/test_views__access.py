"""Who gets which report (SPEC §7): officers 403 province-wide, 404 on others' records."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Driver
from tests.reports.conftest import ClientFor

PROVINCE_WIDE = [
    "/reports/progress.pdf",
    "/reports/progress.xlsx",
    "/reports/funding.pdf",
    "/reports/funding.xlsx",
    "/reports/accountability.pdf",
    "/reports/accountability.xlsx",
]


@pytest.mark.parametrize("url", PROVINCE_WIDE)
def test_an_officer_gets_403_on_province_wide_reports(
    browser: ClientFor, drive: Driver, url: str
) -> None:
    drive.register(6)
    assert browser("officer").get(url).status_code == 403


@pytest.mark.parametrize("who", ["police", "leader", "inspector", "finance"])
def test_province_roles_get_every_report(browser: ClientFor, drive: Driver, who: str) -> None:
    pm = drive.register(6)
    for url in [*PROVINCE_WIDE, f"/reports/pilot-models/{pm.pk}.pdf", "/dashboard/", "/reports/"]:
        assert browser(who).get(url).status_code == 200, url


def test_an_officer_gets_their_own_model_record_and_404_for_others(
    browser: ClientFor, drive: Driver
) -> None:
    own = drive.register(6)
    coordinated = drive.register(7, coordinating_agencies=["SGDDT"])
    assert browser("officer").get(f"/reports/pilot-models/{own.pk}.pdf").status_code == 200
    assert browser("other_officer").get(f"/reports/pilot-models/{own.pk}.pdf").status_code == 404
    assert (
        browser("other_officer").get(f"/reports/pilot-models/{coordinated.pk}.pdf").status_code
        == 200
    )
    assert browser("officer").get("/reports/pilot-models/999999.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client: Any, db: Any) -> None:
    for url in ["/dashboard/", "/reports/", "/reports/progress.pdf", "/reports/pilot-models/1.pdf"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_finance_sees_the_funding_report_first(browser: ClientFor, db: Any) -> None:
    page = browser("finance").get("/reports/").content.decode()
    assert page.index("/reports/funding.pdf") < page.index("/reports/progress.pdf")
    police_page = browser("police").get("/reports/").content.decode()
    assert police_page.index("/reports/progress.pdf") < police_page.index("/reports/funding.pdf")


def test_an_officers_reports_page_offers_only_their_records(
    browser: ClientFor, drive: Driver
) -> None:
    own = drive.register(6)
    page = browser("other_officer").get("/reports/").content.decode()
    assert "/reports/progress.pdf" not in page
    assert f"/reports/pilot-models/{own.pk}.pdf" not in page


def test_a_bad_period_is_a_400(browser: ClientFor, db: Any) -> None:
    assert browser("police").get("/reports/progress.pdf?period=decade").status_code == 400
    assert browser("police").get("/reports/progress.pdf?date=2999-01-01").status_code == 400
    assert browser("police").get("/reports/progress.pdf?date=05/02/2026").status_code == 400
