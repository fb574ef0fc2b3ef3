"""A throwaway PostgreSQL server for tests: initdb into a temp dir, pg_ctl start on loopback, fsync off.

initdb refuses to run as root, so as root the cluster is created and run as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg


def binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if found := shutil.which("initdb"):
        candidates.insert(0, str(Path(found).parent))
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    bindir: Path
    datadir: Path
    port: int
    run_as: str | None

    @classmethod
    def start(cls, _hint: Path | None = None) -> Server:
        bindir = binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found")
        run_as = "postgres" if os.geteuid() == 0 else None
        base = Path(tempfile.mkdtemp(prefix="casework-pg-"))
        if run_as:
            user = pwd.getpwnam(run_as)
            os.chown(base, user.pw_uid, user.pw_gid)
        server = cls(bindir, base / "data", _free_port(), run_as)
        server._run(
            "initdb",
            "-D",
            str(server.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {server.port} -k {base} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run("pg_ctl", "-D", str(server.datadir), "-w", "-l", str(base / "log"), "-o", options, "start")
        return server

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def drop_database(self, name: str) -> None:
        """Drop a test's database, closing whatever connections the test's engine pools still hold."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # names are ours, not user input

    def create_database(self, name: str, template: str = "template1") -> None:
        """Copy `template` file by file where the server can (PostgreSQL 15 and later): with fsync off, about
        34 ms a copy of the demo template against 48 ms through the WAL (15's default) when measured on 3 December,
        and a faster drop. On 6 December's slower machine either way took 0.2 to 0.6 s of CPU
        (docs/test-suite-history.md)."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as c:
            row = c.execute("SELECT current_setting('server_version_num')::int >= 150000").fetchone()
            strategy = " STRATEGY FILE_COPY" if row and row[0] else ""
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')  # names are ours


# --- A test's database reset in place ---------------------------------------------------------------------------
# `CREATE DATABASE ... TEMPLATE` cost 0.2 to 0.6 s of CPU a test here (docs/test-suite-history.md, 6 December),
# about 290 s of the suite's 2,061. Each template keeps a copy of its own rows in a schema of its own (`snapshot`),
# which every database made from it carries; a worker's database is then put back to a template's rows by deleting
# every table's rows and reloading that copy (about 40 ms). Only when its schema is still the template's: a test
# that changed it (the migration tests downgrade and upgrade) gets a database made afresh.

# The public schema's shape: tables, columns and types, indexes, sequences, constraints, triggers (and whether each
# is enabled), functions. Equal to the template's, the database is the template's but for rows and sequence values.
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(part, ',' ORDER BY part)) FROM (
    SELECT c.relname || ':' || c.relkind::text || ':'
           || coalesce(a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod), '') AS part
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'constraint:' || conrelid::regclass || ':' || conname || ':' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'trigger:' || t.tgrelid::regclass || ':' || t.tgname || ':' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'function:' || p.proname || ':' || md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
) AS shape
"""
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


def keep_rows(server: Server, database: str, snapshot: str) -> None:
    """Copy the public schema's rows, sequence values and shape into schema `snapshot` of `database` (a template)."""
    with psycopg.connect(server.dsn(database), autocommit=True) as c, c.transaction():
        c.execute(f"CREATE SCHEMA {snapshot}")  # our own names throughout, not user input
        for (table,) in c.execute(_TABLES).fetchall():
            c.execute(f'CREATE TABLE {snapshot}."{table}" AS TABLE public."{table}"')
        c.execute(
            f"CREATE TABLE {snapshot}._sequences AS SELECT format('%I.%I', schemaname, sequencename) AS name, "
            "last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        c.execute(f"CREATE TABLE {snapshot}._shape AS {SCHEMA_FINGERPRINT}")


def reset_rows(server: Server, database: str, snapshot: str) -> bool:
    """Put `database` back to the rows kept in `snapshot`, ending every other connection to it first. False (and
    nothing changed) when the database does not exist or its schema is no longer the template's."""
    try:
        c = psycopg.connect(server.dsn(database), autocommit=True)
    except psycopg.OperationalError:
        return False  # not made yet on this worker
    with c:
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        c.execute("SET default_transaction_read_only = off")  # this session began under a test's setting, if any
        c.execute(f'ALTER DATABASE "{database}" RESET ALL')  # ... which goes (a read-only episode left on)
        shape = c.execute(SCHEMA_FINGERPRINT).fetchone()
        kept = c.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{snapshot}._shape",)).fetchone()
        if not (kept and kept[0]) or shape != c.execute(f"SELECT * FROM {snapshot}._shape").fetchone():
            return False
        with c.transaction():
            c.execute("SET LOCAL session_replication_role = replica")  # no foreign-key or append-only triggers
            tables = [table for (table,) in c.execute(_TABLES).fetchall()]
            for table in tables:
                c.execute(f'DELETE FROM public."{table}"')
            for table in tables:
                c.execute(f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE SELECT * FROM {snapshot}."{table}"')
            for name, value in c.execute(f"SELECT name, last_value FROM {snapshot}._sequences").fetchall():
                c.execute("SELECT setval(%s, %s, %s)", (name, value or 1, value is not None))
    return True
