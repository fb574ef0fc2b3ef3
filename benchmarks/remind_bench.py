"""`python -m casework remind` on PostgreSQL at scale: its main statement (`_due`) beside the statement before
7 December's seventh session, and a whole run with nothing new to tell.

    .venv/bin/python benchmarks/remind_bench.py                 # 100,000 SRs over 20,000 cases
    .venv/bin/python benchmarks/remind_bench.py --srs 1000000   # 1,000,000 SRs over 200,000 cases
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/remind_bench.py --reuse   # measure again

No app server: nobody waits on a reminders run (cron starts it every few minutes); the figures are about the load it
puts on the database. Without DATABASE_URL a throwaway PostgreSQL cluster is started on a free port (as the tests do)
and removed afterwards. SRs, cases, users, teams and open deadlines (a third of open SRs, due from 30 days ago to 45
days ahead, so a sixth of them inside `remind`'s look-ahead) come from `casework generate`, as
benchmarks/console_queries.py builds them; a first `remind` run then writes the reminder rows the app itself would
(due soon, overdue to the owner, escalated to the team's leaders), and 1 in 10 of the SRs whose deadline was escalated
is then given to another caseworker of its team (or allocated, if nobody owned it): what a team leader does after an
escalation. `--reuse` generates nothing (its first run tells only what became due since the last) and gives
1 in 10 (chosen by the clock) a new owner again.

Measured, median of REPEAT runs each, taken in turn so all sides share the machine's load:
- (a) `_due` as it is now (7 December, seventh session: "fully told" has an owner's half, so a caseworker given an
  escalated SR is told it is overdue) with its second query `_escalated_here`, and that second query alone;
- (b) the baseline, `_due` as it was before that session (fully told = escalated to a leader of the SR's current
  team, nothing about the owner), copied below as `due_before`;
- first with the reassigned SRs' new owners still to be told (the run after the reassignment), then, after a
  `remind` run has told them, in the steady state, where (c) a whole `remind` run tells nothing new;
- (d) since 7 December's eighth session, what a team leader's reassignment adds to its transaction: telling the new
  owner of the moved SRs' deadlines (`reminders.tell_moved`), when the caseworker with the most open SRs leaves and
  50 of them, then all, go to another caseworker of the team, each round rolled back.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _timing  # noqa: E402 - after the path
from benchmarks._postgres import bench_database  # noqa: E402 - after the path
from benchmarks._settle import settle  # noqa: E402 - after the path

REPEAT = 11

# 1 in 10 escalated SRs gets another caseworker of its team: the next one by id after its owner now (round to the
# first), so an SR picked again on a reused database changes hands again.
REASSIGN = """
UPDATE service_requests sr SET owner_id = coalesce(
    (SELECT min(u.id) FROM users u WHERE u.team_id = sr.team_id AND u.role = 'caseworker' AND u.is_active
        AND u.id > coalesce(sr.owner_id, 0)),
    (SELECT min(u.id) FROM users u WHERE u.team_id = sr.team_id AND u.role = 'caseworker' AND u.is_active
        AND u.id <> sr.owner_id))
WHERE sr.id IN (
    SELECT d.sr_id FROM deadlines d JOIN reminders r ON r.deadline_id = d.id AND r.due_at = d.due_at
    WHERE r.level = 'escalated' AND NOT d.done AND d.id %% 10 = %(pick)s)
  AND sr.status <> 'Closed'
RETURNING sr.id"""


def due_before(session: Any, now: datetime) -> list[Any]:
    """The baseline: `services.reminders._due` as it was before 7 December's seventh session (c990678's parent),
    copied unchanged but for the names it imports. Fully told meant escalated to a leader of the SR's team now;
    a caseworker given an escalated SR was never told of it."""
    from sqlalchemy import exists, select
    from sqlalchemy.orm import aliased

    from db.models import Case, Deadline, DeadlineSnooze, Reminder, ServiceRequest, User
    from domain.reminders import Level
    from services.reminders import LOOKAHEAD, Due

    told = aliased(User)  # the leader told: its own name, so a User joined to the outer query later cannot capture it
    fully_told = exists().where(
        Reminder.deadline_id == Deadline.id,
        Reminder.level == Level.ESCALATED.value,
        Reminder.due_at == Deadline.due_at,
        Reminder.user_id == told.id,
        told.team_id == ServiceRequest.team_id,
    )
    snoozed = exists().where(DeadlineSnooze.deadline_id == Deadline.id, DeadlineSnooze.until > now)
    rows = session.execute(
        select(
            Deadline.id,
            Deadline.kind,
            Deadline.due_at,
            ServiceRequest.id,
            ServiceRequest.number,
            ServiceRequest.case_id,
            ServiceRequest.team_id,
            Case.region,
            ServiceRequest.owner_id,
        )
        .join(ServiceRequest, Deadline.sr_id == ServiceRequest.id)
        .join(Case, ServiceRequest.case_id == Case.id)
        .where(
            Deadline.done.is_(False),
            ServiceRequest.status != "Closed",
            Deadline.due_at < now + LOOKAHEAD,
            ~fully_told,
            ~snoozed,
        )
        .order_by(Deadline.due_at, Deadline.id)
    ).all()
    return [Due(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Phase:
    """One state of the database measured: the rows each statement returns and the medians (ms)."""

    name: str
    now_rows: frozenset[int]  # deadline ids `_due` returns now
    before_rows: frozenset[int]  # and the baseline
    escalated_ids: int  # ids handed to `_escalated_here`
    escalated_found: int  # of which already escalated in the SR's team
    due_ms: float
    escalated_here_ms: float
    before_ms: float
    remind_ms: float | None = None  # the whole run, steady state only
    remind_told: int | None = None


@dataclass(frozen=True, slots=True)
class Telling:
    """(d): `tell_moved` for `srs` SRs given to one caseworker, its median (ms) and the reminders it wrote (rolled
    back)."""

    srs: int
    ms: float
    told: int


@dataclass(frozen=True, slots=True)
class Result:
    srs: int
    deadlines: int
    reminders: int
    first_told: int  # reminders the first run wrote
    reassigned: int  # SRs given a new owner
    pending: Phase  # new owners still to be told
    told_new_owners: int  # reminders the run after the reassignment told
    steady: Phase
    tellings: tuple[Telling, ...] = ()  # (d), before that run


def medians_ms(*fns: Callable[[], Any]) -> list[float]:
    return _timing.medians_ms(*fns, repeat=REPEAT)


def measure(name: str, now: datetime, *, whole_run: bool) -> Phase:
    """Time `_due` now (with `_escalated_here`), `_escalated_here` alone and the baseline; a whole run if asked."""
    from domain.reminders import escalates_at
    from services import reminders
    from services.transaction import transaction

    def due_now() -> list[Any]:
        with transaction(read_only=True) as session:
            return reminders._due(session, now)

    def before() -> list[Any]:
        with transaction(read_only=True) as session:
            return due_before(session, now)

    rows = due_now()
    ids = [d.deadline_id for d in rows if d.due_at < now and now >= escalates_at(d.due_at, d.region)]

    def escalated_here() -> set[int]:
        with transaction(read_only=True) as session:
            return reminders._escalated_here(session, ids)

    told: list[int] = []

    def whole() -> None:
        told.append(reminders.remind(now=now).reminders)

    due_ms, here_ms, before_ms, *rest = medians_ms(due_now, escalated_here, before, *([whole] if whole_run else []))
    if told and any(told):
        raise SystemExit(f"{name}: a run in the steady state told {max(told)} reminders; it should tell none")
    return Phase(
        name=name,
        now_rows=frozenset(d.deadline_id for d in rows),
        before_rows=frozenset(d.deadline_id for d in before()),
        escalated_ids=len(ids),
        escalated_found=len(escalated_here()),
        due_ms=due_ms,
        escalated_here_ms=here_ms,
        before_ms=before_ms,
        remind_ms=rest[0] if rest else None,
        remind_told=max(told) if told else None,
    )


# (d): the caseworker with the most open SRs leaves; their team leader gives all of them (or the first 50) to another
# active caseworker of the team. Run in a transaction rolled back afterwards.
LEAVER = """
SELECT sr.owner_id, (SELECT min(u.id) FROM users u WHERE u.team_id = sr.team_id AND u.role = 'caseworker'
                     AND u.is_active AND u.id <> sr.owner_id)
FROM service_requests sr JOIN users o ON o.id = sr.owner_id AND o.role = 'caseworker'
WHERE sr.status <> 'Closed' GROUP BY sr.owner_id, sr.team_id ORDER BY count(*) DESC, sr.owner_id LIMIT 1"""
GIVE = """
UPDATE service_requests SET owner_id = %(new)s
WHERE id IN (SELECT id FROM service_requests WHERE owner_id = %(old)s AND status <> 'Closed' ORDER BY id LIMIT %(n)s)
RETURNING id"""


def tell_moved(now: datetime, limit: int) -> Telling:
    """(d): a reassignment of a leaver's open SRs (at most `limit`) to one caseworker: the median time of
    `reminders.tell_moved` in it, the moves themselves not timed, each round rolled back."""
    import statistics

    from sqlalchemy import func, select

    from db.engine import session_factory
    from db.models import Reminder
    from services import reminders

    times, told, moved = [], 0, 0
    for _ in range(REPEAT + 1):  # the first warms the caches, as `medians_ms` does
        session = session_factory()()
        try:
            old, new = session.connection().exec_driver_sql(LEAVER).one()
            ids = [row[0] for row in session.connection().exec_driver_sql(GIVE, {"new": new, "old": old, "n": limit})]
            before = session.scalar(select(func.count()).select_from(Reminder)) or 0
            start = time.perf_counter()
            reminders.tell_moved(session, ids, now=now)
            times.append((time.perf_counter() - start) * 1000)
            told, moved = (session.scalar(select(func.count()).select_from(Reminder)) or 0) - before, len(ids)
        finally:
            session.rollback()
            session.close()
    return Telling(moved, statistics.median(times[1:]), told)


def build(srs: int, *, pick: int) -> Result:
    """Generate `srs` SRs (none with `srs` 0: reuse what is there), tell everything once, give 1 in 10 escalated SRs
    a new owner, measure, tell the new owners, measure the steady state."""
    from sqlalchemy import func, select

    from casework import generate, migrate
    from db.engine import database_url, engine_for
    from db.models import Deadline, Reminder, ServiceRequest
    from domain.clock import utcnow
    from services import reminders

    os.environ.pop("CASEWORK_SMTP_HOST", None)  # no digest emails: nothing is sent from a benchmark
    url = database_url()
    migrate.upgrade(url)
    engine = engine_for(url)
    if srs:
        start = time.perf_counter()
        generate.generate(generate.Sizes(srs=srs, cases=max(srs // 5, 1)), url=url, progress=True)
        print(f"generated {srs:,} SRs over {max(srs // 5, 1):,} cases, 300 users, 20 teams in "
              f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    now = utcnow()
    start = time.perf_counter()
    first = reminders.remind(now=now)
    print(f"first remind run: told {first.reminders:,} reminders to {first.people} people in "
          f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    with engine.begin() as conn:
        moved = sorted(row[0] for row in conn.exec_driver_sql(REASSIGN, {"pick": pick}).all())
    reassigned = len(moved)
    print(f"gave {reassigned:,} SRs whose deadline was escalated a new owner")
    settle(url)  # analysed and vacuumed, as autovacuum keeps a database in use (benchmarks/_settle.py)
    with engine.connect() as conn:
        counts = [
            conn.scalar(select(func.count()).select_from(table)) or 0 for table in (ServiceRequest, Deadline, Reminder)
        ]
    print(f"load average {os.getloadavg()[0]:.1f}; measuring, median of {REPEAT} runs each")
    pending = measure("new owners to tell", now, whole_run=False)
    tellings = (tell_moved(now, 50), tell_moved(now, 100_000))
    told = reminders.remind(now=now)
    print(f"the run after the reassignment told {told.reminders:,} reminders to {told.people} people")
    steady = measure("steady state", now, whole_run=True)
    return Result(
        counts[0], counts[1], counts[2], first.reminders, reassigned, pending, told.reminders, steady, tellings
    )


def report(result: Result) -> None:
    print(
        f"\n{result.srs:,} SRs, {result.deadlines:,} deadlines, {result.reminders:,} reminder rows after the first "
        f"run; {result.reassigned:,} escalated SRs given a new owner\n"
    )
    print(f"{'state':<20} {'_due now ms':>11} {'rows':>7} {'of which _escalated_here ms':>28} {'ids':>6} "
          f"{'before ms':>10} {'rows':>7} {'ratio':>6} {'whole run ms':>13}")  # fmt: skip
    for phase in (result.pending, result.steady):
        whole = f"{phase.remind_ms:>13.1f}" if phase.remind_ms is not None else f"{'':>13}"
        print(
            f"{phase.name:<20} {phase.due_ms:>11.1f} {len(phase.now_rows):>7,} {phase.escalated_here_ms:>28.1f} "
            f"{phase.escalated_ids:>6,} {phase.before_ms:>10.1f} {len(phase.before_rows):>7,} "
            f"{phase.due_ms / phase.before_ms:>6.2f} {whole}"
        )
    extra = result.pending.now_rows - result.pending.before_rows
    print(
        f"\nNew owners still to be told: `_due` returns {len(extra):,} deadlines the baseline does not (the reassigned "
        f"SRs'); the run after told {result.told_new_owners:,} reminders; in the steady state the two return "
        f"{'the same' if result.steady.now_rows == result.steady.before_rows else 'DIFFERENT'} rows, and a whole run "
        f"told {result.steady.remind_told}."
    )
    for telling in result.tellings:
        print(
            f"A reassignment of {telling.srs:,} SRs of one caseworker to another tells the new owner in its "
            f"transaction (`tell_moved`): {telling.ms:.1f} ms, {telling.told:,} reminders."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--srs", type=int, default=100_000, help="SRs to generate (cases: a fifth); default 100,000")
    parser.add_argument("--reuse", action="store_true", help="measure the data already in DATABASE_URL")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"runs of each side (default {REPEAT})")
    args = parser.parse_args()
    globals()["REPEAT"] = args.repeat
    with bench_database():
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        # A reused database had 1 in 10 given a new owner last time: another tenth this time.
        report(build(0 if args.reuse else args.srs, pick=int(time.time()) % 10 if args.reuse else 0))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
