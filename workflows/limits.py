"""How long a list any action input may carry, in one place (review finding M2).

A list without a bound lets one request do unbounded work; the caps are
far above what a province's model needs (a handful of agencies, a few
deliverables, a dozen budget lines) and far below what would hold a lock.
Evidence files have their own caps in settings (``EVIDENCE_MAX_FILES``).
"""

from __future__ import annotations

MAX_AGENCY_CODES = 50
MAX_DELIVERABLES = 50
MAX_BUDGET_LINES = 50
