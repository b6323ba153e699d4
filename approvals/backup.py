"""Back up and restore the whole database, audit trail included, with the tools each engine trusts.

SQLite: the online backup API (``sqlite3.Connection.backup``), which copies
a consistent snapshot while the application keeps running, WAL and all;
restoring copies the file back page by page into the live database.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean
--single-transaction``, so a restore either lands whole or not at all.

A restore is checked the way an auditor would: the chain is recomputed and
its head printed, to be compared with the head printed when the backup was
taken (or on the last paper report).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from . import audit, triggers


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to install or fix."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    size: int
    head_seq: int
    head_hash: str


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup method for the {vendor} engine")
    return vendor


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH; install the PostgreSQL client tools")
    return found


def _pg_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, with the password in the environment only."""
    args: list[str] = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    """Write a consistent copy of the database to ``path``; returns it with the audit head at that time."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    head_seq, head_hash = audit.head()
    if _vendor(using) == "sqlite":
        connection.ensure_connection()
        tmp = path.with_name(path.name + ".partial")
        target = sqlite3.connect(tmp)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        tmp.replace(path)
    else:
        args, env = _pg_args(connection.settings_dict)
        _run(
            [
                _pg_tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--file",
                str(path),
                "--dbname",
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
    return Snapshot(path, path.stat().st_size, head_seq, head_hash)


def restore(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> audit.Verification:
    """Replace the whole database with the backup at ``path``; returns the recomputed chain.

    Stop the application (web and worker) first: a restore replaces every
    table under their feet.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    connection = connections[using]
    if _vendor(using) == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if triggers.TABLE not in tables:
                raise BackupError(f"{path} is not a pilot06 SQLite backup")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a SQLite database: {exc}") from None
        finally:
            source.close()
    else:
        args, env = _pg_args(connection.settings_dict)
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(path),
            ],
            env,
        )
    connection.close()
    triggers.install(connections[using])
    return audit.verify()
