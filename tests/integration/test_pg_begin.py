"""A writing wizard action on PostgreSQL sends BEGIN with the write lock and the chain's head (db/pg_begin.py):
one message to the server, read back from libpq's own protocol trace, and the transaction still commits, rolls
back and hands its connection back to the pool as psycopg's own."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from db import pg_begin
from db.engine import WRITE_LOCK_KEY, chain_head, database_url, engine_for, session_factory, take_write_lock
from db.models import AuditEvent
from services import audit, run_start, runs
from services.audit import verify_chain
from services.transaction import transaction
from tests.crash_worker import run_script
from tests.procedures.walk import find_case

pytestmark = pytest.mark.usefixtures("pg_demo_db")


@contextmanager
def traced(dbapi) -> Iterator[list[str]]:  # noqa: ANN001 - a psycopg connection
    """The frontend messages libpq sends on this connection while the block runs (its PQtrace)."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "libpq.trace"
        with trace.open("w") as out:
            dbapi.pgconn.trace(out.fileno())
            try:
                yield lines
            finally:
                dbapi.pgconn.untrace()
        lines += [line for line in trace.read_text().splitlines() if "\tF\t" in line]


def queries(lines: list[str]) -> list[str]:
    """The text of each Query (simple protocol) and Parse (extended) message sent."""
    return [line.split('"')[1] for line in lines if "\tQuery\t" in line or "\tParse\t" in line]


def holds_write_lock(session: Session) -> bool:
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine_for(database_url()).connect() as other:
        held = other.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND pid = :pid"),
            {"key": WRITE_LOCK_KEY, "pid": pid},
        ).scalar_one()
    return held == 1


def test_a_writing_transaction_begins_with_the_lock_and_the_head_in_one_message():
    with transaction() as session:
        expected_head = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    session = session_factory()()
    try:
        with traced(session.connection().connection.dbapi_connection) as sent:
            take_write_lock(session)
            head = chain_head(session)  # kept from the lock's round trip: no statement
        assert queries(sent) == [
            f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY}); "
            "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"
        ]
        assert head == expected_head
        assert holds_write_lock(session)
    finally:
        session.rollback()
        session.close()


def test_a_transaction_that_read_first_takes_the_lock_and_the_head_alone_in_one_message():
    session = session_factory()()
    try:
        expected_head = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))  # BEGIN sent
        with traced(session.connection().connection.dbapi_connection) as sent:
            take_write_lock(session)
        assert queries(sent) == [
            f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY}); SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"
        ]
        assert chain_head(session) == expected_head
        assert holds_write_lock(session)
    finally:
        session.rollback()
        session.close()


def test_a_saved_step_sends_no_begin_of_its_own_and_commits_with_a_sound_chain(actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    answers = {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}
    with transaction() as session:
        events_before = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    engine = engine_for(database_url())
    sent: list[list[str]] = []
    with ExitStack() as tracing:

        def checkout(dbapi, _record, _proxy):  # noqa: ANN001, ANN202 - the save's connection, traced from checkout
            sent.append(tracing.enter_context(traced(dbapi)))

        event.listen(engine, "checkout", checkout)
        try:
            saved = runs.submit_step(actor, view.run_id, answers, expected_version=view.version)
        finally:
            event.remove(engine, "checkout", checkout)
    sent_queries = queries([line for lines in sent for line in lines])
    assert sent_queries[0].startswith("BEGIN; SELECT pg_advisory_xact_lock(")  # before the run is read
    assert "BEGIN" not in sent_queries  # psycopg sent none of its own
    assert sent_queries[-1] == "COMMIT"
    assert saved.awaiting_confirmation
    with transaction() as session:
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events_before + 1
        assert verify_chain(session).ok


def test_a_refused_statement_raises_psycopgs_error_and_the_rollback_ends_the_transaction():
    connection = engine_for(database_url()).raw_connection()
    try:
        dbapi = connection.driver_connection
        assert dbapi is not None
        assert pg_begin.idle(dbapi)
        with pytest.raises(psycopg.errors.DivisionByZero):
            pg_begin.last_value(dbapi, "BEGIN; SELECT 1 / 0")
        assert dbapi.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        connection.rollback()
        assert pg_begin.idle(dbapi)
        # The next transaction on the connection is psycopg's own again: it sends BEGIN, and a rollback undoes it.
        cursor = connection.cursor()
        cursor.execute("CREATE TEMPORARY TABLE scratch (n integer)")
        assert dbapi.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        connection.rollback()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = 'scratch'")
        assert cursor.fetchone() == (0,)
    finally:
        connection.close()


def test_a_rolled_back_writing_transaction_leaves_nothing_and_releases_the_lock(actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        before = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    with pytest.raises(RuntimeError, match="changed my mind"):
        with transaction(writes=True) as session:
            assert holds_write_lock(session)
            audit.record(session, actor, "test.event", entity_type="test", entity_id=1)
            session.flush()
            raise RuntimeError("changed my mind")
    with transaction(writes=True) as session:  # the lock was released: taken again at once
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before
        audit.record(session, actor, "test.event", entity_type="test", entity_id=2)
    with transaction() as session:
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before + 1
        assert verify_chain(session).ok
