"""Engine and session factory: SQLite in ./var by default, PostgreSQL when DATABASE_URL says so.

SQLite runs in WAL mode with foreign keys on and a busy timeout. A writing transaction begins with
BEGIN IMMEDIATE, so two writers queue instead of failing half-way with "database is locked"; a
read-only one (`begin_read_only`, services.transaction.transaction(read_only=True)) begins DEFERRED,
so in WAL mode it reads the last committed state at once and never waits behind a writer.

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

from db import pg_begin, pg_liveness, ride_along
from db.one_row_update import update_one_row
from db.pg_cursor import LazyDescriptionCursor

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "casework.sqlite3"
WRITE_LOCK_KEY = 7_410_001
_TAKE_WRITE_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=WRITE_LOCK_KEY)
_HELD = "write_lock_held_in"
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL read_only_sql_transaction
READ_ONLY = "casework_read_only"  # connection execution option: this transaction only reads
_CHAIN_HEAD_SQL = "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"
# One round trip on PostgreSQL: the lock, then (a statement of its own, so with a snapshot taken after the lock
# is granted) the audit chain's head. No parameters: sent as one simple query (db/pg_begin.py), with BEGIN when first.
_LOCK_AND_HEAD_SQL = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY}); {_CHAIN_HEAD_SQL}"
_HEAD = "audit_chain_head_in"


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
        conn.exec_driver_sql("BEGIN DEFERRED" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


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
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("connect_args", {}).setdefault("cursor_factory", LazyDescriptionCursor)
        engine = create_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):  # a closed connection is seen at its socket, no ping: db/pg_liveness.py
            event.listen(engine, "checkout", pg_liveness.refuse_if_closed)
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
    # On PostgreSQL these take the write lock before the first write; on SQLite (BEGIN IMMEDIATE took it) they
    # refuse a write in a transaction begun read-only, which SQLite might otherwise fail as "database is locked".
    event.listen(factory, "before_flush", _lock_before_flush)
    event.listen(factory, "before_flush", update_one_row)  # after the lock: a run's own save, without the UoW
    event.listen(factory, "do_orm_execute", _lock_before_dml)
    ride_along.install(factory)  # after update_one_row: a run's save carries the appends queued before it
    return factory


def begin_read_only(session: Session) -> None:
    """Begin the session's transaction as read-only: DEFERRED on SQLite, so it never waits for the write lock.

    Only the transaction begun here: after a rollback (an access refusal audits in a new transaction) the
    session begins as a writer again.
    """
    session.connection(execution_options={READ_ONLY: True})


def take_write_lock(session: Session) -> None:
    """Hold the write lock until this transaction ends (PostgreSQL: the advisory lock, taken with the audit
    chain's head in the same round trip, and with BEGIN too when called before the transaction's first statement,
    as a service that knows it writes does: db/pg_begin.py; SQLite: BEGIN IMMEDIATE took it already). Once per
    transaction."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_HELD) is transaction:
        return
    connection = session.connection()
    if connection.get_execution_options().get(READ_ONLY):
        raise RuntimeError("a transaction begun read-only tried to write; begin it as a writer")
    if connection.dialect.name == "postgresql":
        dbapi_connection = connection.connection.dbapi_connection
        begin = "BEGIN; " if pg_begin.idle(dbapi_connection) else ""  # the transaction's first statement
        head = pg_begin.last_value(dbapi_connection, begin + _LOCK_AND_HEAD_SQL)
        session.info[_HEAD] = (session.get_transaction(), head)
    session.info[_HELD] = session.get_transaction()


def chain_head(session: Session) -> str | None:
    """The audit chain's last hash as this transaction sees it, holding the write lock: kept from when the lock
    was taken (or the last append in this transaction) rather than read back; read once if nothing kept it."""
    take_write_lock(session)
    transaction = session.get_transaction()
    kept = session.info.get(_HEAD)
    if kept is not None and kept[0] is transaction:
        return kept[1]
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_CHAIN_HEAD_SQL)
        row = cursor.fetchone()
    finally:
        cursor.close()
    head = row[0] if row else None
    session.info[_HEAD] = (transaction, head)
    return head


def keep_chain_head(session: Session, head: str) -> None:
    """The hash just appended is the chain's head for the rest of this transaction (it holds the write lock)."""
    session.info[_HEAD] = (session.get_transaction(), head)


def _lock_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        take_write_lock(session)


def _lock_before_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        take_write_lock(state.session)
