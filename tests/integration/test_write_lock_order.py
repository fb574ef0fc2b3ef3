"""On PostgreSQL every writer takes the write lock before its first row (db.engine), so a transaction that
audits first and one that writes a row first queue behind each other instead of deadlocking.

The two transactions below are the case that deadlocked when the lock was taken only at the audit append:
A allocates an SR number (the counter's row lock) and then audits; B audits and then allocates a number.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from db.models import Counter
from services import audit
from services.records import next_number
from services.transaction import transaction

pytestmark = pytest.mark.postgres


def test_a_row_first_writer_and_an_audit_first_writer_queue_instead_of_deadlocking(pg_demo_db, actor_for):
    actor = actor_for("caseworker")
    a_holds_row, b_waiting = threading.Event(), threading.Event()
    numbers: dict[str, int] = {}
    errors: list[BaseException] = []

    def row_first() -> None:
        try:
            with transaction() as session:
                numbers["a"] = next_number(session)
                a_holds_row.set()
                assert b_waiting.wait(10)
                time.sleep(0.3)  # let B reach its audit append and queue
                audit.record(session, actor, "test.a", entity_type="test", entity_id="a")
        except BaseException as exc:  # noqa: BLE001 - reported below, in the main thread
            errors.append(exc)
            a_holds_row.set()

    def audit_first() -> None:
        try:
            assert a_holds_row.wait(10)
            with transaction() as session:
                session.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
                b_waiting.set()
                audit.record(session, actor, "test.b", entity_type="test", entity_id="b")
                numbers["b"] = next_number(session)
        except BaseException as exc:  # noqa: BLE001 - reported below, in the main thread
            errors.append(exc)
            b_waiting.set()

    threads = [threading.Thread(target=row_first), threading.Thread(target=audit_first)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert numbers["b"] == numbers["a"] + 1  # A committed first; B queued behind it, then took the next number
    with transaction() as session:
        assert session.scalar(select(Counter.value).where(Counter.name == "service_request")) == numbers["b"]
        assert audit.verify_chain(session).first_broken_id is None
