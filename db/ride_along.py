"""Appends that ride along with the transaction's next write, on PostgreSQL: a wizard step's three writes in one
round trip.

Why: a step saved (or Back, or Change) writes its audit event, its step events and the run's row. Sent one by one,
that is three round trips to the server, each waiting for the one before, though nothing is read back from the two
inserts. On PostgreSQL an INSERT can travel inside the UPDATE that follows it, as a data-modifying WITH
(`WITH ride_0_audit_events AS (INSERT ...) UPDATE procedure_runs ...`): one statement, one round trip, and all of
it saved or none, as before. SQLite sends each append at once, as before (no round trips to save there).

`append` queues an INSERT (on SQLite it executes it). The queue goes out:
- inside the next one-row UPDATE of a flush (db/one_row_update.py asks `carry` for it), which is the common case;
- on its own, as one statement, before anything else the transaction sends through the session (a read, another
  write, a flush through the unit of work) and before the commit, so a read never misses a queued row and a
  commit never leaves one behind. Raw connection-level statements (the write lock, the chain head) do not drain it:
  they read neither table.

The order of rows is kept where it matters: the server runs the parts of one statement in an order of its own, so
a second append to a table already queued sends the queue first (audit events keep their order in the chain, whose
ids ascend with it). Rows of different tables do not depend on each other's order (an event's SR and run are saved
before it is appended). Each statement's bound parameters are named apart from every other's (`audit_at`,
`run_id_0`, `v_state`), so they can share one statement; a clash is refused rather than bound to a wrong value.

The statement carrying or draining the queue says which tables rode in it (execution option `RIDERS`), for
whoever watches statements (tests/audit_guard.py counts an audit event that rode in one).

Measured 4 December 2026 (benchmarks/wizard_bench.py, PostgreSQL with 1,000,000 SRs, two runs each side in turn):
the step's service call 2.9 and 3.0 ms against 3.5 and 4.2 ms before; the wizard step 1.62x and 1.66x the bare
page against 1.75x and 1.76x. The same code on the machine an hour later: 1.79x and 1.76x (README, Benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Insert, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.dml import UpdateBase

RIDERS = "ride_along_tables"  # execution option: the tables whose rows rode in the statement
_QUEUE = "ride_along_queue"
_INSTALLED = "ride_along_installed"  # Session.info: the listeners that send the queue are on this session

S = TypeVar("S", bound=UpdateBase)


@dataclass(frozen=True, slots=True)
class _Rider:
    table: str
    statement: Insert  # built once by its module (cached), its parameters bound by name
    params: dict[str, Any]


def install(factory: sessionmaker[Session]) -> None:
    """Send the queue of every session `factory` makes (db/engine.py, after its write lock's and one-row update's
    listeners). A session made elsewhere (a plain Session over a connection, as the data generator's) has no
    queue: its appends are sent at once."""
    event.listen(factory, "before_flush", _before_flush)  # after update_one_row's, which may carry the queue
    event.listen(factory, "do_orm_execute", _before_execute)
    event.listen(factory, "before_commit", _before_commit)
    factory.configure(info={_INSTALLED: True})


def append(session: Session, statement: Insert, params: dict[str, Any]) -> None:
    """Insert in the caller's transaction: at once on SQLite, with the next write on PostgreSQL (see above)."""
    if not session.info.get(_INSTALLED) or session.get_bind().dialect.name != "postgresql":
        session.execute(statement, params)
        return
    name = statement.table.name
    if any(rider.table == name for rider in _queued(session)):
        drain(session)  # the rows of one table go out in the order they were appended
    _queued(session).append(_Rider(name, statement, params))


def pending_tables(session: Session) -> tuple[str, ...]:
    """The tables with rows queued in this transaction and not yet sent."""
    return tuple(rider.table for rider in _kept(session))


def carry(session: Session, statement: S, params: dict[str, Any]) -> tuple[S, dict[str, Any]]:
    """`statement` (a write) with the queued rows riding in it, and its parameters with theirs; the queue is then
    empty. Unchanged when nothing is queued."""
    riders = _take(session)
    if not riders:
        return statement, params
    return _with_riders(statement, tuple(rider.statement for rider in riders)), _merged(params, riders)


def drain(session: Session) -> None:
    """Send what is queued now, as one statement (the last row's INSERT carrying the others)."""
    riders = _take(session)
    if not riders:
        return
    *carried, last = riders
    statement = _with_riders(last.statement, tuple(rider.statement for rider in carried))
    params = _merged(last.params, carried)
    session.execute(statement.execution_options(**{RIDERS: tuple(r.table for r in riders)}), params)


def _merged(params: dict[str, Any], riders: list[_Rider]) -> dict[str, Any]:
    """One statement's parameters and its riders', refusing a name two of them use (it would bind a wrong value)."""
    merged = dict(params)
    for rider in riders:
        clash = merged.keys() & rider.params.keys()
        if clash:
            raise RuntimeError(f"rows riding along share parameter names {sorted(clash)}")
        merged |= rider.params
    return merged


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """A flush through the unit of work sends the queue first."""
    drain(session)


def _before_execute(state: ORMExecuteState) -> None:
    """Anything else the session sends goes after the queue. The session's autoflush would send
    its pending changes after this listener, so the flush is done here first, where a one-row UPDATE carries the
    queue; then what is left (nothing, when it did) goes on its own."""
    session = state.session
    if not pending_tables(session) or state.execution_options.get(RIDERS) is not None:
        return
    if session.autoflush:
        session.flush()
    drain(session)


def _before_commit(session: Session) -> None:
    """Nothing queued is left behind by a commit."""
    drain(session)


def _kept(session: Session) -> list[_Rider]:
    """This transaction's queue as kept in the session (empty when none was, or only a rolled-back one's)."""
    kept = session.info.get(_QUEUE)
    return kept[1] if kept is not None and kept[0] is session.get_transaction() else []


def _queued(session: Session) -> list[_Rider]:
    """This transaction's queue, to append to (a queue kept from a transaction that rolled back is dropped unsent)."""
    queue = _kept(session)
    if not queue:
        queue = []
        session.info[_QUEUE] = (session.get_transaction(), queue)
    return queue


def _take(session: Session) -> list[_Rider]:
    """The queue, which is then empty."""
    riders = _kept(session)
    if riders:
        session.info[_QUEUE] = (session.get_transaction(), [])
    return riders


@lru_cache(maxsize=256)
def _with_riders(statement: S, riders: tuple[Insert, ...]) -> S:
    """`statement` with each rider as a WITH part, built once per combination (SQLAlchemy then compiles it once).
    The carrying statement says which tables rode in it."""
    if not riders:
        return statement
    ctes = [rider.cte(f"ride_{i}_{rider.table.name}") for i, rider in enumerate(riders)]
    tables = tuple(rider.table.name for rider in riders)
    options = {RIDERS: (*statement.get_execution_options().get(RIDERS, ()), *tables)}
    return statement.add_cte(*ctes).execution_options(**options)
