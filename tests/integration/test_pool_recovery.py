"""The app recovers by itself when the database becomes writable again, with no restart.

A connection opened while the database was read-only stays read-only in the pool (SQLite opens the file
read-only; PostgreSQL keeps the session's default_transaction_read_only), so before db/engine.py treated
that error as a disconnect, every later write failed until the server restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from db.engine import engine_for
from db.models import ServiceRequest
from services import service_requests
from services.transaction import transaction


def _own_sr(actor) -> int:
    with transaction() as session:
        query = select(ServiceRequest.id).where(ServiceRequest.team_id == actor.team_id).order_by(ServiceRequest.id)
        return session.scalars(query).first()


def _read_only(db, on: bool) -> None:
    if db.kind == "sqlite":
        # chmod does not stop root (these tests may run as root); the immutable attribute does.
        path = Path(make_url(db.url).database or "")
        files = [str(f) for f in [path, *path.parent.glob(path.name + "-*")]]
        subprocess.run(["chattr", "+i" if on else "-i", *files], check=True)
        return
    admin = create_engine(db.url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SET default_transaction_read_only = off"))  # this admin session itself may start read-only
        name = conn.scalar(text("SELECT current_database()"))
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}'))
    admin.dispose()


def test_a_read_only_episode_refuses_writes_and_then_the_pool_recovers_by_itself(demo_db, actor_for):
    if demo_db.kind == "sqlite" and not shutil.which("chattr"):
        pytest.skip("chattr (e2fsprogs) is needed to make the SQLite file read-only")
    actor = actor_for("caseworker")
    sr_id = _own_sr(actor)
    engine = engine_for(os.environ["DATABASE_URL"] if demo_db.kind == "sqlite" else _url())
    engine.dispose()  # the episode starts before the next connection is opened
    _read_only(demo_db, True)
    try:
        with pytest.raises(Exception):  # noqa: B017, PT011 - SQLite and PostgreSQL raise different errors
            service_requests.add_sr_note(actor, sr_id, "during the episode")
    finally:
        _read_only(demo_db, False)
    detail = service_requests.add_sr_note(actor, sr_id, "after the episode")  # no restart in between
    assert "after the episode" in detail.notes
    assert "during the episode" not in detail.notes


def _url() -> str:
    from db.engine import database_url

    return database_url()
