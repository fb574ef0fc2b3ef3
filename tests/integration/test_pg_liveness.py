"""A pooled PostgreSQL connection the server closed is replaced at checkout without a ping (db/pg_liveness.py):
the next service call works, on a new connection, and a healthy pooled connection is reused."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import exc, text

from db.engine import database_url, engine_for
from db.pg_liveness import refuse_if_closed
from services import service_requests
from tests.integration.test_pool_recovery import _own_sr

pytestmark = pytest.mark.usefixtures("pg_demo_db")


def libpq_url() -> str:
    """The test database's URL as psycopg itself takes it."""
    return database_url().replace("postgresql+psycopg://", "postgresql://", 1)


def backend_pid() -> int:
    with engine_for(database_url()).connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def terminate(pid: int) -> None:
    """End the server process behind `pid` from a connection of its own, and wait until it has gone (the
    server's termination is asynchronous: pg_terminate_backend only signals it)."""
    with psycopg.connect(libpq_url(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,)).fetchone() == (True,)


def test_a_pooled_connection_whose_server_process_ended_is_replaced_and_the_call_works(actor_for):
    actor = actor_for("caseworker")
    sr_id = _own_sr(actor)
    first = backend_pid()
    assert backend_pid() == first  # the pool hands the same healthy connection back: no reconnect on each checkout
    terminate(first)
    detail = service_requests.add_sr_note(actor, sr_id, "after the server ended the connection")
    assert "after the server ended the connection" in detail.notes
    assert backend_pid() != first


def test_the_checkout_check_refuses_a_closed_connection_and_passes_a_healthy_one():
    with psycopg.connect(libpq_url(), autocommit=True) as healthy, psycopg.connect(libpq_url()) as doomed:
        refuse_if_closed(healthy, None, None)
        refuse_if_closed(doomed, None, None)
        pid = doomed.info.backend_pid
        healthy.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))
        with pytest.raises(exc.DisconnectionError, match="closed this connection"):
            refuse_if_closed(doomed, None, None)
        refuse_if_closed(healthy, None, None)
