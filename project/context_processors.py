"""Template context every page needs: the AGPL §13 source link and the province's name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from documents.selectors import may_read
from province.access import is_admin
from province.profile import province_name


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SOURCE_URL": settings.PILOT06_SOURCE_URL,
        # Lazy: only pages that show it read the profile (an error page may have no database).
        "PROVINCE": SimpleLazyObject(province_name),
        # Read only by pages that show the administrator's menu entry.
        "IS_ADMIN": SimpleLazyObject(lambda: is_admin(getattr(request, "user", None))),
        "READS_DOCUMENTS": SimpleLazyObject(lambda: may_read(getattr(request, "user", None))),
    }
