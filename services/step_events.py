"""Step events of real procedure runs, recorded for the Insight page (issue 19), in the step's own transaction.

`services/runs.py` calls `record` once per action (start, a step saved, Back, Change), inside the transaction
that saves the action, so a save that fails records nothing, and `record_refusal` after a refused submit or
confirm (the refused save rolled back, so its field errors are written in a transaction of their own, as access
refusals are). What happened is read off the run itself: the steps the run left forward and arrived at are the
difference between its history before and after the action. Every event written is also added to the step
summary (services/step_summary.py) in the same transaction, so policy staff's pre-summed figures always equal
the events.

**Practice runs are not recorded.** They are rehearsals on fictional cases (services/practice*.py drives the
run code on a transient run that is never saved), not real work: timing a rehearsal beside real cases would
mix two different things, and a practice run has no row in procedure_runs for an event to point at.

**Where a step's first view is taken (decision).** A step is drawn in the response to the action that moved
the run to it (start, Continue, Confirm, or the walk back to the summary after a Change), so its `view` event
is written in that action's transaction, with that moment. Nothing is written when a page is merely drawn
again (a rerun, a reload, a resume from My work): a write per redraw would put a writing transaction (and,
on PostgreSQL, the write lock) on the wizard's read path. Consequence: a run left open at a step and resumed
days later counts the working hours in between as time on that step; that is time the step stood open, and
the Insight page says "from the step being shown to its save".

**Time on a step** is the working time (the case's region's working hours, `domain.working_time`) from the
run's arrival at the step to the step's first save after it, one figure per visit: a step saved again after
Back or Change adds no second figure (those uses are counted as Back and Change instead). A loop back to a
step (a chase, a new appointment) is a new visit with its own figure; the run "reached" the step once.

**Back** counts at the step where Back was pressed; **Change** at the step reopened from "check your answers".
**Experience**: a run is `early` when it is among the first 10 runs (real runs, by start time) the caseworker
doing the step started; practice runs do not count.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CompoundSelect, Insert, Table, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from db import ride_along
from db.models import Case, ProcedureRun, StepEvent
from domain.clock import utcnow
from domain.working_time import working_seconds
from services import audit, step_summary
from services.actor import Actor
from services.transaction import transaction

log = logging.getLogger("casework")

EARLY_RUNS = 10
CHECKLIST = "_checklist"


def _early(session: Session, actor: Actor, run: ProcedureRun, *, new_run: bool = False) -> bool:
    """Is this run among the first EARLY_RUNS runs the actor started? For the run's own starter it is the run's
    band (`run.early`, set at the start from the same rule: no read); for anyone else it is copied from their
    latest event on the run when there is one (one row read, however long the run), so a run keeps one band for
    each caseworker."""
    if not new_run and run.early is not None and run.started_by_id == actor.user_id:
        return run.early
    if not new_run:
        copied = session.scalar(
            select(StepEvent.early)
            .where(StepEvent.run_id == run.id, StepEvent.user_id == actor.user_id)
            .order_by(StepEvent.id.desc())
            .limit(1)
        )
        if copied is not None:
            return copied
    started = (
        select(ProcedureRun.id)
        .where(ProcedureRun.started_by_id == actor.user_id, ProcedureRun.created_at <= run.created_at)
        .limit(EARLY_RUNS + 1)
        .subquery()
    )
    return (session.scalar(select(func.count()).select_from(started)) or 0) <= EARLY_RUNS


def record(session: Session, actor: Actor, run: ProcedureRun, case: Case, before: list[str], action: str) -> None:
    """Add the events of one action on a real run to the caller's transaction.

    `before` is the run's history as the action found it; `action` is "start", "step" (answers saved or
    confirmed, the run moving on), "back" or "change". What is read of the run's earlier events is a row or two
    per step the action touches (the latest view or save of a step left, whether a step arrived at was shown
    before), never the run's whole list: a step costs the same on a run walked back and forth for weeks.
    """
    now = utcnow()
    with session.no_autoflush:  # the reads below need nothing of this action's pending changes
        early = _early(session, actor, run, new_run=action == "start")
    added: list[NewEvent] = []

    def event(step: str, kind: str, *, first: bool = False, working_seconds: int | None = None) -> None:
        added.append(NewEvent.of(run, actor, step, kind, early=early, at=now, first=first, seconds=working_seconds))

    if action == "start":
        run.early = early  # the run's own experience band: Insight's "left there" by experience reads it
        run.step_visits = {}  # kept from its first event on (see _keep_visits)
        event(run.history[0], "view", first=True)
    elif action == "back":
        event(before[-1], "back")
    elif action == "change":
        event(run.state, "change")
    elif action == "step":
        history = list(run.history)
        leaving = history[len(before) - 1 : len(history) - 1]  # each step the run left forward, in order
        arriving = history[len(before) :]
        latest, seen = _earlier_visits(session, run, leaving, arriving)
        for left in leaving:
            event(left, "submit", working_seconds=_first_save_time(added, latest.get(left), left, now, case.region))
        for arrived in arriving:
            event(arrived, "view", first=arrived not in seen)
            seen.add(arrived)
    else:
        raise ValueError(f"unknown step action {action!r}")
    _keep_visits(run, added)  # first: the INSERT below flushes it with the rest of the run's changes
    _write(session, added)


def _keep_visits(run: ProcedureRun, added: list[NewEvent]) -> None:
    """Note each view and save just written as its step's latest visit on the run row (ProcedureRun.step_visits),
    saved in the same UPDATE as the step. A run without the record (started before it was kept) stays without."""
    visits = [e for e in added if e.kind in _VISIT]
    if run.step_visits is None or not visits:
        return
    kept = dict(run.step_visits)  # a new dict: the JSON column is saved when it is assigned, not when mutated
    for e in visits:
        kept[e.step] = [e.kind, e.at.isoformat()]
    run.step_visits = kept


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One step event about to be written: a StepEvent row's columns but its id (also what the summary reads)."""

    run_id: str
    procedure_id: str
    step: str
    kind: str
    field: str | None
    first: bool
    working_seconds: int | None
    team_id: int
    user_id: int
    early: bool
    at: datetime

    @classmethod
    def of(
        cls,
        run: ProcedureRun,
        actor: Actor,
        step: str,
        kind: str,
        *,
        early: bool,
        at: datetime,
        field: str | None = None,
        first: bool = False,
        seconds: int | None = None,
    ) -> NewEvent:
        """An event of `run` at `step`, by `actor`, with the run's team and the caseworker's experience band."""
        return cls(run.id, run.procedure_id, step, kind, field, first, seconds, run.team_id, actor.user_id, early, at)


_TABLE = cast(Table, StepEvent.__table__)


@functools.lru_cache(maxsize=8)
def _insert(rows: int) -> Insert:
    """One INSERT of `rows` rows, built once per count (nearly always 1 or 2) and compiled once by SQLAlchemy: an
    INSERT ... SELECT of the rows' parameters (a multi-row VALUES is compiled afresh on every execution). Handed a
    list of parameter sets instead, the driver sends an executemany, which psycopg runs in pipeline mode on
    PostgreSQL: about twice the time of one statement for a step's two events."""
    names, columns = NewEvent.__slots__, _TABLE.c
    selects = [select(*(bindparam(f"{n}_{i}", type_=columns[n].type) for n in names)) for i in range(rows)]
    return _TABLE.insert().from_select(list(names), selects[0] if rows == 1 else union_all(*selects))


def _write(session: Session, events: list[NewEvent]) -> None:
    """Insert the events in one statement through Core (on PostgreSQL riding along with the step's next write,
    db/ride_along.py) and add them to the summary. (As ORM objects each column set was an INSERT of its own, the
    view and the save of one step two, flushed through the unit of work.)"""
    if events:
        values = {f"{name}_{i}": getattr(e, name) for i, e in enumerate(events) for name in NewEvent.__slots__}
        ride_along.append(session, _insert(len(events)), values)
        step_summary.add(session, events)


_VISIT = ("view", "submit")  # the kinds that open and close a visit of a step; back, change and error do neither


@functools.lru_cache(maxsize=32)
def _visits_statement(leaving: int, arriving: int) -> CompoundSelect:
    """The statement `_earlier_visits` sends, for `leaving` steps left and `arriving` steps arrived at, with the run
    and the steps as bound parameters. Built once per shape (nearly always one step left, one arrived at):
    building it afresh cost more than running it."""
    e = StepEvent
    parts = [
        select(literal("left").label("part"), e.step, e.kind, e.at)
        .where(e.run_id == bindparam("run"), e.step == bindparam(f"left{i}"), e.kind.in_(_VISIT))
        .order_by(e.id.desc())
        .limit(1)
        for i in range(leaving)
    ] + [
        select(literal("arrived").label("part"), e.step, e.kind, e.at)
        .where(e.run_id == bindparam("run"), e.step == bindparam(f"arrived{i}"), e.kind == "view")
        .limit(1)
        for i in range(arriving)
    ]
    # Each part is its own subquery: SQLite allows no LIMIT on a member of a compound select itself.
    return union_all(*(select(p.subquery()) for p in parts))


def _earlier_visits(
    session: Session, run: ProcedureRun, leaving: list[str], arriving: list[str]
) -> tuple[dict[str, tuple[str, datetime]], set[str]]:
    """The latest view or save of each step left ({step: (kind, at)}) and which of the steps arrived at the run has
    shown before (a view event: the run "reached" a step once). Read off the run row (`step_visits`, where every
    step shown has its latest visit: a step enters it with its first view); for a run started before that was
    kept, from its events in one statement, one row per step at most, however often the run has been there."""
    latest: dict[str, tuple[str, datetime]] = {}
    seen: set[str] = set()
    left, arrived = list(dict.fromkeys(leaving)), list(dict.fromkeys(arriving))
    if not left and not arrived:
        return latest, seen
    visits = run.step_visits
    if visits is not None:
        for step in left:
            if step in visits:
                kind, at = visits[step]
                latest[step] = (kind, datetime.fromisoformat(at))
        return latest, {step for step in arrived if step in visits}
    values = (
        {"run": run.id}
        | {f"left{i}": s for i, s in enumerate(left)}
        | {f"arrived{i}": s for i, s in enumerate(arrived)}
    )
    with session.no_autoflush:  # the read needs nothing of this action's pending changes
        rows = session.execute(_visits_statement(len(left), len(arrived)), values).all()
    for part, step, kind, at in rows:
        if part == "left":
            latest[step] = (kind, at)
        else:
            seen.add(step)
    return latest, seen


def _first_save_time(
    added: list[NewEvent], saved: tuple[str, datetime] | None, step: str, now: datetime, region: str
) -> int | None:
    """Working seconds since the run's latest arrival at `step`, or None when the visit was already saved once.

    The latest view or save of the step decides: this action's own events first, then the run's saved one
    (`saved`, from `_earlier_visits`).
    """
    latest: tuple[str, datetime] | None = next(
        ((e.kind, e.at) for e in reversed(added) if e.step == step and e.kind in _VISIT), saved
    )
    if latest is None or latest[0] == "submit":
        return None
    return working_seconds(latest[1], now, region)


def record_refusal(actor: Actor, run_id: str, errors: Mapping[str, str]) -> None:
    """After a refused submit rolled back: one `error` event per refused field of the run's current step.

    Never raises: the caseworker must see the refusal at the fields whatever happens here.
    """
    try:
        with transaction() as session:
            run = session.get(ProcedureRun, run_id)
            if run is None or run.team_id != actor.team_id or run.status != "in_progress":
                return  # the refused call already checked access; a run gone or moved since records nothing
            early = _early(session, actor, run)
            now = utcnow()
            fields = sorted(errors)
            _write(session, [NewEvent.of(run, actor, run.state, "error", early=early, at=now, field=f) for f in fields])
            audit.record(
                session,
                actor,
                "run.answers_refused",
                entity_type="procedure_run",
                entity_id=run.id,
                case_id=run.case_id,
                sr_id=None,  # nothing on the SR changed: its history stays as before the refusal
                after={"state": run.state, "fields": fields},
            )
    except Exception:  # the refusal is what the caseworker needs; a lost insight row is only logged
        log.exception("recording the refused fields of a step failed")
