"""Pages speak Vietnamese unless English is chosen; <html lang> follows; the footer links the source."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_pages_are_vietnamese_by_default_even_for_english_browsers(
    officer: Any, client: Client
) -> None:
    client.force_login(officer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    assert "Việc cần làm" in html


def test_choosing_english_switches_the_page_language(officer: Any, client: Client) -> None:
    client.force_login(officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_every_page_links_the_source_code(client: Client, settings: Any, db: Any) -> None:
    # Every page's header names the province, read from its profile in the database.
    html = client.get("/accounts/login/").content.decode()
    assert f'href="{settings.PILOT06_SOURCE_URL}"' in html
    assert "AGPL-3.0" in html


def test_no_asset_comes_from_the_internet(officer: Any, client: Client) -> None:
    client.force_login(officer)
    html = client.get("/").content.decode()
    for marker in ('src="http', 'src="//', 'href="//', "cdn"):
        assert marker not in html
    assert '<link rel="stylesheet" href="http' not in html
