"""Every action of SPEC §4, declared once and taken through one pipeline.

Importing this package registers every action's declaration
(``workflows.actions.REGISTRY``).  Every caller (the pages, the REST API,
the task pages, ``seed_demo``, the tests) takes an action with
``perform(action, pilot_model_id=…, actor=…, data=…)``; registering a new
model, which has no id yet, is ``pilot_model_register``.
"""

from __future__ import annotations

from . import completion, deployment, funding, governance, registration
from .pipeline import perform
from .registration import pilot_model_register

__all__ = [
    "completion",
    "deployment",
    "funding",
    "governance",
    "perform",
    "pilot_model_register",
    "registration",
]
