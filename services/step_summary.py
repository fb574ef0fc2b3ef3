"""Step events summed ahead of time (table `step_summary`), so policy staff's all-teams figures stay fast.

Why: policy's all-teams view read every event of the period (616,000 for 90 days at 5,000,000 events) and sorted
them for the percentiles; that alone cost more than the 300 ms goal, whatever the statement. The summary holds
counts per UK day, team, procedure, step, refused question, experience and **time bucket**, so the same figures
are a sum over far fewer rows, and the percentiles are read off a histogram.

**Kept in the same transaction as the events** (`add`, called by services/step_events.py for every event it
writes), by an upsert that increments (`INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, on PostgreSQL
and SQLite alike): two transactions adding to the same row never lose an update (the second waits for the
first's row lock, then adds to the committed value), and a step that rolls back takes its counts with it. Rows
are written in key order so two transactions never wait on each other in a circle. `rebuild` recomputes the
whole table from the events (after the migration, or to check), holding the table locked meanwhile.

**The histogram.** Working time of a step visit in buckets bounded by `BOUNDS` (whole seconds): bucket 0 is
under 1 minute, then each bucket is 2^(1/4) (1.19) times as wide as the one before, up to 2^15 minutes (546
working hours, 73 working days), and a last open bucket beyond. A bucket stands for its geometric middle (30 s
for the first), so a percentile read from the histogram is within **9.5% of the exact percentile, plus 30
seconds** (for times under a minute); above the last bound it is shown as that bound (a floor). Tested against
`percentile_cont` over the events (tests/integration/test_step_summary.py).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import StepEvent, StepSummary
from domain.clock import uk_local

NO_TIME = -1
NO_FIELD = ""
STEPS_PER_DOUBLING = 4
# Bucket i holds times t with BOUNDS[i-1] <= t < BOUNDS[i] (BOUNDS[-1] read as 0); the last bucket is open.
BOUNDS: tuple[int, ...] = tuple(round(60 * 2 ** (k / STEPS_PER_DOUBLING)) for k in range(15 * STEPS_PER_DOUBLING + 1))
RELATIVE_ERROR = 0.095  # sqrt(largest ratio of neighbouring bounds, 71/60 from rounding) - 1: tested
ABSOLUTE_ERROR = 30.0  # seconds: the first bucket, under a minute, stands for 30 s
COUNTS = ("reached", "timed", "errors", "back", "change")

Key = tuple[date, int, str, str, str, bool, int]


class Counted(Protocol):
    """What the summary reads off an event (a StepEvent, or its columns as read for a rebuild)."""

    at: datetime
    team_id: int
    procedure_id: str
    step: str
    field: str | None
    early: bool
    kind: str
    first: bool
    working_seconds: int | None


def bucket(seconds: int) -> int:
    """The histogram bucket of a working time in whole seconds."""
    return bisect.bisect_right(BOUNDS, seconds)


def middle(index: int) -> float:
    """The value a bucket stands for: its geometric middle (30 s for the first, the floor for the last)."""
    if index == 0:
        return ABSOLUTE_ERROR
    if index >= len(BOUNDS):
        return float(BOUNDS[-1])
    return math.sqrt(BOUNDS[index - 1] * BOUNDS[index])


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """As percentile_cont over the times, with each time taken as its bucket's middle."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = q * (total - 1)
    low, high = math.floor(rank), math.ceil(rank)
    values: dict[int, float] = {}
    seen = 0
    for index in sorted(histogram):
        n = histogram[index]
        for wanted in (low, high):
            if seen <= wanted < seen + n:
                values[wanted] = middle(index)
        seen += n
    return values[low] + (values[high] - values[low]) * (rank - low)


def _counts(event: Counted) -> tuple[str, int, str] | None:
    """Which row of the summary an event adds 1 to: (field, bucket, count column), or None for none."""
    if event.kind == "view":
        return (NO_FIELD, NO_TIME, "reached") if event.first else None
    if event.kind == "submit":
        return None if event.working_seconds is None else (NO_FIELD, bucket(event.working_seconds), "timed")
    if event.kind == "error":
        return (event.field or NO_FIELD, NO_TIME, "errors")
    return NO_FIELD, NO_TIME, event.kind  # back, change


def summed(events: Iterable[Counted]) -> dict[Key, dict[str, int]]:
    """The summary rows these events make, by key."""
    rows: dict[Key, dict[str, int]] = {}
    for event in events:
        counted = _counts(event)
        if counted is None:
            continue
        name, index, column = counted
        day = uk_local(event.at).date()
        key = (day, event.team_id, event.procedure_id, event.step, name, bool(event.early), index)
        row = rows.setdefault(key, dict.fromkeys(COUNTS, 0))
        row[column] += 1
    return rows


_KEY = ("day", "team_id", "procedure_id", "step", "field", "early", "bucket")


def _upsert(session: Session, rows: dict[Key, dict[str, int]]) -> None:
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"the step summary has no increment for {dialect}")
    table = StepSummary.__table__
    for key in sorted(rows):  # one order for every transaction: no two wait on each other in a circle
        statement = insert(table).values({**dict(zip(_KEY, key, strict=True)), **rows[key]})
        session.execute(
            statement.on_conflict_do_update(
                index_elements=list(_KEY),
                set_={name: table.c[name] + statement.excluded[name] for name in COUNTS},
            )
        )


def add(session: Session, events: Iterable[Counted]) -> None:
    """Add these new events' counts to the summary, in the caller's transaction (the events' own)."""
    rows = summed(events)
    if rows:
        _upsert(session, rows)


def rebuild(session: Session) -> int:
    """Recompute the whole summary from the events, in the caller's transaction; returns the rows written.

    The table is emptied first, which takes its lock (on PostgreSQL an explicit EXCLUSIVE lock, which lets
    readers read): a step saved meanwhile waits, then adds to the rebuilt rows, so none is counted twice or lost.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE step_summary IN EXCLUSIVE MODE"))
    session.execute(delete(StepSummary))
    e = StepEvent
    stream = session.execute(
        select(e.at, e.team_id, e.procedure_id, e.step, e.field, e.early, e.kind, e.first, e.working_seconds)
        .where((e.kind != "view") | e.first)
        .execution_options(yield_per=20_000)
    )
    rows = summed(_Event(*row) for row in stream)
    table = StepSummary.__table__
    batch: list[dict[str, object]] = []
    for key, counts in rows.items():
        batch.append({**dict(zip(_KEY, key, strict=True)), **counts})
        if len(batch) == 10_000:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)
    return len(rows)


@dataclass(frozen=True, slots=True)
class _Event:
    """An event's columns as read for a rebuild (the ORM row is not needed)."""

    at: datetime
    team_id: int
    procedure_id: str
    step: str
    field: str | None
    early: bool
    kind: str
    first: bool
    working_seconds: int | None
