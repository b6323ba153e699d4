"""Several counts of one set of models in one query, each through its own index.

``SELECT (SELECT COUNT(*) … overdue), (SELECT COUNT(*) … due soon), …``
rather than one pass over every model with a FILTER per figure: each
subquery can walk the index that fits it (the partial indexes of open
models by deadline and by last action, the state index, the open blockers),
so a figure costs about what it counts.  The filters are the rules'
own (``workflows.rules``); only the way of counting changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet


def count_each(scope: QuerySet[Any], filters: Mapping[str, Q]) -> dict[str, int]:
    """How many rows of ``scope`` each filter keeps, in one round trip."""
    if not filters:
        return {}
    selects: list[str] = []
    params: list[Any] = []
    for index, condition in enumerate(filters.values()):
        try:
            sql, part_params = (
                scope.filter(condition).order_by().values("pk").query.sql_with_params()
            )
        except EmptyResultSet:  # a scope that holds nothing (an administrator's) counts nothing
            selects.append("0")
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted{index})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(filters, row, strict=True)}
