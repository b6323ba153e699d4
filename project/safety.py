"""Refuse to start with a configuration that is dangerous in production, and say what to change.

This runs when the settings are read, not as a Django system check, because
gunicorn never runs the system checks: a refusal raised from the settings
stops every process alike (web, worker, ``manage.py``) before it serves
anything.  The rules are a pure function of
the settings and the environment, so tests can try each one without starting
anything.

The three refusals:

* DEBUG on while ALLOWED_HOSTS names a host other than loopback: the debug
  pages would show settings and source code to whoever reaches the site.
* SECURE_SSL_REDIRECT on while no proxy is trusted to say "this came in over
  HTTPS" (``PILOT06_TRUSTED_PROXY_COUNT=0``): behind a TLS proxy every request
  looks like plain HTTP to Django, so every answer is a redirect to HTTPS,
  forever.  The same setting is what the login lockout reads the client's
  address from, so a proxy left untrusted also puts every user behind one
  address.
* SQLite with more than one gunicorn worker: each worker is a separate
  process taking SQLite's single write lock, and pilot06 is only measured and
  supported on SQLite with one.  ``WEB_CONCURRENCY`` is how gunicorn is told
  its worker count, and ``deploy/gunicorn.conf.py`` writes the count it
  settled on back into it before the workers start.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Host names that only ever reach this machine, plus Django's test client host.
_LOOPBACK_NAMES = {"localhost", "testserver"}


def _is_loopback(host: str) -> bool:
    name = host.strip().lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def web_workers(environ: Mapping[str, str]) -> int:
    """The gunicorn worker count this process belongs to (1 when nothing says otherwise)."""
    raw = environ.get("WEB_CONCURRENCY", "").strip()
    try:
        return max(int(raw), 1) if raw else 1
    except ValueError:
        return 1


def problems(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """One sentence per dangerous combination in ``config`` (the settings module's names)."""
    found: list[str] = []
    if config.get("DEBUG"):
        public = [host for host in config.get("ALLOWED_HOSTS", []) if not _is_loopback(host)]
        if public:
            found.append(
                f"DJANGO_DEBUG is on while DJANGO_ALLOWED_HOSTS names {', '.join(public)}: "
                "debug pages would show settings and source code to anyone who reaches the site. "
                "Set DJANGO_DEBUG=false, or keep DJANGO_ALLOWED_HOSTS to 127.0.0.1,localhost "
                "for a trial on this machine."
            )
    if config.get("SECURE_SSL_REDIRECT") and not config.get("SECURE_PROXY_SSL_HEADER"):
        found.append(
            "DJANGO_SECURE_SSL_REDIRECT is on but PILOT06_TRUSTED_PROXY_COUNT is 0: behind a TLS "
            "proxy (nginx) every request reaches Django as plain HTTP and is redirected to HTTPS "
            "again, forever. Set PILOT06_TRUSTED_PROXY_COUNT=1 when one proxy of yours stands "
            "in front (as deploy/ ships), or DJANGO_SECURE_SSL_REDIRECT=false when nothing in "
            "front terminates TLS."
        )
    engine = str(config.get("DATABASES", {}).get("default", {}).get("ENGINE", ""))
    workers = web_workers(environ)
    if engine.endswith("sqlite3") and workers > 1:
        found.append(
            f"DATABASE_URL is SQLite but gunicorn runs {workers} workers (WEB_CONCURRENCY): "
            "SQLite takes one writer at a time and pilot06 supports it with one worker only. "
            "Set WEB_CONCURRENCY=1, or use PostgreSQL (docs/production.md)."
        )
    return found


def refuse_dangerous_configuration(config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Raise ImproperlyConfigured listing every problem; tests (``TESTING``) are exempt."""
    if config.get("TESTING"):
        return
    found = problems(config, environ)
    if found:
        raise ImproperlyConfigured(
            "pilot06 refuses to start with this configuration:\n"
            + "\n".join(f"  - {line}" for line in found)
        )
