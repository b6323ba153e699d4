"""Fast inserts for test data: explicit ids, DB-ready values, COPY on PostgreSQL.

``bulk_create`` prepares every value of every row through the field API;
for the 2 million rows of a 100,000-model province that alone takes
minutes.  Benchmark data needs none of it: the values are built ready for
the database, ids are handed out here (so rows can point at each other
before anything is written), and PostgreSQL gets ``COPY``.  Sequences are
moved past the ids used afterwards, so the application's own inserts go on
as usual.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any


class Db:
    """Turns Python values into what the current backend stores."""

    def __init__(self) -> None:
        from django.db import connection

        self.vendor = connection.vendor
        self._ops = connection.ops

    def dt(self, value: dt.datetime | None) -> Any:
        # Django keeps SQLite datetimes as naive UTC text; psycopg takes aware ones.
        if value is None or self.vendor != "sqlite":
            return value
        return self._ops.adapt_datetimefield_value(value)

    def date(self, value: dt.date | None) -> Any:
        return value if value is None or self.vendor != "sqlite" else value.isoformat()

    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)


class Table:
    """Rows for one model's table, with ids allocated past the current maximum."""

    def __init__(self, model: Any, fields: Sequence[str]) -> None:
        from django.db.models import Max

        self.model = model
        meta = model._meta
        self.columns = ["id", *(meta.get_field(name).column for name in fields)]
        self.width = len(self.columns)
        self.rows: list[tuple[Any, ...]] = []
        self._last_id = model.objects.aggregate(m=Max("id"))["m"] or 0

    def add(self, *values: Any) -> int:
        """Queue one row (values in ``fields`` order) and return its id."""
        self._last_id += 1
        self.rows.append((self._last_id, *values))
        return self._last_id

    def flush(self) -> None:
        if self.rows:
            insert(self.model._meta.db_table, self.columns, self.rows)
            self.rows = []


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
                list(rows),
            )


def reset_sequences(models: Iterable[Any]) -> None:
    """After explicit ids on PostgreSQL, the next default id must come after them."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
