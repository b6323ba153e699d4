"""The audit table is append-only (SPEC §5): the database refuses UPDATE, DELETE and TRUNCATE.

Declared once as a ``GuardedTable``; the module-level names are what the
app's wiring, the backup and the tests use.
"""

from __future__ import annotations

from .guarded_tables import GuardedTable

AUDIT = GuardedTable(
    table="approvals_auditentry",
    prefix="audit",
    function="pilot06_audit_append_only",
    message="audit trail is append-only",
    truncate=True,
)

TABLE = AUDIT.table
SQLITE_TRIGGERS = AUDIT.sqlite_triggers
PG_TRIGGERS = AUDIT.pg_triggers
MESSAGE = AUDIT.message
install = AUDIT.install
drop = AUDIT.drop
missing = AUDIT.missing
install_after_migrate = AUDIT.install_after_migrate
