"""A large, clearly fictional data set for scale tests: teams, users, cases, SRs, deadlines and runs.

Rows are written in bulk: COPY on PostgreSQL, executemany on SQLite, in batches, with a tqdm progress
bar. Ids are allocated here (after the highest existing id) so deadlines and runs can point at their
SRs without reading them back; PostgreSQL sequences and the SR number counter are moved past them at
the end, so the app carries on numbering normally. Generated users have no password (nobody can
sign in as them). Everything is deterministic for a given --seed. One audit event records the load.

Decisions: 30% of SRs are Closed; 5% unallocated; a fifth of caseworkers are new; a third of open SRs
have an open deadline (review dates, court fees, representations), Court Presentation SRs a hearing,
Face to Face SRs an appointment; one run in progress per 50 SRs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.engine import make_engine
from db.models import Case, Counter, Deadline, ServiceRequest, Team, User
from domain import catalogue
from domain.clock import REGIONS, utcnow
from procedures import registry
from services import audit

BATCH = 20_000
FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Jamie", "Casey", "Morgan", "Taylor", "Jordan", "Ash")
LAST = ("Example", "Sample", "Fictional", "Placeholder", "Testcase", "Madeup", "Dummy", "Specimen")


@dataclass(frozen=True, slots=True)
class Sizes:
    srs: int = 1_000_000
    cases: int = 200_000
    users: int = 300
    teams: int = 20


@dataclass(frozen=True, slots=True)
class Generated:
    teams: int
    users: int
    cases: int
    srs: int
    deadlines: int
    runs: int
    team_leaders: tuple[str, ...]


def _next_id(conn: Connection, model: Any) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


class _Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn: Connection, bar: tqdm) -> None:
        self.conn, self.bar = conn, bar
        self.pg = conn.dialect.name == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        for batch in _batches(rows):
            if self.pg:
                cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                self.conn.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - our names
                    [tuple(_sqlite(v) for v in row) for row in batch],
                )
            count += len(batch)
            self.bar.update(len(batch))
        return count


def _sqlite(value: Any) -> Any:
    """Values as SQLAlchemy stores them in SQLite: naive UTC text with microseconds, dates ISO, bools 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(
    sizes: Sizes = Sizes(),
    *,
    url: str | None = None,
    seed: int = 2026,
    progress: bool = True,
    now: datetime | None = None,
) -> Generated:
    """Write the data set into the (migrated) database at `url`, in one transaction."""
    if min(sizes.teams, sizes.users, sizes.cases) < 1 or sizes.srs < 0 or sizes.users < 2 * sizes.teams:
        raise ValueError("need at least one team and case, and two users (a leader and a caseworker) per team")
    rnd, now = random.Random(seed), now or utcnow()
    engine = make_engine(url)
    total = sizes.teams + sizes.users + sizes.cases + sizes.srs * 2
    try:
        with engine.begin() as conn, tqdm(total=total, unit="rows", disable=not progress, desc="generate") as bar:
            out = _Writer(conn, bar)
            result = _generate(conn, out, sizes, rnd, now)
            _fix_sequences(conn)
        return result
    finally:
        engine.dispose()


def _generate(conn: Connection, out: _Writer, sizes: Sizes, rnd: random.Random, now: datetime) -> Generated:
    team0, user0, case0 = _next_id(conn, Team), _next_id(conn, User), _next_id(conn, Case)
    sr0, deadline0 = _next_id(conn, ServiceRequest), _next_id(conn, Deadline)
    number0 = int(conn.scalar(select(Counter.value).where(Counter.name == "service_request")) or 0)
    tag = f"{team0:03d}"
    team_region = {team0 + t: REGIONS[t % len(REGIONS)] if t % 3 == 0 else "England" for t in range(sizes.teams)}
    out.write(
        "teams",
        ("id", "name", "region"),
        ((tid, f"Generated Team {tag}-{tid - team0 + 1:03d}", region) for tid, region in team_region.items()),
    )

    # One team leader per team, then caseworkers round-robin; a fifth of the caseworkers are new.
    workers: dict[int, list[int]] = {tid: [] for tid in team_region}
    users, leaders = [], []
    for n in range(sizes.users):
        uid, tid = user0 + n, team0 + n % sizes.teams
        role = "team_leader" if n < sizes.teams else "caseworker"
        name = f"gen{tag}.u{n + 1:05d}"
        if role == "team_leader":
            leaders.append(name)
        else:
            workers[tid].append(uid)
        new = role == "caseworker" and n % 5 == 0
        users.append((uid, name, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", role, tid, True, new, now))
    out.write(
        "users",
        ("id", "username", "display_name", "role", "team_id", "is_active", "is_new_caseworker", "created_at"),
        users,
    )

    case_team, case_region = [], []

    def cases() -> Iterator[tuple[Any, ...]]:
        for i in range(sizes.cases):
            tid = team0 + rnd.randrange(sizes.teams)
            region = team_region[tid] if rnd.random() < 0.8 else rnd.choice(REGIONS)
            case_team.append(tid)
            case_region.append(region)
            yield (
                case0 + i, f"9{case0 + i:011d}", ("CSA 1993", "CSA 2003", "CMS 2012")[i % 3],
                f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", f"{i % 500 + 1} Generated Street, ZZ{i % 90 + 1} 1XX",
                f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", f"{i % 700 + 1} Sample Road, ZZ{i % 80 + 1} 2XX",
                1 + i % 5, region, tid, i % 50 == 7, i % 400 == 3, i % 14 == 5, i % 4 == 1, False, False,
                rnd.randrange(0, 900_000), rnd.choice((0, 6499, 6500, 41250)), now,
            )  # fmt: skip

    out.write(
        "cases",
        (
            "id", "scin", "scheme", "receiving_parent_name", "receiving_parent_address", "paying_parent_name",
            "paying_parent_address", "segment", "region", "team_id", "sensitive", "nationally_sensitive",
            "potentially_violent", "legacy_ongoing_enforcement", "csa_liability_ended",
            "financial_transition_complete", "arrears_balance", "sos_arrears", "created_at",
        ),
        cases(),
    )  # fmt: skip

    entries = catalogue.CATALOGUE
    deadlines: list[tuple[Any, ...]] = []
    runs: list[tuple[Any, ...]] = []
    first_step = {pid: list(registry.get(pid).steps)[0] for pid in ("P1", "P2", "P3", "P4")}
    versions = {pid: registry.get(pid).version for pid in first_step}

    def srs() -> Iterator[tuple[Any, ...]]:
        for k in range(sizes.srs):
            sid, ci = sr0 + k, rnd.randrange(sizes.cases)
            tid, entry = case_team[ci], entries[k % len(entries)]
            roll = rnd.random()
            status, sub = ("Closed", rnd.choice(("Complete", "Cancelled"))) if roll < 0.3 else (
                ("In Progress", None) if roll < 0.55 else ("Open", None)
            )  # fmt: skip
            owner = None if rnd.random() < 0.05 else rnd.choice(workers[tid])
            created = now - timedelta(days=rnd.randrange(0, 400), seconds=rnd.randrange(86_400))
            closed = created + timedelta(days=rnd.randrange(0, 30)) if status == "Closed" else None
            hearing = appointment = review = None
            if entry.area == "Court Presentation":
                hearing = (now + timedelta(days=rnd.randrange(-20, 60))).replace(hour=10, minute=0, second=0)
            elif entry.process == "Face to Face":
                appointment = (now + timedelta(days=rnd.randrange(-10, 40))).replace(hour=14, minute=0, second=0)
            elif status != "Closed" and k % 7 == 0:
                review = (now + timedelta(days=rnd.randrange(-20, 30))).date()
            if status != "Closed" and k % 3 == 0:
                kind = ("review_date", "court_fee_payment", "representations_end")[k % 9 // 3]
                due = (now + timedelta(days=rnd.randrange(-30, 45))).replace(hour=17, minute=0, second=0)
                deadlines.append((deadline0 + len(deadlines), sid, kind, due, "Generated deadline.", False, now))
            if status != "Closed" and owner is not None and k % 50 == 0:
                pid = ("P1", "P2", "P3", "P4")[k % 4]
                saved = now - timedelta(days=rnd.randrange(0, 15), hours=rnd.randrange(24))
                runs.append((f"{sid:032x}", pid, versions[pid], first_step[pid], "in_progress", "{}", "[]", 0, "{}",
                             "[]", False, ci + case0, sid, tid, owner, saved, saved, 1))  # fmt: skip
            yield (
                sid, f"1-{number0 + k + 1:08d}", ci + case0, entry.process, entry.area, entry.sub_area, status, sub,
                owner, tid, created, closed or created, closed, review, hearing, appointment, 1,
            )  # fmt: skip

    out.write(
        "service_requests",
        (
            "id", "number", "case_id", "process", "area", "sub_area", "status", "sub_status", "owner_id",
            "team_id", "created_at", "updated_at", "closed_at", "review_date", "hearing_at", "appointment_at",
            "version",
        ),
        srs(),
    )  # fmt: skip
    out.write("deadlines", ("id", "sr_id", "kind", "due_at", "explanation", "done", "created_at"), deadlines)
    out.write(
        "procedure_runs",
        (
            "id", "procedure_id", "procedure_version", "state", "status", "answers", "history", "committed_steps",
            "sr_refs", "recheck", "return_to_summary", "case_id", "sr_id", "team_id", "started_by_id",
            "created_at", "updated_at", "version",
        ),
        runs,
    )  # fmt: skip
    out.bar.update(sizes.srs - len(deadlines) - len(runs))
    _set_counter(conn, number0 + sizes.srs)
    _audit(conn, sizes, leaders)
    return Generated(sizes.teams, sizes.users, sizes.cases, sizes.srs, len(deadlines), len(runs), tuple(leaders))


def _set_counter(conn: Connection, value: int) -> None:
    if conn.execute(text("UPDATE counters SET value = :v WHERE name = 'service_request'"), {"v": value}).rowcount == 0:
        conn.execute(text("INSERT INTO counters (name, value) VALUES ('service_request', :v)"), {"v": value})


def _audit(conn: Connection, sizes: Sizes, leaders: list[str]) -> None:

    with Session(bind=conn) as session:
        audit.record(
            session,
            None,
            "data.generated",
            entity_type="system",
            entity_id="generate",
            after={"srs": sizes.srs, "cases": sizes.cases, "users": sizes.users, "teams": sizes.teams},
        )
        session.flush()


def _fix_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids written here, so the app's next insert does not clash."""
    if conn.dialect.name != "postgresql":
        return
    for table in ("teams", "users", "cases", "service_requests", "deadlines"):
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")  # noqa: S608
        )
