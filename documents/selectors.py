"""Reading the register: who may, and what each page and the API show."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from approvals.permissions import agency_id_of, sees_province
from approvals.roles import Role, roles_of

from .models import IssuedDocument, RegisterCounter

# Everything but the file's bytes: a register page never loads the PDFs.
LISTED = (
    "pk",
    "agency__code",
    "agency__name",
    "year",
    "number",
    "symbol",
    "kind",
    "period_kind",
    "period_start",
    "period_end",
    "subject_id",
    "title",
    "issued_on",
    "issued_at",
    "issued_by_username",
    "signer_name",
    "signer_title",
    "certificate_subject",
    "sha256",
    "size",
    "audit_seq",
    "audit_hash",
    "anchor_seq",
)


def may_read(user: Any) -> bool:
    """Issued documents cover the province: its readers see them, and so does every clerk."""
    return sees_province(user) or Role.CLERK in roles_of(user)


def readable(user: Any) -> QuerySet[IssuedDocument]:
    if not may_read(user):
        return IssuedDocument.objects.none()
    return IssuedDocument.objects.all()


def registers(user: Any) -> list[dict[str, Any]]:
    """Every agency and year with a register, newest year first."""
    if not may_read(user):
        return []
    rows = RegisterCounter.objects.filter(last_number__gt=0).order_by("-year", "agency__code")
    return [dict(row) for row in rows.values("agency__code", "agency__name", "year", "last_number")]


def register_rows(user: Any, *, code: str, year: int) -> list[dict[str, Any]]:
    """One register, in number order, without the files."""
    rows = readable(user).filter(agency__code=code, year=year).order_by("number").values(*LISTED)
    return [{**row, "reference": f"{row['number']:02d}/{row['symbol']}"} for row in rows]


def clerk_agency_id(user: Any) -> int | None:
    return agency_id_of(user) if Role.CLERK in roles_of(user) else None
