"""Database triggers that make the audit table append-only (SPEC §5).

django-pgtrigger covers PostgreSQL only; the embedded default is SQLite, so
one small module installs the equivalent SQL on both and a system check
reports when they are missing.  SQLite drops triggers when Django rebuilds a
table, hence the post-migrate hook.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "approvals_auditentry"
SQLITE_TRIGGERS = ("audit_no_update", "audit_no_delete")
PG_TRIGGERS = ("audit_no_update", "audit_no_delete", "audit_no_truncate")
MESSAGE = "audit trail is append-only"


def _sqlite_sql() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    ]


def _pg_sql() -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION pilot06_audit_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;",
        f"DROP TRIGGER IF EXISTS audit_no_update ON {TABLE};",
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION pilot06_audit_append_only();",
        f"DROP TRIGGER IF EXISTS audit_no_delete ON {TABLE};",
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION pilot06_audit_append_only();",
        f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
        f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION pilot06_audit_append_only();",
    ]


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
    """Remove the triggers: only for tests that prove tampering is detected."""
    with connection.cursor() as cursor:
        for name in PG_TRIGGERS if connection.vendor == "postgresql" else SQLITE_TRIGGERS:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE};")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of the append-only triggers absent from the database."""
    if not _table_exists(connection):
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
            wanted: tuple[str, ...] = PG_TRIGGERS
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [TABLE]
            )
            present = {row[0] for row in cursor.fetchall()}
            wanted = SQLITE_TRIGGERS
    return [name for name in wanted if name not in present]


def install_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    install(connections[using])
