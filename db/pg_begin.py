"""BEGIN, the write lock and the audit chain's head in one PostgreSQL round trip.

Why: psycopg begins a transaction by sending BEGIN on its own, one round trip before the first statement. A
wizard step knows from its start that it writes, so it takes the write lock first (`db.engine.take_write_lock`
at the start of its transaction), and the BEGIN can travel with the lock and the head as one simple query:
one round trip less per save (with the ping, the save's round trips go from 9 to 7; see the README's
benchmark notes). A transaction that has already sent a statement sends the lock and the head alone.

The statements go out through psycopg's own connection-level generator (as its commit and rollback do), under
the connection's lock, not through a cursor: a cursor would send BEGIN first. Afterwards the server is in the
transaction, so psycopg's cursors send no BEGIN of their own, and its commit and rollback (which look at the
server's transaction status) end it as usual. It uses psycopg's `pgconn` (and its private `_encoding`), `wait`,
`lock` and `generators.execute`; pinned psycopg 3.3.9, held by tests/integration/test_pg_begin.py.
"""

from __future__ import annotations

from typing import Any

from psycopg import errors, generators, pq


def idle(dbapi_connection: Any) -> bool:
    """True when nothing has been sent in this transaction yet (psycopg would send BEGIN before the next
    statement)."""
    return bool(dbapi_connection.pgconn.transaction_status == pq.TransactionStatus.IDLE)


def last_value(dbapi_connection: Any, sql: str) -> str | None:
    """Send `sql` (statements without parameters) as one simple query and return the first column of the last
    statement's first row (or None). Raises psycopg's own error for a statement the server refused; the
    transaction is then in error and the caller's rollback ends it."""
    pgconn = dbapi_connection.pgconn
    encoding = pgconn._encoding  # what psycopg encodes its own commands with
    with dbapi_connection.lock:
        pgconn.send_query(sql.encode(encoding))
        results = dbapi_connection.wait(generators.execute(pgconn))
    for result in results:
        if result.status == pq.ExecStatus.FATAL_ERROR:
            raise errors.error_from_result(result, encoding=encoding)
    last = results[-1]
    if last.status != pq.ExecStatus.TUPLES_OK or last.ntuples == 0:
        return None
    value = last.get_value(0, 0)
    return None if value is None else bytes(value).decode(encoding)
