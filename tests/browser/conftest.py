"""Headless Chromium through Playwright against pytest-django's live server.

Without a Chromium the browser tests are skipped with a notice, except in CI
(CI=true), where a missing browser fails the run rather than hiding it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("PILOT06_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        message = (
            "Chromium not found: install the Debian package 'chromium' to run the browser tests"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        print(f"\nNOTICE: {message}; skipping them.")
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def open_as(browser: Any, live_server: Any, request: Any) -> Iterator[Callable[[str, str], Any]]:
    """Log someone in through the login form in a fresh browser context; returns their page."""
    pages: dict[str, Any] = {}

    def login(username: str, password: str) -> Any:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        pages[username] = page
        return page

    yield login
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for username, page in pages.items():
            try:
                page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}-{username}.png"), full_page=True
                )
            except Exception as error:  # a crashed page cannot be photographed
                print(f"no screenshot for {username}: {error}")
    for page in pages.values():
        page.context.close()
