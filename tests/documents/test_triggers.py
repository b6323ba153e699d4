"""The archive's triggers are checked like the audit trail's: missing ones fail ``documents.E001``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from documents import triggers
from documents.checks import issued_document_triggers_present


def test_migrate_installs_the_archives_triggers(db: None) -> None:
    assert triggers.missing(connection) == []
    assert set(triggers.SQLITE_TRIGGERS) == {"issued_no_update", "issued_no_delete"}


def test_the_system_check_fails_while_the_archives_triggers_are_missing(db: None) -> None:
    assert issued_document_triggers_present(databases=["default"]) == []
    triggers.drop(connection)
    try:
        errors = issued_document_triggers_present(databases=["default"])
        assert [e.id for e in errors] == ["documents.E001"]
        assert "issued_no_update" in errors[0].msg and "issued_no_delete" in errors[0].msg
        with pytest.raises(SystemCheckError, match="documents.E001"):
            call_command("check", databases=["default"])
    finally:
        triggers.install(connection)

    assert issued_document_triggers_present(databases=["default"]) == []
