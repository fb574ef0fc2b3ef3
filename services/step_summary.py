"""Step events summed ahead of time, so policy staff's Insight figures read a few rows, not every event.

Why: policy's all-teams view read every event of the period (616,000 for 90 days at 5,000,000 events) and sorted
them for the percentiles; that alone cost more than the 300 ms goal, whatever the statement. Two tables hold
counts per UK day, procedure, step, refused question and experience, with the saves' working times as a
histogram (one column per bucket, domain/time_histogram.py): `step_summary` also per team (policy's one-team
filter) and `step_summary_all_teams` without team (policy's all-teams view: a few hundred rows a day, whatever the
number of teams). The histogram is columns, not a key, so a row stands for every save of its day and step.

**Kept in the same transaction as the events** (`add`, called by services/step_events.py for every event it
writes), by an upsert that increments (`INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, on PostgreSQL
and SQLite alike): two transactions adding to the same row never lose an update (the second waits for the
first's row lock, then adds to the committed value), and a step that rolls back takes its counts with it. Rows
are written in one order (on SQLite the team table first, then by key; on PostgreSQL both tables in one
statement, under the write lock) so two transactions never wait on each other in a circle. `rebuild` recomputes
both tables from the events (after the migration, or to check) with the tables locked, so a step saved meanwhile
waits and then adds to the rebuilt rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from db.engine import take_write_lock
from db.models import SUMMARY_COUNTS, SUMMARY_TIMES, StepEvent, step_summary, step_summary_all_teams
from domain import time_histogram
from domain.clock import uk_local

NO_FIELD = ""
COLUMNS = SUMMARY_COUNTS + SUMMARY_TIMES
TEAM_KEY = ("day", "team_id", "procedure_id", "step", "field", "early")
ALL_KEY = ("day", "procedure_id", "step", "field", "early")

Key = tuple[date, int, str, str, str, bool]


class Counted(Protocol):
    """What the summary reads off an event (a StepEvent, or its columns as read for a rebuild)."""

    @property
    def at(self) -> datetime: ...
    @property
    def team_id(self) -> int: ...
    @property
    def procedure_id(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def early(self) -> bool: ...
    @property
    def kind(self) -> str: ...
    @property
    def first(self) -> bool: ...
    @property
    def working_seconds(self) -> int | None: ...


def _adds(event: Counted) -> tuple[str, tuple[int, ...]] | None:
    """Which row an event adds to (its field, '' for the step's own) and which columns get 1, or None."""
    index = COLUMNS.index
    if event.kind == "view":
        return (NO_FIELD, (index("reached"),)) if event.first else None
    if event.kind == "submit":
        if event.working_seconds is None:
            return None  # a second save of the same visit: no second time
        return NO_FIELD, (index("timed"), len(SUMMARY_COUNTS) + time_histogram.bucket(event.working_seconds))
    if event.kind == "error":
        return event.field or NO_FIELD, (index("errors"),)
    return NO_FIELD, (index(event.kind),)  # back, change


def summed(events: Iterable[Counted]) -> dict[Key, list[int]]:
    """The per-team summary rows these events make: key -> the COLUMNS' counts."""
    rows: dict[Key, list[int]] = {}
    for event in events:
        adds = _adds(event)
        if adds is None:
            continue
        name, columns = adds
        key = (uk_local(event.at).date(), event.team_id, event.procedure_id, event.step, name, bool(event.early))
        row = rows.setdefault(key, [0] * len(COLUMNS))
        for column in columns:
            row[column] += 1
    return rows


def _all_teams(rows: dict[Key, list[int]]) -> dict[tuple[Any, ...], list[int]]:
    merged: dict[tuple[Any, ...], list[int]] = {}
    for (day, _team, *rest), counts in rows.items():
        total = merged.setdefault((day, *rest), [0] * len(COLUMNS))
        for i, n in enumerate(counts):
            total[i] += n
    return merged


@lru_cache(maxsize=8)
def _increment(table: Table, keys: tuple[str, ...]) -> sqlite.Insert:
    """SQLite's upsert that adds a row's counts to the stored ones, built once: every column is incremented
    (adding 0 changes nothing), so one statement serves every row and SQLAlchemy compiles it once. (Built per row
    with only the non-zero columns, its construction and compilation were 25 ms a row, most of a step's time.)
    PostgreSQL's is `_PG_ADD`."""
    statement = sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in COLUMNS}
    )


def _in_key_order(keys: tuple[str, ...], rows: dict[Any, list[int]]) -> list[dict[str, Any]]:
    """The rows as column values, in one order for every transaction: no two wait on each other in a circle."""
    return [dict(zip(keys, key, strict=True)) | dict(zip(COLUMNS, rows[key], strict=True)) for key in sorted(rows)]


def _upsert(session: Session, table: Table, keys: tuple[str, ...], rows: dict[Any, list[int]]) -> None:
    session.execute(_increment(table, keys), _in_key_order(keys, rows))


def add(session: Session, events: Iterable[Counted]) -> None:
    """Add these new events' counts to the summary, in the caller's transaction (the events' own)."""
    rows = summed(events)
    if not rows:
        return
    everyone = _all_teams(rows)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        take_write_lock(session)  # the two upserts' order within one statement is the server's: no two at once
        session.execute(_PG_ADD, {"team": _as_json(TEAM_KEY, rows), "everyone": _as_json(ALL_KEY, everyone)})
        return
    if dialect != "sqlite":
        raise RuntimeError(f"the step summary has no increment for {dialect}")
    _upsert(session, step_summary, TEAM_KEY, rows)
    _upsert(session, step_summary_all_teams, ALL_KEY, everyone)


def _pg_increment(table: Table, keys: tuple[str, ...], rows: str) -> str:
    """PostgreSQL's upsert of the rows in the JSON parameter `rows` (":name"), adding each column to the stored one."""
    names = ", ".join((*keys, *COLUMNS))
    adds = ", ".join(f"{name} = s.{name} + excluded.{name}" for name in COLUMNS)
    return (
        f"INSERT INTO {table.name} AS s ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table.name}, "
        f"CAST({rows} AS json)) ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adds}"
    )


# PostgreSQL: both tables' increments in one statement, each table's rows one JSON parameter. As two upserts with
# a parameter per column (69 a row), each was over psycopg's limits for caching a statement's parsing (4,096
# characters, 50 parameters), so it was parsed again on every step, and sent as executemany: 0.87 and 0.79 ms of a
# wizard step's save (medians of 150 saves, one process). This text never changes, whatever the rows: 0.64 ms.
_PG_ADD = text(
    f"WITH team AS ({_pg_increment(step_summary, TEAM_KEY, ':team')}) "
    + _pg_increment(step_summary_all_teams, ALL_KEY, ":everyone")
)


def _as_json(keys: tuple[str, ...], rows: dict[Any, list[int]]) -> str:
    """The rows as json_populate_recordset reads them, in key order (the day as ISO text)."""
    return json.dumps(_in_key_order(keys, rows), default=date.isoformat)


def rebuild(session: Session) -> int:
    """Recompute both summary tables from the events, in the caller's transaction; returns the per-team rows.

    The tables are emptied first, which takes their locks (on PostgreSQL an explicit EXCLUSIVE lock, which lets
    readers read): a step saved meanwhile waits, then adds to the rebuilt rows, so none is counted twice or lost.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("LOCK TABLE step_summary, step_summary_all_teams IN EXCLUSIVE MODE"))
    session.execute(delete(step_summary))
    session.execute(delete(step_summary_all_teams))
    if postgres:  # inside the server: 5,000,000 events need no trip through Python
        session.execute(text(_rebuild_sql()), {"bounds": list(time_histogram.BOUNDS)})
    else:
        e = StepEvent
        stream = session.execute(
            select(e.at, e.team_id, e.procedure_id, e.step, e.field, e.early, e.kind, e.first, e.working_seconds)
            .where((e.kind != "view") | e.first)
            .execution_options(yield_per=20_000)
        )
        rows = summed(_Event(*row) for row in stream)
        batch = [dict(zip(TEAM_KEY, k, strict=True)) | dict(zip(COLUMNS, c, strict=True)) for k, c in rows.items()]
        for start in range(0, len(batch), 10_000):
            session.execute(step_summary.insert(), batch[start : start + 10_000])
    s = step_summary.c
    session.execute(
        step_summary_all_teams.insert().from_select(
            list(ALL_KEY) + list(COLUMNS),
            select(*[s[k] for k in ALL_KEY], *[func.sum(s[c]) for c in COLUMNS])
            .group_by(*[s[k] for k in ALL_KEY])
            .order_by(s.day),
        )
    )
    return session.scalar(select(func.count()).select_from(step_summary)) or 0


def _rebuild_sql() -> str:
    """The per-team rows by PostgreSQL, the same sums as `summed`: width_bucket over the lower bounds is
    bisect_right (0 under 60 s), and the day is the event's UK date (tested to agree with the recording)."""
    times = ", ".join(f"count(*) FILTER (WHERE bucket = {i})" for i in range(time_histogram.BUCKETS))
    return f"""
INSERT INTO step_summary (day, team_id, procedure_id, step, field, early, {", ".join(COLUMNS)})
SELECT day, team_id, procedure_id, step, field, early,
       count(*) FILTER (WHERE kind = 'view'), count(*) FILTER (WHERE kind = 'submit'),
       count(*) FILTER (WHERE kind = 'error'), count(*) FILTER (WHERE kind = 'back'),
       count(*) FILTER (WHERE kind = 'change'), {times}
FROM (SELECT (at AT TIME ZONE 'Europe/London')::date AS day, team_id, procedure_id, step, early, kind,
             CASE WHEN kind = 'error' THEN coalesce(field, '') ELSE '' END AS field,
             CASE WHEN kind = 'submit' THEN width_bucket(working_seconds, CAST(:bounds AS integer[])) END AS bucket
      FROM step_events
      WHERE (kind = 'view' AND first) OR (kind = 'submit' AND working_seconds IS NOT NULL)
         OR kind IN ('error', 'back', 'change')) e
GROUP BY day, team_id, procedure_id, step, field, early
ORDER BY day"""  # rows of a day together on disk, as the recording leaves them: a period is a few pages


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
