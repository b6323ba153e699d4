"""Query parameters are input too: a name the operation does not take answers 400.

The list's filters already refuse a bad value (``filters``), so that a typo
in ``?state=`` never looks like an empty province; a typo in the *name*
(``?stat=registered``) would otherwise be ignored and answer the whole
province.  The paging parameters and DRF's ``?format=`` are always taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .errors import NON_FIELD
from .pagination import PageNumberPagination

ALWAYS = frozenset(
    {PageNumberPagination.page_query_param, PageNumberPagination.page_size_query_param}
)


def check_query(request: Request, *, accepted: Iterable[str] = ()) -> None:
    """400 ``{non_field_errors: [...]}`` naming every query parameter not in ``accepted``."""
    taken = ALWAYS | set(accepted) | {api_settings.URL_FORMAT_OVERRIDE}
    unknown = sorted(name for name in request.query_params if name not in taken)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise ValidationError({NON_FIELD: [_("Không có tham số %(names)s.") % {"names": names}]})
