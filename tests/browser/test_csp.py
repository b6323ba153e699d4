"""The strict Content-Security-Policy, in a real browser: no page breaks under it.

Headless Chromium opens the pages a person uses and the API docs; the
browser reports every blocked script, style or fetch on the console, and
there must be none.  (Without Chromium, skipped as the other browser tests
are; in CI a missing browser fails.)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Driver

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_audit"),
]


def test_pages_and_api_docs_run_under_the_policy(
    open_as: Any, drive: Driver, live_server: Any
) -> None:
    pm = drive.completion_submitted(60)
    page = open_as("police", "pw-police")
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: (
            blocked.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None
        ),
    )
    page.on("pageerror", lambda e: blocked.append(f"{page.url}: {e}"))

    for path in ("/", "/pilot-models/", f"/pilot-models/{pm.pk}/", "/dashboard/", "/reports/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    operations = page.locator(".opblock").count()
    page.locator(".opblock-summary").first.click()
    page.wait_for_timeout(300)

    assert operations > 20
    assert blocked == []
