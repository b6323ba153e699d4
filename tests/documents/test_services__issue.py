"""Issuing: the clerk numbers, signs and archives a report; pyHanko trusts it; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from pyhanko.pdf_utils.reader import PdfFileReader

from approvals import audit
from approvals.events import Event
from approvals.exceptions import Conflict, Forbidden, Invalid
from approvals.models import AuditEntry
from documents import services
from documents.demo_keys import Pki
from documents.models import IssuedDocument, RegisterCounter
from documents.placement import MM, signature_box
from reports.pdf import RenderError
from tests.documents.helpers import pdf_text, validate
from tests.reports.conftest import TZ

pytestmark = pytest.mark.django_db

ISSUE_DAY = dt.datetime(2026, 2, 5, 10, 0, tzinfo=TZ)


@pytest.fixture
def on_issue_day() -> Any:
    with time_machine.travel(ISSUE_DAY, tick=False):
        yield


def issue(actor: User, kind: str = "progress", **data: Any) -> IssuedDocument:
    return services.document_issue(actor=actor, data={"kind": kind, **data})


def test_a_clerk_issues_a_report_numbered_signed_and_anchored(
    clerk: User, signing_keys: Pki, on_issue_day: None
) -> None:
    document = issue(clerk, period="month", date="2026-01-31")

    assert (document.agency.code, document.year, document.number) == ("CAT", 2026, 1)
    assert document.reference == "01/BC-CAT"
    assert document.issued_on == dt.date(2026, 2, 5) and document.issued_by == clerk
    assert (document.period_kind, document.period_start, document.period_end) == (
        "month",
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
    )
    content = bytes(document.content)
    assert hashlib.sha256(content).hexdigest() == document.sha256 and document.size == len(content)
    entry = AuditEntry.objects.get(seq=document.audit_seq)
    assert entry.action == Event.DOCUMENT_ISSUED and entry.hash == document.audit_hash
    assert entry.actor_username == "clerk_cat" and entry.role == "clerk"
    assert entry.payload["sha256"] == document.sha256 and entry.payload["reference"] == "01/BC-CAT"
    # The head printed in the document is the one just before the issue was recorded.
    assert (document.anchor_seq, document.anchor_hash) == (entry.seq - 1, entry.prev_hash)
    assert audit.verify().ok


def test_the_number_and_the_issue_date_are_on_the_so_line(
    clerk: User, signing_keys: Pki, on_issue_day: None, tmp_path: Path
) -> None:
    text = pdf_text(bytes(issue(clerk).content), tmp_path)

    so_line = next(line for line in text.splitlines() if "Số:" in line)
    assert "Số: 01/BC-CAT" in so_line
    assert "Nghệ An, ngày 05 tháng 02 năm 2026" in so_line


def test_pyhanko_finds_the_signature_intact_and_trusted(
    clerk: User, signing_keys: Pki, on_issue_day: None, tmp_path: Path
) -> None:
    result = validate(bytes(issue(clerk, "accountability").content), signing_keys.ca_pem, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signer's certificate is trusted." in result.stdout
    assert "The signature is cryptographically sound." in result.stdout
    assert "The signature covers the entire file." in result.stdout
    assert "The signature is judged VALID." in result.stdout
    assert "Common Name: Cong an tinh" in result.stdout


def test_one_changed_byte_fails_validation(
    clerk: User, signing_keys: Pki, on_issue_day: None, tmp_path: Path
) -> None:
    content = bytearray(issue(clerk).content)
    # The second line of the file is a binary comment: inside the signed range,
    # yet the file still parses, so only the digest can notice.
    assert content[:9] == b"%PDF-1.7\n"
    content[10] ^= 0x01

    result = validate(bytes(content), signing_keys.ca_pem, tmp_path)

    assert result.returncode != 0
    assert "The signature is judged VALID." not in result.stdout
    assert "INVALID" in result.stdout


def test_the_visible_signature_sits_at_the_signers_place(
    clerk: User, signing_keys: Pki, on_issue_day: None
) -> None:
    signed = bytes(issue(clerk).content)

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    rect = tuple(round(float(v)) for v in signature.sig_field["/Rect"])
    place = signature_box(signed)
    assert rect == place.rect
    assert place.rect[2] - place.rect[0] == round(62 * MM)


def test_numbers_run_on_per_agency_and_restart_each_year(
    clerk: User, finance_clerk: User, signing_keys: Pki
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 30, 9, 0, tzinfo=TZ), tick=False):
        first, second = issue(clerk), issue(clerk, "accountability")
        funding = issue(finance_clerk, "funding")
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, 0, tzinfo=TZ), tick=False):
        next_year = issue(clerk)

    assert [first.reference, second.reference, funding.reference] == [
        "01/BC-CAT",
        "02/BC-CAT",
        "01/BC-STC",
    ]
    assert (next_year.year, next_year.reference) == (2027, "01/BC-CAT")
    assert RegisterCounter.objects.get(agency__code="CAT", year=2026).last_number == 2


def refusals() -> list[dict[str, Any]]:
    return list(
        AuditEntry.objects.filter(action="refused.issue_document").values_list("payload", flat=True)
    )


def test_only_a_clerk_issues(police: User, signing_keys: Pki) -> None:
    with pytest.raises(Forbidden):
        issue(police)

    assert not IssuedDocument.objects.exists()
    assert [(p["status"], p["code"]) for p in refusals()] == [(403, "forbidden")]


def test_a_clerk_issues_only_their_own_agencys_documents(
    finance_clerk: User, signing_keys: Pki
) -> None:
    with pytest.raises(Forbidden):
        issue(finance_clerk, "progress")

    assert not IssuedDocument.objects.exists() and len(refusals()) == 1


def test_bad_input_is_refused_and_changes_nothing(clerk: User, signing_keys: Pki) -> None:
    with pytest.raises(Invalid) as bad_kind:
        issue(clerk, "memo")
    with pytest.raises(Invalid) as bad_period:
        issue(clerk, "progress", period="fortnight")

    assert set(bad_kind.value.errors) == {"kind"} and set(bad_period.value.errors) == {"period"}
    assert not RegisterCounter.objects.exists() and not IssuedDocument.objects.exists()
    assert [p["fields"] for p in refusals()] == [["kind"], ["period"]]


def test_without_a_certificate_nothing_is_numbered(
    clerk: User, pki: Pki, monkeypatch: pytest.MonkeyPatch, on_issue_day: None
) -> None:
    monkeypatch.delenv("PILOT06_SIGNING_CAT_P12", raising=False)
    with pytest.raises(Conflict):
        issue(clerk)
    monkeypatch.setenv("PILOT06_SIGNING_CAT_P12", str(pki.p12["CAT"]))
    monkeypatch.setenv("PILOT06_SIGNING_CAT_PASSPHRASE", "not-the-passphrase")
    with pytest.raises(Conflict):
        issue(clerk)
    monkeypatch.setenv("PILOT06_SIGNING_CAT_PASSPHRASE", pki.passphrase)

    assert issue(clerk).number == 1
    assert [p["code"] for p in refusals()] == ["conflict", "conflict"]


def test_a_failed_render_gives_the_number_back(
    clerk: User, signing_keys: Pki, monkeypatch: pytest.MonkeyPatch, on_issue_day: None
) -> None:
    def broken(name: str, context: Any, **kwargs: Any) -> bytes:
        raise RenderError("the document took too long")

    with monkeypatch.context() as patch:
        patch.setattr("documents.drafts.render_pdf", broken)
        with pytest.raises(Conflict):
            issue(clerk)

    assert issue(clerk).number == 1


@pytest.mark.parametrize(
    "sql",
    ["UPDATE documents_issueddocument SET sha256 = 'x'", "DELETE FROM documents_issueddocument"],
)
def test_the_archive_refuses_update_and_delete(
    clerk: User, signing_keys: Pki, on_issue_day: None, sql: str
) -> None:
    document = issue(clerk)

    with (
        pytest.raises(DatabaseError, match="an issued document never changes"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    stored = IssuedDocument.objects.get(pk=document.pk)
    assert stored.sha256 == document.sha256
