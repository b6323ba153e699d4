"""The PostgreSQL pass really runs on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.postgres
def test_the_postgres_pass_talks_to_postgresql(db: object) -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        assert cursor.fetchone()[0] == "on"
