"""Load test (bounded, loopback only): simulated caseworkers completing P1 at the same time on PostgreSQL,
through the services the wizard page calls (services/run_start.py start_run, services/runs.py submit_step,
confirm_step).

    .venv/bin/python benchmarks/load_test.py [--workers 20] [--iterations 5]

With no DATABASE_URL pointing at PostgreSQL it starts a throwaway PostgreSQL on loopback (tests/pg.py),
migrates it and loads the demo data. It first walks the same procedures with ONE caseworker (the
baseline), then with WORKERS caseworkers at once, each completing ITERATIONS runs, and prints both side
by side: completed runs, errors by kind, p50/p95 time of one step (one submit or confirm call: one
transaction), throughput, and the lost-update check. Goal: zero errors, zero lost updates.

Decisions (the issue is silent):
- The caseworkers are threads in one process, as on one Streamlit server (each browser session's script
  runs in its own thread); every caseworker is its own user in the CSA Rules Reassessment Team, added
  for the test, and works cases of that team that several of them share.
- The walks rotate through three paths of P1 so every kind of effect is written: information found
  (2 notes, SR closed), answered from CCD (2 notes), and the long chase (a review date and deadline,
  4 notes, a second SR for the segment move). Every free-text answer carries a token unique to the walk.
- Lost-update check, after all walks: for every service call that returned (so committed), the audit
  trail has its event (run.started, run.answers for a submit that waited for confirmation, run.step for
  every advance) and the run's history is the steps the caseworker saw; the run is finished with exactly
  the answers submitted; each token appears in exactly one note; the SRs have the notes, statuses and
  version counters the path writes (the same for every walk of a path, baseline included); and the
  audit hash chain verifies.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEAM = "CSA Rules Reassessment Team"
PATHS = ("found", "ccd", "chase")
# What each path leaves on its SRs: notes, the SRs it creates (main first) and their final statuses.
EXPECTED = {
    "found": {"notes": 2, "statuses": ["Closed"]},
    "ccd": {"notes": 2, "statuses": ["Closed"]},
    "chase": {"notes": 4, "statuses": ["Closed", "Open"]},
}


def answers_for(path: str, token: str) -> dict[str, dict[str, Any]]:
    """The answers a caseworker gives on each step of P1 along `path`; free text carries `token`."""
    from domain.clock import uk_local, utcnow

    script: dict[str, dict[str, Any]] = {
        "query_received": {
            "query_reason": "Complaint",
            "query_summary": f"Arrears history for {token}",
            "financial_transition_complete": True,
        },
        "search_legacy": {"information_found": path == "found"},
        "record_found": {},
        "identify_csa_caseworker": {"held_on_closed_ccd": path == "ccd"},
        "answer_from_ccd": {"ccd_findings": f"CCD shows the payments for {token}"},
        "consider_segment": {"segment_move": "No move needed"},
    }
    if path == "found":
        script["search_legacy"]["findings"] = f"CSCS shows the payments for {token}"
    if path == "chase":
        script["identify_csa_caseworker"]["csa_caseworker"] = "Sam Patel"
        review = uk_local(utcnow()).date() + timedelta(days=10)
        script["call_csa_caseworker"] = {"given_on_call": False, "review_date": review.isoformat()}
        script["chase_update"] = {"chase_answered": True, "update_findings": f"Balance confirmed by email for {token}"}
        script["consider_segment"] = {"segment_move": "Complaints - ICE", "segment_reason": f"Escalated {token}"}
    return script


@dataclass
class Walk:
    """What one simulated caseworker saw on one run: every call that returned was committed."""

    worker: int
    path: str
    token: str
    run_id: str | None = None
    submitted: dict[str, Any] = field(default_factory=dict)  # every answer given, by field
    seen: list[str] = field(default_factory=list)  # the steps shown, in order
    calls: Counter[str] = field(default_factory=Counter)  # audit actions the returned calls must have written
    timed: list[tuple[str, float]] = field(default_factory=list)  # (submit:STEP or confirm:STEP, ms)
    finished: bool = False
    error: str | None = None


@dataclass
class Result:
    label: str
    workers: int
    iterations: int
    walks: list[Walk]
    step_ms: list[float]
    wall_s: float
    lock_ms: list[float] = field(default_factory=list)
    held_ms: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(w.finished for w in self.walks)

    @property
    def errors(self) -> Counter[str]:
        return Counter(w.error.split(":", 1)[0] for w in self.walks if w.error)

    def percentile(self, p: float, of: list[float] | None = None) -> float:
        values = self.step_ms if of is None else of
        if len(values) < 2:
            return values[0] if values else float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


class LockWaits:
    """Time spent waiting for the audit chain's advisory lock (db.engine.take_write_lock, the first time a
    transaction takes it) and holding it (from getting it to the commit): tells whether slow steps queue for the
    chain or for the CPU. (The lock is sent on the driver's connection, with the chain's head in the same round
    trip (db/pg_begin.py), so SQLAlchemy's statement events do not see it: this wraps the function instead, in
    db.engine and in services.transaction, which holds its own reference for the wizard's lock-first actions.)"""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.held_ms: list[float] = []
        self._started = threading.local()

    def __enter__(self) -> LockWaits:
        from sqlalchemy import event

        from db import engine as db_engine
        from services import transaction as services_transaction

        self._modules, self._take = (db_engine, services_transaction), db_engine.take_write_lock
        self._engine = db_engine.engine_for(os.environ["DATABASE_URL"])

        def take_write_lock(session: Any) -> None:
            transaction = session.get_transaction()
            already = transaction is not None and session.info.get(db_engine._HELD) is transaction
            start = time.perf_counter()
            self._take(session)
            if not already:
                self._started.held = time.perf_counter()
                self.ms.append((self._started.held - start) * 1000)

        for module in self._modules:
            module.take_write_lock = take_write_lock  # type: ignore[attr-defined]
        event.listen(self._engine, "commit", self._commit)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event

        for module in self._modules:
            module.take_write_lock = self._take  # type: ignore[attr-defined]
        event.remove(self._engine, "commit", self._commit)

    def _commit(self, conn: Any) -> None:
        if (held := getattr(self._started, "held", None)) is not None:
            self.held_ms.append((time.perf_counter() - held) * 1000)
            self._started.held = None


def _timed(times: list[float], call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = call()
    times.append((time.perf_counter() - start) * 1000)
    return value


def walk_p1(actor: Any, case_id: int, walk: Walk, times: list[float]) -> None:
    """Complete one P1 run the way the wizard does: submit each step, confirm when asked."""
    from services import run_start, runs

    script = answers_for(walk.path, walk.token)
    view = run_start.start_run(actor, "P1", case_id=case_id)
    walk.run_id = view.run_id
    walk.calls["run.started"] += 1
    walk.seen.append(view.step.id)
    while view.status != "finished":
        kind = f"{'confirm' if view.awaiting_confirmation else 'submit'} {view.step.id}"
        if view.awaiting_confirmation:
            view = _timed(times, lambda v=view: runs.confirm_step(actor, v.run_id, expected_version=v.version))
            walk.calls["run.step"] += 1
        else:
            answers = script[view.step.id]
            walk.submitted.update(answers)
            payload = {**answers, "_checklist": list(view.step.checklist)}
            view = _timed(
                times,
                lambda v=view, p=payload: runs.submit_step(actor, v.run_id, p, expected_version=v.version),
            )
            walk.calls["run.answers" if view.awaiting_confirmation else "run.step"] += 1
        walk.timed.append((kind, times[-1]))
        if view.step.id != walk.seen[-1]:
            walk.seen.append(view.step.id)
    walk.finished = True


def caseworkers(count: int) -> list[Any]:
    """`count` caseworkers of the team, added for the test (or found from an earlier run)."""
    from sqlalchemy import select

    from db.models import User
    from services.actor import Actor
    from services.transaction import transaction
    from services.users import create_user

    actors = []
    with transaction() as session:
        for n in range(count):
            username = f"load.caseworker{n:02d}"
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = create_user(
                    session,
                    None,
                    username=username,
                    display_name=f"Load Caseworker {n:02d}",
                    role="caseworker",
                    password=None,
                    team=TEAM,
                )
                session.flush()
            actors.append(Actor.of(user))
    return actors


def team_cases() -> list[int]:
    from sqlalchemy import select

    from db.models import Case, Team
    from services.transaction import transaction

    with transaction() as session:
        team = session.scalar(select(Team.id).where(Team.name == TEAM))
        return list(
            session.scalars(
                select(Case.id).where(Case.team_id == team, Case.financial_transition_complete).order_by(Case.id)
            )
        )


def run_load(label: str, workers: int, iterations: int, *, start_at: int = 0) -> Result:
    """`workers` caseworkers at once (threads), each completing `iterations` P1 runs; then the check."""
    actors = caseworkers(workers)
    cases = team_cases()
    walks = [
        [Walk(w, PATHS[(w + i) % len(PATHS)], f"{label}-w{w:02d}-i{i:03d}") for i in range(iterations)]
        for w in range(workers)
    ]
    times: list[list[float]] = [[] for _ in range(workers)]
    gate = threading.Barrier(workers)

    def work(w: int) -> None:
        gate.wait()
        for i, walk in enumerate(walks[w]):
            case_id = cases[(start_at + w * iterations + i) % len(cases)]
            try:
                walk_p1(actors[w], case_id, walk, times[w])
            except Exception as exc:  # noqa: BLE001 - counted by kind and reported
                walk.error = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=work, args=(w,), name=f"caseworker-{w}") for w in range(workers)]
    with LockWaits() as waits:
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    flat = [w for per in walks for w in per]
    result = Result(label, workers, iterations, flat, [t for per in times for t in per], wall, waits.ms, waits.held_ms)
    result.lost = lost_updates(flat)
    return result


def lost_updates(walks: list[Walk]) -> list[str]:
    """Every committed call the caseworkers saw, checked against what the database holds."""
    from sqlalchemy import func, select

    from db.models import AuditEvent, Note, ProcedureRun, ServiceRequest
    from services.audit import verify_chain
    from services.transaction import transaction

    problems: list[str] = []
    with transaction() as session:
        for walk in walks:
            if walk.run_id is None:
                continue
            where = f"{walk.token} (run {walk.run_id})"
            run = session.get_one(ProcedureRun, walk.run_id)
            actions = Counter(
                session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == walk.run_id)).all()
            )
            for action, count in walk.calls.items():
                if actions[action] != count:
                    problems.append(f"{where}: {count} committed {action} calls, {actions[action]} in the audit trail")
            if list(run.history) != walk.seen:
                problems.append(f"{where}: history {run.history} but the caseworker saw {walk.seen}")
            if not walk.finished:
                continue
            if run.status != "finished":
                problems.append(f"{where}: finished for the caseworker, {run.status} in the database")
            for name, value in walk.submitted.items():
                if run.answers.get(name) != value:
                    problems.append(f"{where}: answer {name} is {run.answers.get(name)!r}, submitted {value!r}")
            refs = [run.sr_refs[k] for k in sorted(run.sr_refs, key=lambda k: k != "main")]
            notes = session.scalars(select(Note.text).where(Note.sr_id.in_(refs))).all()
            expected = EXPECTED[walk.path]
            if len(notes) != expected["notes"]:
                problems.append(f"{where}: {len(notes)} notes, expected {expected['notes']}")
            for value in walk.submitted.values():
                if isinstance(value, str) and walk.token in value and sum(value in n for n in notes) != 1:
                    problems.append(f"{where}: '{value}' is not in exactly one note")
            statuses = [session.get_one(ServiceRequest, i).status for i in refs]
            if statuses != expected["statuses"]:
                problems.append(f"{where}: SR statuses {statuses}, expected {expected['statuses']}")
        # The same path writes the same SR changes every time: version counters and audit events on its SRs.
        shapes: dict[str, Counter[tuple[Any, ...]]] = {}
        for walk in walks:
            if not walk.finished or walk.run_id is None:
                continue
            run = session.get_one(ProcedureRun, walk.run_id)
            ids = sorted(run.sr_refs.values())
            versions = tuple(sorted(session.get_one(ServiceRequest, i).version for i in ids))
            sr_events = session.scalar(select(func.count()).where(AuditEvent.sr_id.in_(ids)))
            shapes.setdefault(walk.path, Counter())[(versions, sr_events)] += 1
        for path, seen in shapes.items():
            if len(seen) > 1:
                problems.append(f"path {path}: SR versions and SR audit events differ between walks: {dict(seen)}")
        chain = verify_chain(session)
        if not chain.ok:
            problems.append(f"audit chain broken: {chain}")
    return problems


def report(results: list[Result]) -> None:
    rows = [
        ("caseworkers at once", lambda r: f"{r.workers}"),
        ("runs each", lambda r: f"{r.iterations}"),
        ("completed runs", lambda r: f"{r.completed} of {len(r.walks)}"),
        ("errors", lambda r: ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "0"),
        ("lost updates", lambda r: f"{len(r.lost)}"),
        ("steps (submit/confirm)", lambda r: f"{len(r.step_ms)}"),
        ("step time p50", lambda r: f"{r.percentile(50):.1f} ms"),
        ("step time p95", lambda r: f"{r.percentile(95):.1f} ms"),
        ("audit lock wait p50", lambda r: f"{r.percentile(50, r.lock_ms):.1f} ms"),
        ("audit lock wait p95", lambda r: f"{r.percentile(95, r.lock_ms):.1f} ms"),
        ("audit lock held p50", lambda r: f"{r.percentile(50, r.held_ms):.1f} ms"),
        ("audit lock held p95", lambda r: f"{r.percentile(95, r.held_ms):.1f} ms"),
        ("throughput", lambda r: f"{len(r.step_ms) / r.wall_s:.1f} steps/s"),
        ("wall time", lambda r: f"{r.wall_s:.1f} s"),
    ]
    print(f"{'':26}" + "".join(f"{r.label:>24}" for r in results))
    for name, cell in rows:
        print(f"{name:26}" + "".join(f"{cell(r):>24}" for r in results))
    for r in results:
        by_kind: dict[str, list[float]] = {}
        for walk in r.walks:
            for kind, ms in walk.timed:
                by_kind.setdefault(kind, []).append(ms)
        slowest = sorted(by_kind, key=lambda k: -statistics.median(by_kind[k]))[:3]
        print(
            f"  {r.label} slowest steps (median): "
            + ", ".join(f"{k} {statistics.median(by_kind[k]):.0f} ms" for k in slowest)
        )
        for walk in r.walks:
            if walk.error:
                print(f"  {r.label} error: {walk.token}: {walk.error[:300]}")
        for problem in r.lost[:20]:
            print(f"  {r.label} lost update: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()

    server = None
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from tests import pg

        server = pg.Server.start()
        server.create_database("load")
        os.environ["DATABASE_URL"] = server.url("load")
        print(f"Throwaway PostgreSQL on 127.0.0.1, free port {server.port} (set DATABASE_URL to use your own)")
    try:
        from casework import demo, migrate

        migrate.upgrade(os.environ["DATABASE_URL"])
        demo.load(if_empty=True)
        warm = run_load("warm-up", 1, len(PATHS))  # untimed: imports, holiday tables, compiled machines
        if warm.errors or warm.lost:
            report([warm])
            return 1
        baseline = run_load("baseline (1)", 1, args.iterations)
        loaded = run_load(f"load ({args.workers})", args.workers, args.iterations, start_at=args.iterations)
        report([baseline, loaded])
        ok = not (baseline.errors or loaded.errors or baseline.lost or loaded.lost)
        print("goal met: zero errors, zero lost updates" if ok else "GOAL NOT MET")
        return 0 if ok else 1
    finally:
        from db.engine import engine_for

        engine_for(os.environ["DATABASE_URL"]).dispose()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
