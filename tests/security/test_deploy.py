"""Production settings: Django's deployment checks, the headers a browser gets, the secret key.

Settings are read once per process, so the production branch (DEBUG off)
is exercised in subprocesses with a production-like environment.  The
Content-Security-Policy is checked in this process too: every page a
person opens must work under it, so none may carry inline script or style.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.factories import Driver

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = secrets.token_urlsafe(64)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOT06_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="pilot06.example.vn",
        # nginx in front, as deploy/ ships: with no trusted proxy the HTTPS redirect is refused.
        PILOT06_TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        DJANGO_SETTINGS_MODULE="project.settings",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_at_warning_level(tmp_path: Path) -> None:
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_fails_on_a_django_insecure_key(tmp_path: Path) -> None:
    """The settings accept any long varied key; Django's own check still flags the dev prefix."""
    env = production_env(tmp_path, DJANGO_SECRET_KEY="django-insecure-" + secrets.token_urlsafe(48))

    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert done.returncode != 0
    assert "security.W009" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "DJANGO_SECRET_KEY is required"),
        ("short-key", "at least 50"),
        ("ab" * 40, "at least 50"),
    ],
)
def test_a_missing_or_weak_secret_key_is_refused_with_debug_off(
    tmp_path: Path, key: str, why: str
) -> None:
    done = run(["manage.py", "check"], production_env(tmp_path, DJANGO_SECRET_KEY=key))

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and why in done.stderr


def test_production_answers_with_hsts_csp_and_the_rest(tmp_path: Path) -> None:
    done = run(["-m", "tests.security.prod_probe"], production_env(tmp_path))
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, done.stderr[-3000:]
    probe: dict[str, Any] = json.loads(line[len("PROBE ") :])

    assert probe["debug"] is False
    assert probe["plain_status"] == 301 and probe["plain_location"].startswith("https://")
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert_strict_csp(headers["Content-Security-Policy"])
    assert probe["settings"]["SESSION_COOKIE_SECURE"] and probe["settings"]["CSRF_COOKIE_SECURE"]
    assert probe["settings"]["SESSION_COOKIE_HTTPONLY"]


def probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    done = run(["-m", "tests.security.prod_probe"], production_env(tmp_path, **env))
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(line[len("PROBE ") :])
    return result


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["DJANGO_DEBUG"], env["DJANGO_SECRET_KEY"]

    done = run(["manage.py", "check"], env)

    # Off by default, so the missing key is refused: a DEBUG-on default would start with a development key.
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in done.stderr


def test_make_run_turns_debug_on_explicitly() -> None:
    done = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    runserver = [line for line in done.stdout.splitlines() if "runserver" in line]
    assert runserver and all("DJANGO_DEBUG=true" in line for line in runserver), done.stdout


def test_the_language_cookie_is_secure_and_samesite_in_production(tmp_path: Path) -> None:
    assert probe(tmp_path)["language_cookie"] == {
        "secure": True,
        "samesite": "Lax",
        "httponly": True,
    }


def test_a_session_lasts_a_working_day_and_can_be_changed(tmp_path: Path) -> None:
    assert probe(tmp_path)["settings"]["SESSION_COOKIE_AGE"] == 8 * 3600
    assert probe(tmp_path, PILOT06_SESSION_HOURS="4")["settings"]["SESSION_COOKIE_AGE"] == 4 * 3600


def test_the_api_schema_and_docs_need_a_login_in_production(tmp_path: Path) -> None:
    result = probe(tmp_path)

    assert result["schema_status"] == 401
    assert result["docs_status"] == 302 and result["docs_location"].startswith("/accounts/login/")


def test_the_api_docs_can_be_made_public(tmp_path: Path) -> None:
    result = probe(tmp_path, PILOT06_API_DOCS_PUBLIC="true")

    assert (result["schema_status"], result["docs_status"]) == (200, 200)


def test_a_tls_proxy_without_a_trusted_proxy_count_gets_a_clear_error_not_a_redirect_loop(
    tmp_path: Path,
) -> None:
    # project/safety.py refuses to start: the redirect loop never gets a chance.
    done = run(["manage.py", "check"], production_env(tmp_path, PILOT06_TRUSTED_PROXY_COUNT="0"))

    assert done.returncode != 0
    assert "PILOT06_TRUSTED_PROXY_COUNT" in done.stderr


def test_behind_a_trusted_proxy_its_https_header_is_believed(tmp_path: Path) -> None:
    done = run(
        ["-m", "tests.security.prod_probe"],
        production_env(tmp_path, PILOT06_TRUSTED_PROXY_COUNT="1"),
    )
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("PROBE "))

    assert json.loads(line[len("PROBE ") :])["settings"]["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_without_a_trusted_proxy_no_client_header_claims_https(tmp_path: Path) -> None:
    """Allowed only with the redirect off: project/safety.py refuses a redirect no proxy may satisfy."""
    env = production_env(
        tmp_path, PILOT06_TRUSTED_PROXY_COUNT="0", DJANGO_SECURE_SSL_REDIRECT="false"
    )
    done = run(["-m", "tests.security.prod_probe"], env)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PROBE ")), None)

    assert line is not None, done.stderr[-3000:]
    assert json.loads(line[len("PROBE ") :])["settings"]["SECURE_PROXY_SSL_HEADER"] is None


def test_the_migrations_match_the_models(db: Any) -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def assert_strict_csp(policy: str) -> None:
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, style attributes and blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        values = dict(attrs)
        if (
            tag == "script"
            and "src" not in names
            and values.get("type") not in ("application/json",)
        ):
            self._in_script = True
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
            # Assets (not links) come from this origin only.
            offsite = bool(value and re.match(r"^(https?:)?//", value.strip()))
            if (
                offsite
                and tag in ("script", "link", "img", "iframe", "source")
                and name in ("src", "href")
            ):
                self.found.append(f"off-site asset <{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")


def _page_urls(pm_id: int) -> list[str]:
    return [
        "/",
        "/pilot-models/",
        f"/pilot-models/{pm_id}/",
        "/dashboard/",
        "/api/docs/",
        "/admin/",
        "/accounts/login/",
    ]


def test_every_page_works_under_the_policy(drive: Driver, people: dict[str, Any]) -> None:
    pm = drive.completion_submitted(90)
    client = Client()
    client.force_login(people["police"])
    admin = Client()
    admin.force_login(
        type(people["police"]).objects.create_superuser("root", "root@example.vn", "pw-root-123")
    )

    problems: dict[str, list[str]] = {}
    for url in _page_urls(pm.pk):
        response = (admin if url.startswith("/admin/") else client).get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_strict_csp(response["Content-Security-Policy"])
        finder = InlineFinder()
        finder.feed(response.content.decode())
        if finder.found:
            problems[url] = finder.found
    assert problems == {}


def test_the_api_docs_load_their_script_from_a_file(db: Any, people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["police"])
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*swagger-ui-init[^"]*|[^"]*/api/docs/\?[^"]*)"', page)

    assert script is not None, page[-800:]
    js = client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and "SwaggerUIBundle" in js.content.decode()
