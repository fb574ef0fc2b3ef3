"""Engine and session factory: SQLite in ./var by default, PostgreSQL when DATABASE_URL says so.

SQLite runs in WAL mode with foreign keys on, a busy timeout, and BEGIN IMMEDIATE for every
transaction, so two writers queue instead of failing half-way with "database is locked".

On PostgreSQL every writing transaction takes one advisory lock (WRITE_LOCK_KEY) before its first
row is written. The audit chain needs that lock anyway (each event hashes the one before it, so
appends are serialised), and taking it first gives every writer the same lock order: the write lock,
then rows. Taken only at the audit append, as before, a transaction holding a row lock (the SR-number
counter, an SR being updated) could wait for the write lock held by one that then waits for that row,
and PostgreSQL would abort one of them as a deadlock.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, ExceptionContext, create_engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "casework.sqlite3"
WRITE_LOCK_KEY = 7_410_001
_TAKE_WRITE_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=WRITE_LOCK_KEY)
_HELD = "write_lock_held_in"
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL read_only_sql_transaction


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_SQLITE}"
    # Accept the common postgres:// and postgresql:// spellings; the driver is always psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _read_only_is_a_disconnect(context: ExceptionContext) -> None:
    """A connection opened while the database was read-only stays read-only (SQLite opened the file
    read-only; PostgreSQL keeps the session's default_transaction_read_only): treat the error as a
    disconnect, so SQLAlchemy discards the pool and the next transaction, once the database is
    writable again, gets a fresh connection instead of failing until a restart."""
    original = context.original_exception
    if "readonly database" in str(original) or getattr(original, "sqlstate", None) == READ_ONLY_SQLSTATE:
        context.is_disconnect = True


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        engine = create_engine(url, **kwargs)
    event.listen(engine, "handle_error", _read_only_is_a_disconnect)
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per URL per process."""
    return make_engine(url)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return _sessions(engine_for(url or database_url()))


@lru_cache(maxsize=8)
def _sessions(engine: Engine) -> sessionmaker[Session]:
    """One sessionmaker per engine: each new sessionmaker makes a Session subclass and copies the event
    listeners onto it (about 0.1 ms, and the class lingers), which every transaction paid before."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    if engine.dialect.name == "postgresql":
        event.listen(factory, "before_flush", _lock_before_flush)
        event.listen(factory, "do_orm_execute", _lock_before_dml)
    return factory


def take_write_lock(session: Session) -> None:
    """Hold the write lock (PostgreSQL) until this transaction ends; once per transaction, no-op on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_HELD) is transaction:
        return
    session.execute(_TAKE_WRITE_LOCK)
    session.info[_HELD] = session.get_transaction()


def _lock_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        take_write_lock(session)


def _lock_before_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        take_write_lock(state.session)
