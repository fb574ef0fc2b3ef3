"""The team leader console's queries on PostgreSQL at scale, beside the same queries hand-written in SQL.

    .venv/bin/python benchmarks/console_queries.py            # 200,000 SRs over 40,000 cases
    .venv/bin/python benchmarks/console_queries.py --full     # 1,000,000 SRs over 200,000 cases (issue 6)
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/console_queries.py   # an empty database you give
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/console_queries.py --reuse
        # measure a database already filled by `python -m casework generate` (generate once, measure often)

Without DATABASE_URL a throwaway PostgreSQL cluster is started (as the tests do) and removed afterwards.
For each query: median wall time of REPEAT runs (taken in turn) of the service function (a whole call: transaction,
role check, query, read models) and of the hand-written SQL through the same engine, their ratio, and
the indexes PostgreSQL's plan uses (EXPLAIN of the exact statements the service sent).
Goal from the issue: service at most 1.5x the hand-written SQL and under 300 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._postgres import bench_database  # noqa: E402 - after the path
from benchmarks._settle import settle  # noqa: E402 - after the path

REPEAT = 31

HAND_COUNTS = """
SELECT status, owner_id, process, area, sub_area, count(*) FROM service_requests
WHERE team_id = %(team)s AND status IN ('Open', 'In Progress')
GROUP BY status, owner_id, process, area, sub_area"""

HAND_PAGE = """
SELECT sr.id, sr.number, sr.case_id, c.scin, sr.process, sr.area, sr.sub_area, sr.status, sr.owner_id,
       u.display_name, sr.created_at, c.potentially_violent, c.sensitive, c.region,
       (SELECT min(d.due_at) FROM deadlines d WHERE d.sr_id = sr.id AND NOT d.done) AS next_due, sr.version
FROM service_requests sr JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
WHERE sr.team_id = %(team)s AND sr.status IN ('Open', 'In Progress') AND sr.created_at <= %(cut)s
  AND c.potentially_violent = false
ORDER BY sr.created_at, sr.id LIMIT 51"""

HAND_OVERDUE_PAGE = """
SELECT sr.id, sr.number, sr.case_id, c.scin, sr.process, sr.area, sr.sub_area, sr.status, sr.owner_id,
       u.display_name, sr.created_at, c.potentially_violent, c.sensitive, c.region,
       (SELECT min(d.due_at) FROM deadlines d WHERE d.sr_id = sr.id AND NOT d.done) AS next_due, sr.version
FROM service_requests sr JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
WHERE sr.team_id = %(team)s AND sr.status IN ('Open', 'In Progress') AND sr.owner_id = %(owner)s
  AND EXISTS (SELECT 1 FROM deadlines d WHERE d.sr_id = sr.id AND NOT d.done AND d.due_at < %(now)s)
ORDER BY sr.created_at, sr.id LIMIT 51"""

HAND_DEADLINES = """
(SELECT d.sr_id, sr.number, c.scin, d.kind, d.due_at, u.display_name FROM deadlines d
   JOIN service_requests sr ON sr.id = d.sr_id JOIN cases c ON c.id = sr.case_id
   LEFT JOIN users u ON u.id = sr.owner_id
 WHERE NOT d.done AND sr.team_id = %(team)s AND sr.status <> 'Closed' ORDER BY d.due_at, d.id LIMIT 100)
UNION ALL
(SELECT sr.id, sr.number, c.scin, 'hearing', sr.hearing_at, u.display_name FROM service_requests sr
   JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
 WHERE sr.team_id = %(team)s AND sr.status <> 'Closed' AND sr.hearing_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.sr_id = sr.id AND d.kind = 'hearing')
 ORDER BY sr.hearing_at, sr.id LIMIT 100)
UNION ALL
(SELECT sr.id, sr.number, c.scin, 'appointment', sr.appointment_at, u.display_name FROM service_requests sr
   JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
 WHERE sr.team_id = %(team)s AND sr.status <> 'Closed' AND sr.appointment_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.sr_id = sr.id AND d.kind = 'appointment')
 ORDER BY sr.appointment_at, sr.id LIMIT 100)
UNION ALL
(SELECT sr.id, sr.number, c.scin, 'review_date', sr.review_date::timestamptz, u.display_name FROM service_requests sr
   JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
 WHERE sr.team_id = %(team)s AND sr.status <> 'Closed' AND sr.review_date IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.sr_id = sr.id AND d.kind = 'review_date')
 ORDER BY sr.review_date, sr.id LIMIT 100)
ORDER BY 5 LIMIT 100"""


def medians_ms(service: Callable[[], Any], hand: Callable[[], Any]) -> tuple[float, float]:
    """Median wall times of `service` and `hand`, run in turn so both see the same load on a shared machine."""
    service(), hand()  # warm the caches and the connection pool
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEAT):
        for fn, into in ((service, times[0]), (hand, times[1])):
            start = time.perf_counter()
            fn()
            into.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


INDEX = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")
SEQ = re.compile(r"Seq Scan on (\w+)")


def plan_summary(lines: list[str]) -> str:
    used = []
    for line in lines:
        for kind, name in INDEX.findall(line):
            used.append(f"{name} ({kind.lower()})")
        used += [f"SEQ SCAN {t}" for t in SEQ.findall(line)]
    return ", ".join(dict.fromkeys(used)) or "(none)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="1,000,000 SRs over 200,000 cases (the issue's size)")
    parser.add_argument("--srs", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=40_000)
    parser.add_argument("--reuse", action="store_true", help="measure the generated data already in DATABASE_URL")
    args = parser.parse_args()
    srs, cases = (1_000_000, 200_000) if args.full else (args.srs, args.cases)

    with bench_database() as given:
        if given and args.reuse:
            srs = cases = 0
        run(srs, cases)


def run(srs: int, cases: int) -> None:
    from sqlalchemy import event, func, select

    from casework import generate, migrate
    from db.engine import database_url, engine_for
    from db.models import ServiceRequest, User
    from domain.clock import utcnow
    from services import console
    from services.actor import Actor
    from services.console import ConsoleFilter
    from services.transaction import transaction

    url = database_url()
    migrate.upgrade(url)
    engine = engine_for(url)
    if srs:
        start = time.perf_counter()
        generate.generate(generate.Sizes(srs=srs, cases=cases), url=url, progress=True)
        print(f"generated {srs:,} SRs over {cases:,} cases, 300 users, 20 teams in {time.perf_counter() - start:.1f} s")
    settle(url)  # analysed, and on PostgreSQL vacuumed, as a database in use is (benchmarks/_settle.py)
    with engine.begin() as conn:
        srs = conn.scalar(select(func.count()).select_from(ServiceRequest))
    with transaction() as session:
        # The first generated team leader (generated usernames start "gen"; the demo users do not).
        leader = session.scalar(
            select(User).where(User.role == "team_leader", User.username.like("gen%")).order_by(User.id).limit(1)
        )
        assert leader is not None
        actor = Actor.of(leader)
        owner = session.scalar(select(User.id).where(User.team_id == actor.team_id, User.role == "caseworker"))
    now = utcnow()
    params = {"team": actor.team_id, "cut": now - timedelta(days=30), "owner": owner, "now": now}
    page_filter = ConsoleFilter(min_age_days=30, potentially_violent=False)
    overdue_filter = ConsoleFilter(owner_id=owner, due="overdue")

    def hand(sql: str) -> Callable[[], Any]:
        def go() -> Any:
            with engine.connect() as conn:
                return conn.exec_driver_sql(sql, params).all()

        return go

    cases_ = [
        ("counts by status/owner/procedure", lambda: console.counts(actor, now=now), HAND_COUNTS),
        (
            "first page: >=30 days old, not PV",
            lambda: console.outstanding_page(actor, page_filter, now=now),
            HAND_PAGE,
        ),
        (
            "first page: one owner, overdue",
            lambda: console.outstanding_page(actor, overdue_filter, now=now),
            HAND_OVERDUE_PAGE,
        ),
        ("deadline list (100 soonest)", lambda: console.deadlines(actor, now=now), HAND_DEADLINES),
    ]
    print(f"\nteam {actor.team_id} ({actor.username}); median of {REPEAT} runs, PostgreSQL, {srs:,} SRs\n")
    print(f"{'query':<36} {'service ms':>10} {'hand SQL ms':>12} {'ratio':>6}")
    plans: list[tuple[str, str, str]] = []
    for name, service, sql in cases_:
        same_answer(name, service(), hand(sql)())
        svc, raw = medians_ms(service, hand(sql))
        print(f"{name:<36} {svc:>10.1f} {raw:>12.1f} {svc / raw:>6.2f}")
        plans.append((name, explain_service(engine, service, event), explain(engine, sql, params)))
    print("\nIndexes in the plans (service statements / hand-written SQL):")
    for name, svc_plan, hand_plan in plans:
        print(f"- {name}\n    service: {svc_plan}\n    hand:    {hand_plan}")


def same_answer(name: str, service: Any, hand: list[Any]) -> None:
    """Refuse to time two queries that answer differently: the same SRs in the same order (pages), the
    same total (counts). The deadline list's hand SQL is simpler (no second PV checks, no explanations),
    so only its Deadline-row items are compared."""
    if isinstance(service, console_page_type()):
        ok = [r.id for r in service.rows] == [r[0] for r in hand[: len(service.rows)]] and len(hand) == len(
            service.rows
        ) + (service.next_cursor is not None)
    elif hasattr(service, "total"):
        ok = service.total == sum(r[-1] for r in hand)
    else:
        rows = [(d.sr_id, d.kind, d.due_at) for d in service if d.source == "deadline"]
        ok = set(rows) <= {(r[0], r[3], r[4]) for r in hand}
    if not ok:
        raise SystemExit(f"{name}: the service and the hand-written SQL answer differently")


def console_page_type() -> type:
    from services.console import Page

    return Page


def explain(engine: Any, sql: str, params: dict[str, Any]) -> str:
    with engine.connect() as conn:
        return plan_summary([r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params)])


def explain_service(engine: Any, service: Callable[[], Any], event: Any) -> str:
    """EXPLAIN every SELECT the service sends on the console tables (not the user-name lookups)."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "service_requests" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        service()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    lines: list[str] = []
    with engine.connect() as conn:
        for statement, parameters in captured:
            lines += [r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
    return plan_summary(lines)


if __name__ == "__main__":
    main()
