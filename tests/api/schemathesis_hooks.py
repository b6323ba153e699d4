"""Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS``) in ``test_schemathesis``: who the fuzzer is.

Every request carries the role's token, except the two logout operations:
they would revoke it (``logout-all`` every token of the role's user) and
leave the rest of the run answering 401.  They get a token of a spare user
instead, a fresh one each time while the spare ones last.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

ROLE_TOKEN = os.environ["PILOT06_FUZZ_TOKEN"]
SPARE_TOKENS = iter(os.environ["PILOT06_FUZZ_SPARE_TOKENS"].split(","))
REVOKING = ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/")


@schemathesis.auth(refresh_interval=None)
class RoleToken:
    def get(self, case: Any, context: Any) -> str:
        if case.operation.path in REVOKING:
            return next(SPARE_TOKENS, "spent")
        return ROLE_TOKEN

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}
