"""Tables the database itself refuses to change, on SQLite and PostgreSQL alike.

The audit trail (append-only) and the archive of issued documents
(immutable) are evidence, so UPDATE and DELETE raise in the database, not
only in the ORM.  django-pgtrigger covers PostgreSQL only and the embedded
default is SQLite, so this one small class writes the equivalent triggers
for both, and each table declares itself once (``approvals.triggers``,
``documents.triggers``).  SQLite drops triggers when Django rebuilds a
table, hence ``install_after_migrate`` on post_migrate; ``missing`` feeds a
system check that reports them absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.checks import Error
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import DatabaseError


@dataclass(frozen=True)
class GuardedTable:
    """One table whose rows the database refuses to UPDATE or DELETE (and, if asked, to TRUNCATE).

    Triggers are named ``<prefix>_no_update``, ``<prefix>_no_delete`` and, on
    PostgreSQL with ``truncate``, ``<prefix>_no_truncate``; each raises
    ``message``.
    """

    table: str
    prefix: str
    function: str  # the PostgreSQL trigger function
    message: str
    truncate: bool = False

    @property
    def sqlite_triggers(self) -> tuple[str, ...]:
        return (f"{self.prefix}_no_update", f"{self.prefix}_no_delete")

    @property
    def pg_triggers(self) -> tuple[str, ...]:
        extra = (f"{self.prefix}_no_truncate",) if self.truncate else ()
        return (*self.sqlite_triggers, *extra)

    def triggers_for(self, connection: BaseDatabaseWrapper) -> tuple[str, ...]:
        return self.pg_triggers if connection.vendor == "postgresql" else self.sqlite_triggers

    def _sqlite_sql(self) -> list[str]:
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {self.table} "
            f"BEGIN SELECT RAISE(ABORT, '{self.message}'); END;"
            for name, event in zip(self.sqlite_triggers, ("UPDATE", "DELETE"), strict=True)
        ]

    def _pg_sql(self) -> list[str]:
        statements = [
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{self.message}'; END; $$;",
        ]
        events = (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT"))
        for name, (event, scope) in zip(self.pg_triggers, events, strict=False):
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {self.table};",
                f"CREATE TRIGGER {name} BEFORE {event} ON {self.table} "
                f"FOR EACH {scope} EXECUTE FUNCTION {self.function}();",
            ]
        return statements

    def _table_exists(self, connection: BaseDatabaseWrapper) -> bool:
        return self.table in connection.introspection.table_names()

    def install(self, connection: BaseDatabaseWrapper) -> None:
        if not self._table_exists(connection):
            return
        statements = self._pg_sql() if connection.vendor == "postgresql" else self._sqlite_sql()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def drop(self, connection: BaseDatabaseWrapper) -> None:
        """Remove the triggers: only for tests (tampering, a test database's closing flush)."""
        if connection.vendor == "postgresql" and not self._table_exists(connection):
            return  # PostgreSQL names a trigger with its table; SQLite's names stand alone
        with connection.cursor() as cursor:
            for name in self.triggers_for(connection):
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {self.table};")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name};")

    def missing(self, connection: BaseDatabaseWrapper) -> list[str]:
        """Names of this table's triggers absent from the database (none while the table is)."""
        if not self._table_exists(connection):
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                    [self.table],
                )
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s",
                    [self.table],
                )
            present = {row[0] for row in cursor.fetchall()}
        return [name for name in self.triggers_for(connection) if name not in present]

    def install_after_migrate(self, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
        """The post_migrate receiver: put back what a table rebuild dropped."""
        self.install(connections[using])

    def check(self, databases: Any, *, what: str, app: str) -> list[Error]:
        """The system check's errors: ``<app>.E001`` when triggers are missing, E002 when unreadable."""
        errors: list[Error] = []
        for alias in databases or []:
            try:
                absent = self.missing(connections[alias])
            except DatabaseError as exc:  # the database is not reachable: other checks say so
                return [Error(f"cannot inspect {what}: {exc}", id=f"{app}.E002")]
            if absent:
                errors.append(
                    Error(
                        f"{what} missing on {alias}: {', '.join(absent)}",
                        hint="Run `python manage.py migrate`; it recreates them.",
                        id=f"{app}.E001",
                    )
                )
        return errors
