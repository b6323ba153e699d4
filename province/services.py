"""Changing the profile: the one writer, audited with a field-by-field diff (SPEC §5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from approvals import audit
from approvals.events import Event
from approvals.exceptions import DomainError, Invalid
from approvals.roles import Role

from . import profile as reading
from . import time_limits
from .access import audit_refusal, require_admin
from .forms import ProfileForm, ReportProfileForm, profile_forms
from .models import PROFILE_PK, DocumentKind, ProvinceProfile, ReportProfile


def stored_reports(profile: ProvinceProfile) -> dict[str, ReportProfile]:
    """Each document's settings, unsaved empty ones for a kind not stored yet."""
    return {kind: reading.report_of(profile, kind) for kind in DocumentKind.values}


def _snapshot(instance: Any, fields: list[str]) -> dict[str, Any]:
    return {} if instance._state.adding else model_to_dict(instance, fields=fields)


def profile_update(*, actor: Any, data: Mapping[str, Any], ip: str = "") -> ProvinceProfile:
    """Replace the profile with ``data`` (as ``forms.profile_data`` shapes it).

    Nothing changes and nothing is audited when the data says what the
    profile already says.
    """
    try:
        return _update(actor=actor, data=data, ip=ip)
    except DomainError as error:
        audit_refusal(
            "update_profile",
            actor=actor,
            error=error,
            object_type="province.provinceprofile",
            ip=ip,
        )
        raise


def _update(*, actor: Any, data: Mapping[str, Any], ip: str) -> ProvinceProfile:
    require_admin(actor)
    with transaction.atomic():
        profile = ProvinceProfile.objects.select_for_update().filter(pk=PROFILE_PK).first()
        if profile is None:
            profile = ProvinceProfile(pk=PROFILE_PK)
        reports = stored_reports(profile)
        # Snapshots first: binding a ModelForm writes the input into its instance.
        before = _snapshot(profile, ProfileForm.Meta.fields)
        old = {
            kind: _snapshot(report, ReportProfileForm.Meta.fields)
            for kind, report in reports.items()
        }
        main, per_kind = profile_forms(data, profile, reports)
        errors: dict[str, list[str]] = {}
        for form in (main, *per_kind.values()):
            if not form.is_valid():
                for field, messages in form.errors.items():
                    key = field if form.prefix is None else f"{form.prefix}-{field}"
                    errors[key] = [str(m) for m in messages]
        if errors:
            raise Invalid(errors)
        profile = main.save()
        after = _snapshot(profile, ProfileForm.Meta.fields)
        changes: dict[str, Any] = {
            k: [before.get(k), v] for k, v in after.items() if before.get(k) != v
        }
        for kind, form in per_kind.items():
            report = form.save(commit=False)
            report.profile, report.kind = profile, kind
            report.save()
            new = _snapshot(report, ReportProfileForm.Meta.fields)
            changes.update(
                {
                    f"{kind}.{k}": [old[kind].get(k), v]
                    for k, v in new.items()
                    if old[kind].get(k) != v
                }
            )
        if changes:
            audit.append(
                action=Event.PROVINCE_PROFILE_CHANGED,
                actor=actor,
                role=Role.ADMIN,
                obj=profile,
                payload={"changes": changes},
                ip=ip,
            )
        transaction.on_commit(reading.forget_name)
        transaction.on_commit(time_limits.forget)
    return profile
