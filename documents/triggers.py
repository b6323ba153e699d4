"""The archive of issued documents is immutable: the database refuses UPDATE and DELETE.

The same mechanism as the audit trail's (``approvals.guarded_tables``): an
issued document is evidence.  Unlike the audit table there is no TRUNCATE
trigger: a test database's flush truncates every table, and the production
role is granted only INSERT and SELECT here anyway
(``deploy/postgres/grants.sql``).
"""

from __future__ import annotations

from approvals.guarded_tables import GuardedTable

ISSUED = GuardedTable(
    table="documents_issueddocument",
    prefix="issued",
    function="pilot06_issued_immutable",
    message="an issued document never changes",
)

TABLE = ISSUED.table
SQLITE_TRIGGERS = ISSUED.sqlite_triggers
PG_TRIGGERS = ISSUED.pg_triggers
MESSAGE = ISSUED.message
install = ISSUED.install
drop = ISSUED.drop
missing = ISSUED.missing
install_after_migrate = ISSUED.install_after_migrate
