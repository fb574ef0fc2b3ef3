"""Shared fixtures: real databases (SQLite files, a throwaway PostgreSQL), demo data, a live server.

Every test gets its own database, made by copying a template that was migrated (and, for
`demo_db`, loaded with demo data) once per worker, so tests stay independent and fast.

The copy is made at the same place for every test of a worker (one SQLite path, one PostgreSQL database
name), the previous test's copy removed first. On PostgreSQL the worker's database is put back to the template's
rows in place instead (tests/pg.py, `reset_rows`; made afresh when a test changed its schema): a new copy cost
0.2 to 0.6 s of CPU a test. The app keeps one engine per database URL
(db.engine.engine_for), and SQLAlchemy keeps the SQL it compiled per engine: with a new URL per test,
every test compiled every statement it sent afresh, as a server does only once. Measured on five
database-heavy test files (SQLite, one process): 35.4 s of CPU with a URL per test, 21.7 s with one per
worker. The engine's pool is emptied before the file or database is replaced, so no connection outlives
its test's database.

PostgreSQL, Chromium and LibreOffice tests skip with a reason when the programs are missing, and fail
instead when REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 / REQUIRE_LIBREOFFICE=1 (as in CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from tests import pg

# Hypothesis's 200 ms deadline a generated example is a timed assertion: under a loaded machine (two xdist workers on
# two cores, other work beside them) a correct example can take longer, and the test fails for the machine, not the
# code (seen on tests/unit/test_deadlines.py at a load of 10 and more, ninth session). Speed is measured by
# benchmarks/, never by a test, so no property test has a deadline.
settings.register_profile("casework", deadline=None)
settings.load_profile("casework")

ROOT = Path(__file__).resolve().parent.parent
# Cheap argon2 parameters for every password hashed in the suite, here and in every server and command it starts
# (they inherit the environment): services/auth.py says why, and tests/unit/test_password_hashing.py that
# production keeps the full profile.
os.environ["CASEWORK_TEST_FAST_PASSWORD_HASHES"] = "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _require(flag: str, reason: str) -> None:
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason}, but {flag}=1 demands it", pytrace=False)
    pytest.skip(reason)


@dataclass
class Database:
    url: str
    kind: str  # "sqlite" or "postgres"


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)


# Mailboxes as an administrator sets them (services.mail_settings): tests of what is sent where read real-looking
# addresses. An unset mailbox (the shipped placeholders) is tested where it matters, with `mailboxes_not_set`.
MAILBOXES_SET = {
    "CASEWORK_MAIL_VSAT": "CSA VSAT INTERVIEWS <csa.vsat.interviews@cms.example.org>",
    "CASEWORK_MAIL_ECM": "Enforcement Case Manager <enforcement.case.manager@cms.example.org>",
    "CASEWORK_MAIL_CPT": "Court Presenting Team <court.presenting.team@cms.example.org>",
    "CASEWORK_MAIL_CPO": "Court Presenting Officer <court.presenting.officer@cms.example.org>",
}


@pytest.fixture(autouse=True)
def mailboxes_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in MAILBOXES_SET.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def background_emails_finish(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every email a test handed to the background sender (services/email_background.py) has been sent or has failed
    before the test's database and settings are put back (this fixture asks for `monkeypatch`, so it ends first): a
    send left running would write into the next test's database. A test that asserts what was sent waits itself."""
    yield
    if (background := sys.modules.get("services.email_background")) is not None:
        assert background.wait_until_idle(timeout=120), "the background sender was still sending at the test's end"


@pytest.fixture
def mailboxes_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mailboxes as shipped: placeholders, so not set."""
    for name in MAILBOXES_SET:
        monkeypatch.delenv(name, raising=False)


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A migrated empty database and a demo-loaded one, built once per worker."""
    from casework import demo, migrate

    base = tmp_path_factory.mktemp("templates")
    empty, loaded = base / "empty.sqlite3", base / "demo.sqlite3"
    old = os.environ.get("DATABASE_URL")
    try:
        migrate.upgrade(f"sqlite:///{empty}")
        shutil.copy(empty, loaded)
        os.environ["DATABASE_URL"] = f"sqlite:///{loaded}"
        demo.load(if_empty=False)
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
    from db.engine import engine_for

    engine_for(f"sqlite:///{loaded}").dispose()
    return {"empty": empty, "demo": loaded}


@pytest.fixture(scope="session")
def sqlite_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this worker's tests find their SQLite database, one test at a time (see the module docstring)."""
    return tmp_path_factory.mktemp("db")


def remove_sqlite(target: Path) -> None:
    """Empty the pool of the app's engine for `target` (no connection to the old file is handed out again), then
    remove the file and its companions: removed, not overwritten, so a connection still open on the old file keeps
    that file and never sees the copy made next at the same path."""
    from db.engine import engine_for

    engine_for(f"sqlite:///{target}").dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def _sqlite_copy(template: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    target = home / "casework.sqlite3"
    remove_sqlite(target)
    shutil.copy(template, target)
    url = f"sqlite:///{target}"
    _use(monkeypatch, url)
    return Database(url, "sqlite")


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pg.Server]:
    if not pg.binaries():
        _require("REQUIRE_POSTGRES", "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = pg.Server.start(tmp_path_factory.mktemp("pg"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_templates(pg_server: pg.Server) -> dict[str, str]:
    """Template databases on the throwaway server: migrated, and migrated with demo data."""
    from casework import demo, migrate
    from db.engine import engine_for

    pg_server.create_database("tpl_empty")
    migrate.upgrade(pg_server.url("tpl_empty"))
    engine_for(pg_server.url("tpl_empty")).dispose()
    pg.keep_rows(pg_server, "tpl_empty", PG_SNAPSHOTS["tpl_empty"])
    pg_server.create_database("tpl_demo", template="tpl_empty")
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = pg_server.url("tpl_demo")
    try:
        demo.load(if_empty=False)
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
    engine_for(pg_server.url("tpl_demo")).dispose()
    pg.keep_rows(pg_server, "tpl_demo", PG_SNAPSHOTS["tpl_demo"])
    return {"empty": "tpl_empty", "demo": "tpl_demo"}


# Where each template keeps its own rows (tests/pg.py, `keep_rows`); every copy of tpl_demo carries both.
PG_SNAPSHOTS = {"tpl_empty": "kept_empty", "tpl_demo": "kept_demo"}


def _pg_copy(server: pg.Server, template: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The rows of `template` for one test, under this worker's one database name (see the module docstring).

    The worker's database is made from the demo template once, then put back to the rows of `template` before
    each test (tests/pg.py, `reset_rows`: about 40 ms against 0.2 to 0.6 s of CPU for a new copy); it is made
    afresh only when it is missing or a test changed its schema. One database a worker, never a few hundred:
    left in place, those took about 48 s to delete with the cluster at the end of the run."""
    from db.engine import engine_for

    name = f"t{os.getpid()}"
    url = server.url(name)
    engine_for(url).dispose()  # the previous test's connections; the reset (or DROP ... WITH (FORCE)) ends the rest
    if not pg.reset_rows(server, name, PG_SNAPSHOTS[template]):
        server.drop_database(name)
        server.create_database(name, template="tpl_demo")  # carries the rows of both templates
        if not pg.reset_rows(server, name, PG_SNAPSHOTS[template]):
            raise RuntimeError(f"database {name} could not be put back to the rows of {template}")
    _use(monkeypatch, url)
    return Database(url, "postgres")


# --- Per-test databases ------------------------------------------------------------------------

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A migrated, empty database: SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_templates")["empty"]
        return _sqlite_copy(template, request.getfixturevalue("sqlite_home"), monkeypatch)
    server = request.getfixturevalue("pg_server")
    return _pg_copy(server, request.getfixturevalue("pg_templates")["empty"], monkeypatch)


@pytest.fixture(params=BACKENDS)
def demo_db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A database with the demo data: SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_templates")["demo"]
        return _sqlite_copy(template, request.getfixturevalue("sqlite_home"), monkeypatch)
    server = request.getfixturevalue("pg_server")
    return _pg_copy(server, request.getfixturevalue("pg_templates")["demo"], monkeypatch)


@pytest.fixture
def sqlite_demo_db(sqlite_templates: dict[str, Path], sqlite_home: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Demo data on SQLite only, for page tests where the backend does not matter."""
    return _sqlite_copy(sqlite_templates["demo"], sqlite_home, monkeypatch)


@pytest.fixture
def pg_demo_db(pg_server: pg.Server, pg_templates: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Database:
    return _pg_copy(pg_server, pg_templates["demo"], monkeypatch)


# --- Signed-in actors --------------------------------------------------------------------------


@pytest.fixture
def actor_for():
    """Look up a demo user by username and return their Actor (no password round trip)."""
    from sqlalchemy import select

    from db.models import User
    from services.actor import Actor
    from services.transaction import transaction

    def _actor(username: str) -> Actor:
        with transaction() as session:
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None, f"no demo user {username}"
            return Actor.of(user)

    return _actor


# --- Live server and browser -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    database_url: str, log: Path, *, port: int | None = None, env: dict[str, str] | None = None
) -> LiveServer:
    """Start the real app (streamlit run serve.py, as make run does) and wait until its health check answers."""
    import urllib.request

    port = port or free_port()
    process_env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "serve.py"),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=process_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return LiveServer(url, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start in 60 s: {log.read_text()[-2000:]}")


@pytest.fixture
def live_server(sqlite_demo_db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(sqlite_demo_db.url, tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def libreoffice() -> None:
    """For tests of real PDF output: LibreOffice must be installed (CI installs it)."""
    from letters.pdf import pdf_available

    if not pdf_available():
        _require("REQUIRE_LIBREOFFICE", "LibreOffice (soffice) is not installed; PDF output is optional")


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice out of reach (PATH without it), to test what users are told on a server without it."""
    monkeypatch.setenv("PATH", "/nonexistent")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        _require("REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
