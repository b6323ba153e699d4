"""SQL the ORM has no portable spelling for: day spans and medians.

Bottlenecks and accountability must stay a constant number of queries at
any size, so durations are measured and medians taken inside the database
(window functions work on both SQLite ≥ 3.25 and PostgreSQL) instead of
loading every step into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import FloatField, Func, QuerySet
from django.db.models.sql.compiler import SQLCompiler


class DaysBetween(Func):
    """Fractional days from ``start`` to ``end`` (two datetime expressions)."""

    arity = 2
    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def _parts(self, compiler: SQLCompiler, connection: Any) -> tuple[str, str, list[Any]]:
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return end_sql, start_sql, [*end_params, *start_params]

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        end, start, params = self._parts(compiler, connection)
        return f"(julianday({end}) - julianday({start}))", tuple(params)

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        end, start, params = self._parts(compiler, connection)
        return (
            f"(CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) AS double precision) / 86400.0)",
            tuple(params),
        )

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotImplementedError(f"DaysBetween has no SQL for {connection.vendor}")


@dataclass(frozen=True)
class Spread:
    """How long things took in one group: count, median, mean and maximum days.

    In working days (``w_*``, issue 14) and in calendar days beside them.
    """

    dim: str
    group: str
    count: int
    median: float
    mean: float
    maximum: float
    w_median: float = 0.0
    w_mean: float = 0.0
    w_maximum: float = 0.0


def _sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def spreads(parts: Sequence[QuerySet[Any]]) -> list[Spread]:
    """Median, mean and max of ``days`` per (``dim``, ``grp``), over all parts, in one query.

    Each part is a ``values_list("dim", "grp", "days", "wdays")`` queryset
    without ordering (calendar and working days); they are glued with UNION
    ALL.  PostgreSQL takes the medians with percentile_cont; SQLite by
    ROW_NUMBER over each group.
    """
    if not parts:
        return []
    selects: list[str] = []
    params: list[Any] = []
    for index, part in enumerate(parts):
        try:
            sql, part_params = _sql(part)
        except EmptyResultSet:  # a scope that holds nothing (an administrator's): no rows
            continue
        selects.append(f'SELECT "dim", "grp", "days", "wdays" FROM ({sql}) AS part{index}')
        params.extend(part_params)
    if not selects:
        return []
    union = " UNION ALL ".join(selects)
    if connection.vendor == "postgresql":
        # An ordered-set aggregate sorts each group once; no window to materialise.
        query = f"""
            SELECT "dim", "grp", COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY "days"),
                   AVG("days"), MAX("days"), percentile_cont(0.5) WITHIN GROUP (ORDER BY "wdays"),
                   AVG("wdays"), MAX("wdays")
            FROM ({union}) AS spans
            WHERE "days" IS NOT NULL
            GROUP BY "dim", "grp"
        """
    else:
        query = _WINDOW_MEDIAN.format(union=union)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    return [
        Spread(
            str(dim),
            str(grp),
            int(n),
            float(median or 0),
            float(mean or 0),
            float(maximum or 0),
            float(w_median or 0),
            float(w_mean or 0),
            float(w_maximum or 0),
        )
        for dim, grp, n, median, mean, maximum, w_median, w_mean, w_maximum in rows
    ]


# Elsewhere (SQLite ≥ 3.25): the middle row(s) by ROW_NUMBER over each group.
_WINDOW_MEDIAN = """
    SELECT "dim", "grp", COUNT(*), AVG(CASE WHEN rn IN ((c + 1) / 2, (c + 2) / 2) THEN "days" END),
           AVG("days"), MAX("days"), AVG(CASE WHEN rw IN ((c + 1) / 2, (c + 2) / 2) THEN "wdays" END),
           AVG("wdays"), MAX("wdays")
    FROM (
        SELECT "dim", "grp", "days", "wdays",
               ROW_NUMBER() OVER (PARTITION BY "dim", "grp" ORDER BY "days") AS rn,
               ROW_NUMBER() OVER (PARTITION BY "dim", "grp" ORDER BY "wdays") AS rw,
               COUNT(*) OVER (PARTITION BY "dim", "grp") AS c
        FROM ({union}) AS spans
        WHERE "days" IS NOT NULL
    ) AS ranked
    GROUP BY "dim", "grp"
"""


def models_with_steps(models: QuerySet[Any], steps: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Accountability's one round trip: models grouped by (agency, day), with their steps.

    ``models`` yields (model_id, acct_agency, day, is_completed, is_late,
    is_overdue) per model; ``steps`` yields (step_model, returns, step_days,
    step_count, step_wdays) per model.  The ORM cannot group by a value that is a
    correlated subquery (the agency on the day) while joining another
    aggregate, so the two compiled queries are joined here.
    """
    try:
        model_sql, model_params = _sql(models)
        step_sql, step_params = _sql(steps)
    except EmptyResultSet:  # a scope that holds nothing (an administrator's): no rows
        return []
    query = f"""
        SELECT m."acct_agency", m."day", COUNT(*), SUM(m."is_completed"), SUM(m."is_late"), SUM(m."is_overdue"),
               SUM(COALESCE(s."returns", 0)), SUM(COALESCE(s."step_days", 0)), SUM(COALESCE(s."step_count", 0)),
               SUM(COALESCE(s."step_wdays", 0))
        FROM ({model_sql}) AS m
        LEFT JOIN ({step_sql}) AS s ON s."step_model" = m."model_id"
        GROUP BY m."acct_agency", m."day"
    """
    with connection.cursor() as cursor:
        cursor.execute(query, (*model_params, *step_params))
        return list(cursor.fetchall())
