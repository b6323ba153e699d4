"""The REST API under ``/api/v1/``: a thin layer over the services (SPEC §9).

Views parse input, call ``workflows.services`` and ``workflows.selectors``,
and map domain errors to HTTP; no business rule lives here.
"""

from __future__ import annotations
