"""The client's address, believing X-Forwarded-For only as far as our own proxies wrote it.

django-axes keys its lockout on this address, and audit entries record it,
so a header a client can type must never decide it.  With
``PILOT06_TRUSTED_PROXY_COUNT = 0`` (the default) only REMOTE_ADDR counts.
With N trusted proxies in front, each appends the address it received the
connection from, so the N-th entry from the right is the address the
outermost trusted proxy saw: everything to its left is the client's own
claim and is ignored.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: Any) -> str:
    """REMOTE_ADDR, or the address our outermost trusted proxy saw (``AXES_CLIENT_IP_CALLABLE``)."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR", "") or "")[:45]
    trusted = int(getattr(settings, "PILOT06_TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote  # the request did not come through every trusted proxy
    candidate = forwarded[-trusted]
    return candidate[:45] if _valid(candidate) else remote
