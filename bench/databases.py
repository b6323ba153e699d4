"""A fresh database per figure, copied from one migrated template per backend.

Migrating costs seconds; copying costs milliseconds.  SQLite copies the
template file; PostgreSQL uses ``CREATE DATABASE … TEMPLATE``.  Only the
databases made here are dropped afterwards, by name; the server itself (the
throwaway one ``scripts/with-postgres.sh`` starts) is left alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PREFIX = "pilot06_bench_"


class SQLiteFiles:
    vendor = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"

    def template_url(self) -> str:
        return f"sqlite:///{self.template}"

    def fresh(self, name: str) -> str:
        target = self.folder / f"{name}.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def cleanup(self) -> None:
        """The files go with the run's temporary folder."""


class PostgresDatabases:
    vendor = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self.template = f"{PREFIX}template"
        self.made: list[str] = []

    def _url_of(self, database: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))

    def _admin(self, sql: str) -> None:
        import psycopg

        # Any database but the ones being created or copied; the URL's own is.
        with psycopg.connect(
            self.url.replace("postgres://", "postgresql://", 1), autocommit=True
        ) as conn:
            conn.execute(sql)

    def server_version(self) -> str:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "?"

    def template_url(self) -> str:
        self._drop(self.template)
        self._admin(f'CREATE DATABASE "{self.template}"')
        self.made.append(self.template)
        return self._url_of(self.template)

    def fresh(self, name: str) -> str:
        database = f"{PREFIX}{name}"
        self._drop(database)
        self._admin(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        self.made.append(database)
        return self._url_of(database)

    def _drop(self, database: str) -> None:
        assert database.startswith(PREFIX)
        self._admin(f'DROP DATABASE IF EXISTS "{database}"')

    def cleanup(self) -> None:
        for database in reversed(self.made):
            self._drop(database)
        self.made = []
