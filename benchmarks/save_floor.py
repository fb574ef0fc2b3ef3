"""How much of the wizard's save is the statements it sends: the save through the service (`runs.submit_step`)
against the very same statements sent through SQLAlchemy Core and through the sqlite3 driver alone. A
diagnostic with no goal: it tells whoever weighs taking the save off the ORM what that could win at most.

    .venv/bin/python benchmarks/save_floor.py [--rounds 60]

No app server or port: everything runs in this process, on a SQLite demo database in a temporary folder.

Each way is timed three ways, interleaved round by round so all see the same load:
- **warm**: straight after the same call, so the processor's caches hold its code and data (a loop);
- **after a page**: straight after a rerun of the benchmarks' bare Streamlit page (benchmarks/_wizard_setup.py),
  as a Continue's save follows the previous page run in the real server;
- **after a sweep**: straight after touching 32 MB of memory (one byte per 64-byte line), which evicts the
  caches without running any of Streamlit's or SQLAlchemy's code: if this costs what "after a page" costs, a
  page run slows the save by evicting the caches, not by anything it leaves behind.

The statements are the ones the service sent for the same save, captured from the engine and replayed on a run
of their own (the run's UPDATE with that run's version, the audit event with a fresh hash chained to the head
read in the same transaction, as the service does on SQLite). The replays do no more Python than they must:
the difference between them and the service is SQLAlchemy's ORM and the save's own Python (validation, the
state machine, the step events' bookkeeping, the view handed back).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _as_server import as_server  # noqa: E402
from _wizard_setup import demo_database, p1_run_at_search_legacy, write_bare_page  # noqa: E402

SWEEP = bytearray(32 * 1024 * 1024)


def sweep() -> None:
    """Touch one byte of every cache line of 32 MB (more than this machine's L2 and L3 together)."""
    for i in range(0, len(SWEEP), 64):
        SWEEP[i] = (SWEEP[i] + 1) & 255


def capture_save(engine: Any, save: Callable[[], object]) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (and parameters) `save` sends through `engine`, in order, BEGIN and COMMIT aside."""
    from sqlalchemy import event

    sent: list[tuple[str, tuple[Any, ...]]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT"):
            sent.append((statement, tuple(parameters)))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        save()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return sent


class Replay:
    """The captured save, sent again on its own run: one transaction, the statements in the service's order."""

    def __init__(self, statements: list[tuple[str, tuple[Any, ...]]], chain_head_sql: str) -> None:
        starts = (
            "SELECT procedure_runs.id",
            "INSERT INTO audit_events",
            "UPDATE procedure_runs",
            "INSERT INTO step_events",
            "SELECT ? AS tag",
        )
        if len(statements) != len(starts) or not all(
            s.startswith(w) for (s, _), w in zip(statements, starts, strict=True)
        ):
            raise SystemExit(f"the save no longer sends the statements this script replays: {statements}")
        self.load, self.audit, self.update, self.events, self.records = statements
        if "prev_hash, hash)" not in self.audit[0] or not self.update[0].rstrip().endswith("version = ?"):
            raise SystemExit("the audit INSERT or the run's UPDATE changed shape: update this script")
        self.head_sql = chain_head_sql

    def send(self, execute: Callable[[str, tuple[Any, ...]], Any]) -> None:
        result = execute(*self.load)  # a Core result has keys(), a driver cursor its description
        columns = list(result.keys()) if hasattr(result, "keys") else [d[0] for d in result.description]
        version = result.fetchone()[columns.index("version")]
        head = execute(self.head_sql, ()).fetchone()[0]
        after = self.audit[1][9]  # the event's "after", the tenth of the INSERT's columns
        digest = hashlib.sha256(f"{head}|{after}".encode()).hexdigest()
        execute(self.audit[0], (*self.audit[1][:-2], head, digest))
        update = self.update[1]
        if execute(self.update[0], (*update[:-3], version + 1, update[-2], version)).rowcount != 1:
            raise RuntimeError("the replayed UPDATE found no row at its version")
        execute(*self.events)
        execute(*self.records).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    print("No app server or port: the save and the bare page run in this process (SQLite in a temporary folder).")
    workdir = Path(tempfile.mkdtemp(prefix="save-floor-"))
    from streamlit.testing.v1 import AppTest

    as_server()
    url = demo_database(workdir)
    from db.engine import _CHAIN_HEAD_SQL, engine_for
    from services import run_context, runs

    engine = engine_for(url)
    actor, service_run = p1_run_at_search_legacy()
    _, replay_run = p1_run_at_search_legacy()
    view = run_context.view_run(actor, service_run)
    answers = {"information_found": False, "_checklist": list(view.step.checklist)}

    replay_view = run_context.view_run(actor, replay_run)
    saved = runs.submit_step(actor, replay_run, answers, expected_version=replay_view.version)
    runs.go_back(actor, replay_run, expected_version=saved.version)
    replay_view = run_context.view_run(actor, replay_run)
    statements = capture_save(
        engine, lambda: runs.submit_step(actor, replay_run, answers, expected_version=replay_view.version)
    )
    replay = Replay(statements, _CHAIN_HEAD_SQL)
    print(f"the service's save sent {len(statements)} statements besides BEGIN IMMEDIATE and COMMIT, and read")
    print("the audit chain's head on the driver's own cursor; each replay sends the same")

    bare = AppTest.from_file(str(write_bare_page(workdir / "bare.py", actor, service_run)), default_timeout=60).run()
    driver = sqlite3.connect(url.split("///", 1)[1], isolation_level=None, check_same_thread=False)
    driver.execute("PRAGMA busy_timeout=10000")
    driver.execute("PRAGMA synchronous=NORMAL")

    def by_service() -> float:
        """The save's time alone: Back, which puts the run back at the step for the next round, is not timed."""
        nonlocal view
        started = time.perf_counter()
        saved = runs.submit_step(actor, service_run, answers, expected_version=view.version)
        took = time.perf_counter() - started
        view = runs.go_back(actor, service_run, expected_version=saved.version)
        return took

    def by_core() -> float:
        started = time.perf_counter()
        with engine.begin() as connection:  # BEGIN IMMEDIATE, as the service's transaction (db/engine.py)
            replay.send(connection.exec_driver_sql)
        return time.perf_counter() - started

    def by_driver() -> float:
        started = time.perf_counter()
        driver.execute("BEGIN IMMEDIATE")
        try:
            replay.send(driver.execute)
            driver.execute("COMMIT")
        except BaseException:
            driver.execute("ROLLBACK")
            raise
        return time.perf_counter() - started

    ways: dict[str, Callable[[], float]] = {
        "service (runs.submit_step)": by_service,
        "the same statements, Core": by_core,
        "the same statements, driver": by_driver,
    }
    befores: dict[str, Callable[[], object]] = {"warm": lambda: None, "after a page": bare.run, "after a sweep": sweep}
    times: dict[tuple[str, str], list[float]] = {(w, b): [] for w in ways for b in befores}
    for _ in range(args.rounds):
        for before_name, before in befores.items():
            for way_name, way in ways.items():
                if before_name == "warm":
                    way()  # the same call just before: its code and data are in the caches
                before()
                times[(way_name, before_name)].append(way())

    print(f"\nmedian of {args.rounds} saves, ms")
    print(f"{'':30s}" + "".join(f"{b:>16s}" for b in befores))
    for way_name in ways:
        print(f"{way_name:30s}" + "".join(f"{statistics.median(times[(way_name, b)]) * 1000:16.2f}" for b in befores))
    service, core = (statistics.median(times[(w, "after a page")]) for w in list(ways)[:2])
    print(
        f"\nafter a page, the service less its statements through Core: {(service - core) * 1000:.2f} ms "
        "(SQLAlchemy's ORM and the save's own Python)"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
