"""``{% late_periodic_reports %}``: the police inbox's notice of periodic reports not issued on time.

A template tag keeps the arrows pointing one way: the inbox page (in
``workflows``) names the tag, and only the template engine reaches up here.
"""

from __future__ import annotations

from typing import Any

from django import template

from approvals.permissions import agency_id_of
from approvals.roles import Role, roles_of

from ..schedule import late_reports

register = template.Library()


@register.inclusion_tag("documents/_late_reports.html", takes_context=True)
def late_periodic_reports(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    roles = roles_of(user)
    if Role.POLICE in roles:
        late = list(late_reports())
    elif Role.CLERK in roles and (agency_id := agency_id_of(user)) is not None:
        late = list(late_reports().filter(agency_id=agency_id))
    else:
        late = []
    return {"late": late}
