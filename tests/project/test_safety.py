"""Start-up refuses a dangerous configuration, with a message that says what to change.

The rules are tried one by one as a pure function, then for real: a
``manage.py`` process and a gunicorn started with deploy/gunicorn.conf.py
must stop before serving anything.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from project.safety import problems, refuse_dangerous_configuration

ROOT = Path(settings.BASE_DIR)
SQLITE = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
POSTGRES = {"default": {"ENGINE": "django.db.backends.postgresql"}}


def config(**overrides: Any) -> dict[str, Any]:
    """A safe production configuration, changed by ``overrides``."""
    base: dict[str, Any] = {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["pilot06.example.vn"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "DATABASES": POSTGRES,
    }
    return {**base, **overrides}


def test_a_safe_production_configuration_passes() -> None:
    assert problems(config(), {"WEB_CONCURRENCY": "5"}) == []


def test_debug_with_a_public_host_is_refused() -> None:
    found = problems(config(DEBUG=True, ALLOWED_HOSTS=["localhost", "pilot06.example.vn"]), {})

    assert len(found) == 1
    assert "DJANGO_DEBUG is on" in found[0] and "pilot06.example.vn" in found[0]


@pytest.mark.parametrize(
    "hosts",
    [
        ["127.0.0.1", "localhost", "testserver"],
        ["::1", "[::1]", "127.0.0.2", "pilot06.localhost", "LOCALHOST"],
        [],
    ],
)
def test_debug_on_loopback_only_is_allowed(hosts: list[str]) -> None:
    assert problems(config(DEBUG=True, ALLOWED_HOSTS=hosts), {}) == []


@pytest.mark.parametrize("hosts", [["*"], ["0.0.0.0"], ["10.0.0.5"], [".example.vn"]])
def test_debug_with_any_other_host_is_refused(hosts: list[str]) -> None:
    assert len(problems(config(DEBUG=True, ALLOWED_HOSTS=hosts), {})) == 1


def test_an_https_redirect_with_no_trusted_proxy_is_refused() -> None:
    found = problems(config(SECURE_PROXY_SSL_HEADER=None), {})

    assert len(found) == 1
    assert "PILOT06_TRUSTED_PROXY_COUNT is 0" in found[0] and "forever" in found[0]


def test_no_redirect_needs_no_proxy() -> None:
    assert problems(config(SECURE_SSL_REDIRECT=False, SECURE_PROXY_SSL_HEADER=None), {}) == []


@pytest.mark.parametrize("workers", ["2", "9"])
def test_sqlite_under_several_gunicorn_workers_is_refused(workers: str) -> None:
    found = problems(config(DATABASES=SQLITE), {"WEB_CONCURRENCY": workers})

    assert len(found) == 1
    assert f"gunicorn runs {workers} workers" in found[0] and "WEB_CONCURRENCY=1" in found[0]


@pytest.mark.parametrize("environ", [{}, {"WEB_CONCURRENCY": "1"}, {"WEB_CONCURRENCY": ""}])
def test_sqlite_with_one_worker_is_allowed(environ: dict[str, str]) -> None:
    assert problems(config(DATABASES=SQLITE), environ) == []


def test_every_problem_is_listed_at_once() -> None:
    bad = config(DEBUG=True, ALLOWED_HOSTS=["*"], SECURE_PROXY_SSL_HEADER=None, DATABASES=SQLITE)

    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_dangerous_configuration(bad, {"WEB_CONCURRENCY": "3"})

    message = str(refused.value)
    assert message.startswith("pilot06 refuses to start with this configuration:")
    assert message.count("\n  - ") == 3


def test_the_test_runner_is_exempt() -> None:
    refuse_dangerous_configuration(config(DEBUG=True, ALLOWED_HOSTS=["*"], TESTING=True), {})


# ---------------------------------------------------------------- real processes


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PILOT06_", "WEB_CONCURRENCY"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="pilot06.example.vn",
        PILOT06_TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        DJANGO_SETTINGS_MODULE="project.settings",
    )
    env.update(overrides)
    return env


def manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_production_environment_itself_starts(tmp_path: Path) -> None:
    done = manage_check(production_env(tmp_path))

    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        (
            {"DJANGO_DEBUG": "true"},
            "DJANGO_DEBUG is on while DJANGO_ALLOWED_HOSTS names pilot06.example.vn",
        ),
        (
            {"PILOT06_TRUSTED_PROXY_COUNT": "0"},
            "DJANGO_SECURE_SSL_REDIRECT is on but PILOT06_TRUSTED_PROXY_COUNT is 0",
        ),
        ({"WEB_CONCURRENCY": "3"}, "DATABASE_URL is SQLite but gunicorn runs 3 workers"),
    ],
)
def test_manage_py_refuses_to_start(tmp_path: Path, overrides: dict[str, str], why: str) -> None:
    done = manage_check(production_env(tmp_path, **overrides))

    assert done.returncode != 0
    assert "pilot06 refuses to start with this configuration" in done.stderr and why in done.stderr


def test_gunicorn_with_the_shipped_config_refuses_sqlite_with_several_workers(
    tmp_path: Path,
) -> None:
    """No WEB_CONCURRENCY given: deploy/gunicorn.conf.py picks 2 × CPUs + 1 and tells the workers."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"unix:{tmp_path / 'gunicorn.sock'}",
            "project.wsgi",
        ],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode != 0
    assert "DATABASE_URL is SQLite but gunicorn runs" in done.stdout + done.stderr
    assert "Worker failed to boot" in done.stdout + done.stderr
