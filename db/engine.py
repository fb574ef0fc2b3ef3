"""Engine and session factory: SQLite in ./var by default, PostgreSQL when DATABASE_URL says so.

SQLite runs in WAL mode with foreign keys on, a busy timeout, and BEGIN IMMEDIATE for every
transaction, so two writers queue instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "casework.sqlite3"


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


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per URL per process."""
    return make_engine(url)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return _session_factory(url or database_url())


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    """One sessionmaker per URL: making one defines a new Session subclass, work every transaction would repeat."""
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)
