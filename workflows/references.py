"""The agencies a request names by code, resolved in one query (review finding M2).

One query per code, inside the action's transaction, was how 20,000 codes
held the write lock for seconds; the codes are capped and deduplicated by
``fields.CodeListField`` before they get here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.models import Agency


def agencies_by_code(codes: Sequence[str]) -> list[Agency]:
    """The agencies, in the order asked; every unknown code is named in one error."""
    found = {agency.code: agency for agency in Agency.objects.filter(code__in=list(codes))}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            _("Không có cơ quan mã %(code)s.") % {"code": ", ".join(missing)}, code="unknown"
        )
    return [found[code] for code in codes]
