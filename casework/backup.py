"""Backups: SQLite's online backup API (consistent while the app runs), pg_dump for PostgreSQL.

SQLite: `backup` copies page by page through sqlite3's backup API, so writers keep working and
the copy is a consistent snapshot (WAL included). `restore` copies a backup back the same way,
after checking the backup's integrity; stop the app servers first so nobody works on data that
is about to be replaced.

PostgreSQL: `backup` runs pg_dump (custom format) with the password passed in the environment,
never on the command line; restoring is an operator's job with pg_restore (see README).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from glob import glob
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024


class BackupError(RuntimeError):
    pass


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite:/// URL, or None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(parsed.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    with target:
        source.backup(target, pages=PAGES_PER_STEP)


def _integrity(path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")
    if "audit_events" not in tables:
        raise BackupError(f"{path} is not a Casework Guide database (it has no audit_events table).")


def backup_sqlite(database: Path, target: Path) -> None:
    """Write a consistent copy of a live SQLite database to `target` (which must not exist yet)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        _copy(source, destination)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        source.close()
        destination.close()
    _integrity(target)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace the database's contents with the backup's (online: open connections see the restored data)."""
    if not backup.exists():
        raise BackupError(f"There is no backup at {backup}.")
    _integrity(backup)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(database, timeout=30)
    try:
        _copy(source, destination)
    finally:
        source.close()
        destination.close()


def pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools (postgresql-client).")
    return found


def libpq_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore: everything on the command line except the password."""
    parsed = make_url(url)
    args = ["--dbname", str(parsed.database or "")]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return args, env


def backup_postgres(url: str, target: Path) -> None:
    """pg_dump in custom format (restore with pg_restore --clean --if-exists)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    args, env = libpq_args(url)
    result = subprocess.run(  # noqa: S603 - fixed tool, no shell
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore_postgres(backup: Path, url: str) -> None:
    """pg_restore --clean --if-exists into the database (the app servers should be stopped)."""
    args, env = libpq_args(url)
    result = subprocess.run(  # noqa: S603 - fixed tool, no shell
        [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(backup)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def backup(url: str, target: Path) -> None:
    path = sqlite_path(url)
    if path is None:
        backup_postgres(url, target)
    else:
        backup_sqlite(path, target)


def restore(backup_file: Path, url: str) -> None:
    path = sqlite_path(url)
    if path is None:
        restore_postgres(backup_file, url)
    else:
        restore_sqlite(backup_file, path)
