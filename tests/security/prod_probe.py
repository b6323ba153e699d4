"""Start Django with the production settings in this process and report what a browser would see.

Run by ``test_deploy`` in a subprocess, with DJANGO_DEBUG=false and a real
secret key in the environment: settings are read once per process, so the
production branch of ``project/settings.py`` can only be seen this way.

    python -m tests.security.prod_probe
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def main() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings

    # An API URL: it answers without the database or collected static files.
    client = Client()
    plain = client.get("/api/v1/pilot-models/", HTTP_HOST="pilot06.example.vn")
    secure = client.get("/api/v1/pilot-models/", HTTP_HOST="pilot06.example.vn", secure=True)
    # What a TLS-terminating proxy sends: plain HTTP, saying the client used HTTPS.
    proxied = client.get(
        "/api/v1/pilot-models/", HTTP_HOST="pilot06.example.vn", HTTP_X_FORWARDED_PROTO="https"
    )
    language = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/"},
        HTTP_HOST="pilot06.example.vn",
        secure=True,
    )
    cookie = language.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    schema = client.get("/api/schema/", HTTP_HOST="pilot06.example.vn", secure=True)
    # The docs page names static files; there is no collectstatic manifest here, and the question is only who may see it.
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        docs = client.get("/api/docs/", HTTP_HOST="pilot06.example.vn", secure=True)
    return {
        "debug": settings.DEBUG,
        "plain_status": plain.status_code,
        "plain_location": plain.get("Location", ""),
        "secure_status": secure.status_code,
        "proxied_status": proxied.status_code,
        "proxied_location": proxied.get("Location", ""),
        "proxied_body": proxied.content.decode(errors="replace")[:500],
        "language_cookie": {
            "secure": bool(cookie and cookie["secure"]),
            "samesite": cookie["samesite"] if cookie else "",
            "httponly": bool(cookie and cookie["httponly"]),
        },
        "schema_status": schema.status_code,
        "docs_status": docs.status_code,
        "docs_location": docs.get("Location", ""),
        "headers": {
            name: secure.get(name, "")
            for name in (
                "Strict-Transport-Security",
                "Content-Security-Policy",
                "X-Frame-Options",
                "X-Content-Type-Options",
                "Referrer-Policy",
                "Cross-Origin-Opener-Policy",
            )
        },
        "settings": {
            name: getattr(settings, name, None)
            for name in (
                "SESSION_COOKIE_SECURE",
                "SESSION_COOKIE_HTTPONLY",
                "CSRF_COOKIE_SECURE",
                "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                "SECURE_PROXY_SSL_HEADER",
                "SESSION_COOKIE_AGE",
            )
        },
    }


if __name__ == "__main__":
    sys.stdout.write("PROBE " + json.dumps(main(), default=str) + "\n")
