"""The audit table is append-only at the database (SPEC §5).

Triggers refuse UPDATE and DELETE, from raw SQL and from the ORM alike (and
TRUNCATE on PostgreSQL).  SQLite drops triggers when Django rebuilds a
table, so the post-migrate hook puts them back, and the system check
``approvals.E001`` fails while they are missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, models, transaction

from approvals import audit, triggers
from approvals.checks import audit_triggers_present
from approvals.models import AuditEntry
from tests.factories import Driver


@pytest.fixture
def chain(drive: Driver) -> list[AuditEntry]:
    drive.financed()
    return list(AuditEntry.objects.order_by("seq"))


def _row(seq: int) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, action, payload, hash FROM approvals_auditentry WHERE seq = %s", [seq]
        )
        return tuple(cursor.fetchone())


def _raw(sql: str, params: list[Any]) -> Callable[[], Any]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


WRITES: list[Any] = [
    pytest.param(
        lambda e: _raw(
            "UPDATE approvals_auditentry SET action = %s WHERE seq = %s", ["x.y", e.seq]
        )(),
        id="raw_sql_update",
    ),
    pytest.param(
        lambda e: _raw("DELETE FROM approvals_auditentry WHERE seq = %s", [e.seq])(),
        id="raw_sql_delete",
    ),
    pytest.param(
        lambda e: AuditEntry.objects.filter(seq=e.seq).update(payload={"forged": True}),
        id="queryset_update",
    ),
    pytest.param(lambda e: AuditEntry.objects.filter(seq=e.seq).delete(), id="queryset_delete"),
    pytest.param(
        lambda e: AuditEntry.objects.all().update(ip="198.51.100.1"), id="queryset_update_all"
    ),
    pytest.param(lambda e: AuditEntry.objects.all().delete(), id="queryset_delete_all"),
    pytest.param(lambda e: (setattr(e, "to_state", "cancelled"), e.save()), id="instance_save"),
    pytest.param(lambda e: e.delete(), id="instance_delete"),
]


@pytest.mark.parametrize("write", WRITES)
def test_the_database_refuses_to_change_or_remove_an_audit_entry(
    chain: list[AuditEntry], write: Callable[[AuditEntry], Any]
) -> None:
    target = chain[len(chain) // 2]
    before = _row(target.seq)

    with pytest.raises(DatabaseError, match=triggers.MESSAGE), transaction.atomic():
        write(AuditEntry.objects.get(seq=target.seq))

    assert _row(target.seq) == before
    assert AuditEntry.objects.count() == len(chain)
    assert audit.verify().ok


@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_audit_table(chain: list[AuditEntry]) -> None:
    # The chain was written in this test's transaction: run its deferred foreign-key
    # checks now, or PostgreSQL refuses TRUNCATE for "pending trigger events" first.
    _raw("SET CONSTRAINTS ALL IMMEDIATE", [])()

    with pytest.raises(DatabaseError, match=triggers.MESSAGE), transaction.atomic():
        _raw("TRUNCATE approvals_auditentry CASCADE", [])()

    assert AuditEntry.objects.count() == len(chain)
    assert triggers.missing(connection) == []


def test_appending_still_works_under_the_triggers(drive: Driver) -> None:
    pm = drive.financed()
    count = AuditEntry.objects.count()

    drive.act("start_deployment", pm, "officer", {"start_date": "2026-01-05"})

    assert AuditEntry.objects.count() == count + 1
    assert audit.verify().ok


def test_the_triggers_are_installed_by_migrate(db: None) -> None:
    wanted = triggers.PG_TRIGGERS if connection.vendor == "postgresql" else triggers.SQLITE_TRIGGERS

    assert triggers.missing(connection) == []
    assert set(wanted) >= {"audit_no_update", "audit_no_delete"}


def test_the_system_check_fails_while_the_triggers_are_missing(db: None) -> None:
    assert [
        e for e in audit_triggers_present(databases=["default"]) if e.id == "approvals.E001"
    ] == []
    triggers.drop(connection)
    try:
        errors = audit_triggers_present(databases=["default"])
        assert [e.id for e in errors] == ["approvals.E001"]
        assert isinstance(errors[0], Error)
        assert "audit_no_update" in errors[0].msg and "audit_no_delete" in errors[0].msg
        with pytest.raises(SystemCheckError, match="approvals.E001"):
            call_command("check", databases=["default"])
    finally:
        triggers.install(connection)

    assert audit_triggers_present(databases=["default"]) == []
    call_command("check", databases=["default"])


def test_the_system_check_names_a_single_missing_trigger(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_no_delete ON approvals_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_no_delete")
    try:
        errors = audit_triggers_present(databases=["default"])
        assert [e.id for e in errors] == ["approvals.E001"]
        assert "audit_no_delete" in errors[0].msg and "audit_no_update" not in errors[0].msg
    finally:
        triggers.install(connection)


@pytest.mark.django_db(transaction=True)
def test_the_triggers_survive_a_migration_that_rebuilds_the_table(
    flushable_audit: None, drive: Driver
) -> None:
    """SQLite rebuilds the table for an altered column, which drops its triggers; migrate puts them back."""
    drive.register()
    old = AuditEntry._meta.get_field("ip")
    wider = models.CharField(max_length=64, blank=True)
    wider.set_attributes_from_name("ip")
    wider.model = AuditEntry

    with connection.schema_editor() as editor:
        editor.alter_field(AuditEntry, old, wider)
    try:
        if connection.vendor == "sqlite":
            # The rebuild really happened: SQLite dropped the triggers with the old table.
            assert sorted(triggers.missing(connection)) == sorted(triggers.SQLITE_TRIGGERS)
            assert any(
                e.id == "approvals.E001" for e in audit_triggers_present(databases=["default"])
            )

        call_command("migrate", verbosity=0)  # its post-migrate hook reinstalls them

        assert triggers.missing(connection) == []
        assert audit_triggers_present(databases=["default"]) == []
        with pytest.raises(DatabaseError, match=triggers.MESSAGE), transaction.atomic():
            AuditEntry.objects.update(ip="198.51.100.1")
        assert audit.verify().ok
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(AuditEntry, wider, old)
        triggers.install(connection)
    assert triggers.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_the_post_migrate_handler_alone_restores_dropped_triggers(flushable_audit: None) -> None:
    triggers.drop(connection)
    assert triggers.missing(connection) != []

    triggers.install_after_migrate(using="default")

    assert triggers.missing(connection) == []
