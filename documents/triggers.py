"""Triggers that make the archive of issued documents immutable, on both engines.

The same shape as the audit trail's (``approvals.triggers``): an issued
document is evidence, so the database itself refuses UPDATE and DELETE.
SQLite drops triggers when Django rebuilds a table, hence the post-migrate
hook; a system check reports them missing.  Unlike the audit table there is
no TRUNCATE trigger: a test database's flush truncates every table, and the
production role is granted only INSERT and SELECT here anyway
(``deploy/postgres/grants.sql``).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "documents_issueddocument"
SQLITE_TRIGGERS = ("issued_no_update", "issued_no_delete")
PG_TRIGGERS = SQLITE_TRIGGERS
MESSAGE = "an issued document never changes"


def _sqlite_sql() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS issued_no_update BEFORE UPDATE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS issued_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def _pg_sql() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION pilot06_issued_immutable() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;",
    ]
    for name, event, scope in (
        ("issued_no_update", "UPDATE", "ROW"),
        ("issued_no_delete", "DELETE", "ROW"),
    ):
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {TABLE};",
            f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} "
            f"FOR EACH {scope} EXECUTE FUNCTION pilot06_issued_immutable();",
        ]
    return statements


def _table_exists(connection: BaseDatabaseWrapper) -> bool:
    return TABLE in connection.introspection.table_names()


def install(connection: BaseDatabaseWrapper) -> None:
    if not _table_exists(connection):
        return
    statements = _pg_sql() if connection.vendor == "postgresql" else _sqlite_sql()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers: only for a test database's closing flush."""
    with connection.cursor() as cursor:
        for name in PG_TRIGGERS if connection.vendor == "postgresql" else SQLITE_TRIGGERS:
            if connection.vendor == "postgresql":
                if _table_exists(connection):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE};")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of the immutability triggers absent from the database."""
    if not _table_exists(connection):
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            wanted: tuple[str, ...] = PG_TRIGGERS
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [TABLE]
            )
            wanted = SQLITE_TRIGGERS
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def install_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    install(connections[using])
