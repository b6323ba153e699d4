"""Reading the profile: the facts one document carries, resolved to names.

Documents read only this (``reports.documents``): the issuer's name and
parent agency come from the Agency the profile names, everything else from
the profile itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from approvals.models import Agency

from .models import FINANCE_DOCUMENTS, PROFILE_PK, DocumentKind, ProvinceProfile, ReportProfile

NAME_CACHE_KEY = "pilot06:province-name"
NAME_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Signing:
    prefix: str
    title: str
    name: str


@dataclass(frozen=True)
class DocumentFacts:
    """What the header, the date line and the closing of one document say."""

    province: str
    place: str
    issuer_code: str
    issuer_name: str
    parent: str
    addressee: str
    signing: Signing
    recipients: tuple[str, ...]


def load() -> ProvinceProfile:
    """The stored profile, or an empty unsaved one (a database flushed by a test has none)."""
    profile = ProvinceProfile.objects.filter(pk=PROFILE_PK).prefetch_related("reports").first()
    return profile if profile is not None else ProvinceProfile(pk=PROFILE_PK)


def report_of(profile: ProvinceProfile, kind: str) -> ReportProfile:
    """The profile's settings for ``kind``, or empty ones not yet saved."""
    if profile._state.adding:
        return ReportProfile(profile=profile, kind=kind)
    for report in profile.reports.all():
        if report.kind == kind:
            return report
    return ReportProfile(profile=profile, kind=kind)


def issuer_code(profile: ProvinceProfile, report: ReportProfile) -> str:
    if report.issuer:
        return report.issuer
    return profile.finance_agency if report.kind in FINANCE_DOCUMENTS else profile.standing_agency


def document_facts(kind: str) -> DocumentFacts:
    """Everything document ``kind`` says about who issues, signs and receives it."""
    kind = DocumentKind(kind)
    profile = load()
    report = report_of(profile, kind)
    code = issuer_code(profile, report)
    agency = Agency.objects.filter(code=code).first() if code else None
    return DocumentFacts(
        province=profile.name,
        place=profile.place or profile.name,
        issuer_code=code,
        issuer_name=agency.name if agency else code,
        parent=agency.parent_name if agency else "",
        addressee=report.addressee
        or (
            _("Ủy ban nhân dân tỉnh %(province)s") % {"province": profile.name}
            if profile.name
            else ""
        ),
        signing=Signing(report.signing_prefix, report.signing_title, report.signing_name),
        recipients=tuple(report.recipient_lines),
    )


def province_name() -> str:
    """The province's name for every page's header, cached: it changes once in a blue moon."""
    name = cache.get(NAME_CACHE_KEY)
    if name is None:
        name = (
            ProvinceProfile.objects.filter(pk=PROFILE_PK).values_list("name", flat=True).first()
            or ""
        )
        cache.set(NAME_CACHE_KEY, name, NAME_CACHE_SECONDS)
    return str(name)


def forget_name() -> None:
    cache.delete(NAME_CACHE_KEY)
