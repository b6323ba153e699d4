"""Twenty clerks' requests at once on PostgreSQL: twenty documents numbered 1…20, no gap, no twin.

Real threads on real connections, released together by a barrier, as in
tests/security/test_races_postgres.py.  The register row's lock turns them
into a queue; the signing is real, only the layout is a one-page stand-in
(WeasyPrint's full report would make the queue wait past the lock timeout,
which is a different test: a lock wait answers 409, never a gap).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.html import escape

from approvals import audit
from approvals import triggers as audit_triggers
from approvals.roles import Role
from documents import services
from documents import triggers as issued_triggers
from documents.demo_keys import make_pki
from documents.models import IssuedDocument
from reports.pdf import layout
from tests.factories import make_user
from tests.security.racing import run_threads

THREADS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def quick_render(name: str, context: dict[str, Any], **kwargs: Any) -> bytes:
    """A page with the Số line and the signer's place, laid out in-process."""
    header = context["header"]
    return layout(
        f"<p>Số: {escape(header['number'])}/{escape(header['symbol'])}</p>"
        '<div id="signature-place" style="width:62mm;height:24mm"></div>'
    )


@pytest.fixture(scope="module")
def race(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> dict[str, Any]:
    pki = make_pki(tmp_path_factory.mktemp("pki"), {"CAT": "Cong an tinh"}, passphrase="race")
    with (
        django_db_blocker.unblock(),
        mock.patch.dict(os.environ, pki.env("CAT")),
        mock.patch("documents.drafts.render_pdf", quick_render),
    ):
        try:
            clerks = [make_user(f"clerk_{i}", "CAT", Role.CLERK).pk for i in range(4)]
            errors = run_threads(
                THREADS,
                lambda i, actor: services.document_issue(
                    actor=actor, data={"kind": "accountability"}
                ),
                clerks,
            )
            numbers = list(
                IssuedDocument.objects.order_by("number").values_list("number", flat=True)
            )
            result = {
                "errors": [f"{type(e).__name__}: {e}" for e in errors if e is not None],
                "numbers": numbers,
                "entries": audit.verify(),
            }
        finally:
            audit_triggers.drop(connection)
            issued_triggers.drop(connection)
            call_command("flush", interactive=False, verbosity=0)
    return result


def test_twenty_clerks_at_once_get_twenty_consecutive_numbers(race: dict[str, Any]) -> None:
    assert race["errors"] == []
    assert race["numbers"] == list(range(1, THREADS + 1))
    assert max(Counter(race["numbers"]).values()) == 1


def test_the_chain_holds_after_the_race(race: dict[str, Any]) -> None:
    verification = race["entries"]
    assert verification.ok and verification.entries >= THREADS
