"""Is a pooled PostgreSQL connection still there? Asked of the socket, not the server.

Why: SQLAlchemy's `pool_pre_ping` sends an empty query before every transaction, a round trip of its own on every
wizard step. A connection the server has closed while it sat in the pool (a restart, `pg_terminate_backend`, an
idle-session timeout, a crash) is closed by the server's side: the server sends its FATAL message and closes the
socket, so the socket has something to read. A healthy idle connection has nothing to read (this app uses no
LISTEN/NOTIFY). So at checkout, a readable socket means the connection is gone (or at least not idle): SQLAlchemy
is told it is a disconnect, discards it and opens a new one, as after a failed ping.

What this cannot see, and the ping could not either without waiting for TCP's own timeout: a network that
silently drops everything. tests/integration/test_pg_liveness.py terminates a pooled connection's server process
and checks the next service call works.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import exc


def refuse_if_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool checkout listener: raise DisconnectionError for a connection whose socket has data or end-of-file."""
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise exc.DisconnectionError("the database closed this connection while it waited in the pool")
