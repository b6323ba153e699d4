"""Every action of SPEC §4, one function each; all callers go through ``perform``.

Import the typed functions from here (``services.funding_approve(...)``); the
REST API and the task pages call ``perform(action_name, ...)`` with raw input.
"""

from __future__ import annotations

from .base import REGISTRY, available_actions, get_visible, perform
from .completion import (
    completion_return,
    completion_sign_off,
    completion_submit,
    completion_verify,
    signoff_return,
)
from .deployment import deployment_start, progress_report
from .funding import funding_approve, funding_reject, funding_request, funding_return
from .governance import (
    blocker_clear,
    blocker_set,
    db_permission_record,
    deadline_extend,
    details_update,
    lead_agency_reassign,
    pilot_model_cancel,
)
from .registration import (
    pilot_model_register,
    pilot_model_withdraw,
    registration_approve,
    registration_resubmit,
    registration_return,
)

__all__ = [
    "REGISTRY",
    "available_actions",
    "blocker_clear",
    "blocker_set",
    "completion_return",
    "completion_sign_off",
    "completion_submit",
    "completion_verify",
    "db_permission_record",
    "deadline_extend",
    "deployment_start",
    "details_update",
    "funding_approve",
    "funding_reject",
    "funding_request",
    "funding_return",
    "get_visible",
    "lead_agency_reassign",
    "perform",
    "pilot_model_cancel",
    "pilot_model_register",
    "pilot_model_withdraw",
    "progress_report",
    "registration_approve",
    "registration_resubmit",
    "registration_return",
    "signoff_return",
]
