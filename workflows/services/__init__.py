"""Every action of SPEC §4, one function each; all callers go through ``perform``.

Python callers (``seed_demo``, the tests, the shell) use the typed functions
(``services.funding_approve(...)``); the REST API and the pages call
``perform(action_name, ...)`` with raw input.  Importing this package
registers every action's declaration (``workflows.actions.REGISTRY``).
"""

from __future__ import annotations

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
from .pipeline import perform
from .registration import (
    pilot_model_register,
    pilot_model_withdraw,
    registration_approve,
    registration_resubmit,
    registration_return,
)

__all__ = [
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
