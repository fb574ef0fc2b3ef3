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

    def drop_database(self, name: str) -> None:
        """Drop a test's database, closing whatever connections the test's engine pools still hold."""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # names are ours, not user input

    def create_database(self, name: str, template: str = "template1") -> None:
        """Copy `template` file by file where the server can (PostgreSQL 15 and later): with fsync off, about
        34 ms a copy of the demo template against 48 ms through the WAL (15's default) when measured on 3 December,
        and a faster drop. On 6 December's slower machine either way took 0.2 to 0.6 s of CPU
        (docs/test-suite-history.md)."""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            row = c.execute("SELECT current_setting('server_version_num')::int >= 150000").fetchone()
            strategy = " STRATEGY FILE_COPY" if row and row[0] else ""
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')  # names are ours
