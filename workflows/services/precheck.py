"""The checks of an action that need no input, made before a large body is read (review, upload item).

A ``submit_completion`` may carry up to ``PILOT06_UPLOAD_MAX_TOTAL_MB`` of
files.  ``upload_gate`` asks ``precheck`` first, from the URL alone: is
the model visible (404), may this person act on it (403), is it in the
state for this action (409), would the person decide their own step (403)?
Only then is the body read.  ``perform`` makes every check again under
the locks, so nothing here decides an action; it only spares the server a
body nobody may send.  A refusal is audited as ``perform`` audits it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from approvals import clock
from approvals.exceptions import (
    Conflict,
    DomainError,
    Forbidden,
    NotAuthenticated,
    SeparationOfDuties,
)
from approvals.models import Outcome
from approvals.permissions import authorising_role

from ..actions import REGISTRY, Context, unknown_action
from ..selectors import get_visible
from .pipeline import audit_refusal


def precheck(action: str, *, pilot_model_id: Any, actor: Any, ip: str = "") -> None:
    """Raise the refusal ``perform`` would answer before it reads the input, or return."""
    try:
        spec = REGISTRY.get(action)
        if spec is None:
            raise unknown_action(action)
        pilot_model = get_visible(actor, pilot_model_id)
        role = authorising_role(actor, spec.roles, lead_agency_id=pilot_model.lead_agency_id)
        if role is None:
            raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
        pending = pilot_model.steps.filter(outcome=Outcome.PENDING).first()
        ctx = Context(
            pilot_model=pilot_model, actor=actor, role=role, now=clock.now(), pending=pending
        )
        message = spec.conflict(ctx)
        if message:
            raise Conflict(message)
        message = spec.separation(ctx)
        if message:
            raise SeparationOfDuties(message)
    except DomainError as error:
        if not isinstance(error, NotAuthenticated):
            audit_refusal(action, actor=actor, object_id=pilot_model_id, error=error, ip=ip)
        raise


def file_actions() -> frozenset[str]:
    """The actions whose input may carry files: the only ones a multipart body may reach."""
    return frozenset(name for name, spec in REGISTRY.items() if spec.takes_files)
