"""The pages of this app are the administrator's (SPEC §10); anyone else gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from province.access import is_admin

View = Callable[..., HttpResponseBase]


def admin_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_admin(request.user):
            raise PermissionDenied(_("Trang này dành cho quản trị hệ thống."))
        return view(request, *args, **kwargs)

    return wrapper
