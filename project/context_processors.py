"""Template context every page needs (the AGPL §13 source link)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SOURCE_URL": settings.PILOT06_SOURCE_URL, "PROVINCE": settings.PILOT06_PROVINCE}
