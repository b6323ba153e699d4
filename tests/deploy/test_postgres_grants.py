"""deploy/postgres/grants.sql: the application role may add to and read the audit trail, nothing more.

Everything runs inside the test's transaction, the role included (CREATE ROLE
is transactional in PostgreSQL), so nothing outlives the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

pytestmark = pytest.mark.postgres

GRANTS = Path(settings.BASE_DIR) / "deploy" / "postgres" / "grants.sql"
APP = "pilot06_app"


def statements(sql: str) -> list[str]:
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [part.strip() for part in code.split(";") if part.strip()]


@pytest.fixture
def app_role(db: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {APP} NOLOGIN")
        for sql in statements(GRANTS.read_text()):
            cursor.execute(sql)
    return APP


def allowed(role: str, table: str, privilege: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
        return bool(cursor.fetchone()[0])


def test_the_application_may_only_add_to_and_read_the_audit_trail(app_role: str) -> None:
    granted = {
        p
        for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
        if allowed(app_role, "approvals_auditentry", p)
    }

    assert granted == {"SELECT", "INSERT"}


@pytest.mark.parametrize(
    "table", ["workflows_pilotmodel", "approvals_chainhead", "django_session", "axes_accessattempt"]
)
def test_the_application_has_full_dml_on_the_other_tables(app_role: str, table: str) -> None:
    assert all(allowed(app_role, table, p) for p in ("SELECT", "INSERT", "UPDATE", "DELETE"))
    assert not allowed(app_role, table, "TRUNCATE")


def test_an_update_of_the_audit_trail_is_a_permission_error_before_any_trigger(
    app_role: str,
) -> None:
    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        cursor.execute("UPDATE approvals_auditentry SET action = 'x'")

    assert getattr(refused.value.__cause__, "sqlstate", None) == "42501"  # insufficient_privilege
    assert "permission denied" in str(refused.value)
