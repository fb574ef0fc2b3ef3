"""The whole Outstanding SRs page as a team leader waits for it, at scale on PostgreSQL, with its baselines.

    .venv/bin/python benchmarks/console_page.py                  # 1,000,000 SRs (the issue's size)
    .venv/bin/python benchmarks/console_page.py --srs 200000     # smaller, when the machine is busy
    .venv/bin/python benchmarks/console_page.py --reuse ALONE_URL LARGE_URL   # two databases built as below

No app server: the page runs in this process through Streamlit's AppTest (every statement it sends and all
its drawing, no browser). PostgreSQL is a throwaway cluster (tests/pg.py) on a free port, printed. The page
scripts are compiled once, as the server does (its ScriptCache lives as long as it runs); AppTest alone
compiles app.py and the page again on every run, which no user waits for (printed once, beside).

Two databases, built the same way: a small team of about 100 SRs alone (generated first, seed fixed), and
the same team (same rows, same ids) followed by `--srs` SRs of 20 more teams (about srs/20 SRs each).
Measured in turn, so every side sees the same load on a shared machine (median of --repeat):

1. the whole page (AppTest run): the large team (goal under 150 ms), the small team among the `--srs`
   SRs and the same team alone (goal: at most 1.3x);
2. each console call the page makes (members, counts, the first page, ageing, deadlines, stuck runs),
   beside SQL written by hand that answers the same question through the same pool, at both team sizes;
   the sum of the hand SQL is the page's floor; and the page's one read below its filters
   (console.overview: counts, first page, ageing, deadlines, stuck runs in one transaction);
3. every statement one page view sent, with its count;
4. the large team's page read under each filter a team leader picks (console.overview, with the unfiltered
   view beside it, goal under 150 ms), and for each, the deadline list read both ways (from the matching SRs
   and along the due-date index) with the way `_small_team` chose marked: the choice's own baseline.
"""

from __future__ import annotations

import argparse
import atexit
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._as_server import as_server  # noqa: E402 - after the path
from benchmarks._settle import settle  # noqa: E402 - after the path
from benchmarks.console_queries import HAND_DEADLINES  # noqa: E402 - after the path

HAND = {
    "members": """
SELECT id, display_name, role FROM users
WHERE team_id = %(team)s AND is_active AND role IN ('caseworker', 'team_leader') ORDER BY display_name""",
    "counts": """
SELECT status, owner_id, process, area, sub_area, count(*) FROM service_requests
WHERE team_id = %(team)s AND status IN ('Open', 'In Progress')
GROUP BY status, owner_id, process, area, sub_area""",
    "first page": """
SELECT sr.id, sr.number, sr.case_id, c.scin, sr.process, sr.area, sr.sub_area, sr.status, sr.owner_id,
       u.display_name, sr.created_at, c.potentially_violent, c.sensitive, c.region,
       (SELECT min(d.due_at) FROM deadlines d WHERE d.sr_id = sr.id AND NOT d.done) AS next_due, sr.version
FROM service_requests sr JOIN cases c ON c.id = sr.case_id LEFT JOIN users u ON u.id = sr.owner_id
WHERE sr.team_id = %(team)s AND sr.status IN ('Open', 'In Progress')
ORDER BY sr.created_at, sr.id LIMIT 51""",
    "ageing": """
SELECT CASE WHEN created_at > %(now)s - interval '8 days' THEN '0-7 days'
            WHEN created_at > %(now)s - interval '15 days' THEN '8-14 days'
            WHEN created_at > %(now)s - interval '31 days' THEN '15-30 days'
            WHEN created_at > %(now)s - interval '61 days' THEN '31-60 days'
            WHEN created_at > %(now)s - interval '91 days' THEN '61-90 days' ELSE 'over 90 days' END, status, count(*)
FROM service_requests WHERE team_id = %(team)s AND status IN ('Open', 'In Progress') GROUP BY 1, 2""",
    "deadlines": HAND_DEADLINES,  # the same question as console_queries.py asks
    "stuck runs": """
SELECT r.id, r.procedure_id, r.state, u.display_name, c.scin, sr.number, r.updated_at, o.display_name, t.name
FROM procedure_runs r
  JOIN users u ON u.id = r.started_by_id JOIN cases c ON c.id = r.case_id
  LEFT JOIN service_requests sr ON sr.id = r.sr_id
  LEFT JOIN users o ON o.id = sr.owner_id LEFT JOIN teams t ON t.id = sr.team_id
WHERE r.team_id = %(team)s AND r.status = 'in_progress' AND r.updated_at < %(stuck_before)s
  AND coalesce(o.is_new_caseworker, u.is_new_caseworker)
ORDER BY r.updated_at""",
}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--srs", type=int, default=1_000_000, help="SRs of the 20 large teams (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=21, help="runs of each side, taken in turn (default 21)")
    parser.add_argument(
        "--reuse",
        nargs=2,
        metavar=("ALONE_URL", "LARGE_URL"),
        help="measure two databases this script's way built earlier (the small team alone; it and --srs more)",
    )
    args = parser.parse_args()
    if args.reuse:
        from sqlalchemy import text

        from db.engine import engine_for

        def srs_in(url: str) -> int:
            with engine_for(url).connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM service_requests")).scalar_one())

        added = srs_in(args.reuse[1]) - srs_in(args.reuse[0])  # what --srs was when they were built
        print(f"Reusing the databases given ({added:,} SRs of 20 teams added); load average {_load()}")
        run({"alone": args.reuse[0], "large": args.reuse[1]}, args.repeat, added)
        return

    from tests import pg

    server = pg.Server.start()
    atexit.register(server.stop)  # stopped however the run ends
    print(f"Throwaway PostgreSQL on 127.0.0.1, free port {server.port}; load average {_load()}")
    for name in ("alone", "large"):
        server.create_database(name)
    urls = {"alone": server.url("alone"), "large": server.url("large")}

    from casework import generate, migrate

    small = generate.Sizes(srs=100, cases=25, users=4, teams=1)
    for url in urls.values():
        migrate.upgrade(url)
        generate.generate(small, url=url, progress=False)
    start = time.perf_counter()
    generate.generate(generate.Sizes(srs=args.srs, cases=max(args.srs // 5, 1)), url=urls["large"], progress=False)
    print(f"generated {args.srs:,} SRs of 20 teams in {time.perf_counter() - start:.0f} s; load average {_load()}")
    run(urls, args.repeat, args.srs)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(urls: dict[str, str], repeat: int, srs: int) -> None:
    from sqlalchemy import event, func, select
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    from db.engine import engine_for
    from db.models import ServiceRequest, Team, User
    from domain.clock import UK, add_working_days, as_utc, uk_local, utcnow
    from services import console
    from services.actor import Actor
    from services.transaction import transaction

    for url in urls.values():
        settle(url)  # analysed and vacuumed, as a database in use is (benchmarks/_settle.py)

    def use(db: str) -> None:
        os.environ["DATABASE_URL"] = urls[db]

    def leader(db: str, team_rank: int) -> tuple[Actor, int]:
        """The leader of the team_rank-th generated team (0: the small team generated first)."""
        use(db)
        with transaction() as session:
            team = session.scalars(select(Team.id).order_by(Team.id).offset(team_rank).limit(1)).one()
            user = session.scalar(select(User).where(User.team_id == team, User.role == "team_leader"))
            assert user is not None
            size = session.scalar(select(func.count()).where(ServiceRequest.team_id == team))
            return Actor.of(user), int(size or 0)

    (small_alone, n_small), (small_large, _), (large, n_large) = (
        leader("alone", 0),
        leader("large", 0),
        leader("large", 1),
    )
    assert small_alone.user_id == small_large.user_id, "the small team must be the same rows in both databases"
    sides = {
        f"large team ({n_large:,} SRs) among {srs + n_small:,}": ("large", large),
        f"small team ({n_small} SRs) among {srs + n_small:,}": ("large", small_large),
        f"small team ({n_small} SRs) alone": ("alone", small_alone),
    }

    def page_of(db: str, actor: Actor) -> AppTest:
        use(db)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["actor"] = actor
        at.run()
        at.switch_page("pages/outstanding.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert any(c.value.endswith("match") for c in at.caption), "the page did not draw its counts"
        return at

    compile_ms = []
    for _ in range(5):
        begin = time.perf_counter()
        for script in ("app.py", "pages/outstanding.py"):
            ScriptCache().get_bytecode(str(ROOT / script))
        compile_ms.append(time.perf_counter() - begin)
    # One compiled copy for the whole run, as a server keeps one (AppTest makes a new one each run), and the page
    # run inside app.py as the server runs it (sign-in check, sidebar, navigation). Until 1 December 2026 AppTest
    # ran the page on its own in Streamlit's old pages/-folder mode: no app.py, and a page list built each run.
    as_server()
    pages = {name: page_of(db, actor) for name, (db, actor) in sides.items()}
    page_times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeat):  # in turn: each side sees the same load
        for name, (db, _actor) in sides.items():
            use(db)
            begin = time.perf_counter()
            pages[name].run()
            page_times[name].append(time.perf_counter() - begin)
            assert not pages[name].exception
    print(f"\nWhole Outstanding SRs page (AppTest rerun: every statement and the drawing), median of {repeat}:")
    for name in sides:
        print(f"  {name:<44} {median_ms(page_times[name]):8.1f} ms")
    names = list(sides)
    ratio = median_ms(page_times[names[1]]) / median_ms(page_times[names[2]])
    print(f"  small team among {srs:,} / alone: {ratio:.2f}x (goal at most 1.3x); large team goal under 150 ms")
    print(f"  (not included, as a server compiles them once: AppTest compiling app.py and the page, "
          f"{median_ms(compile_ms):.1f} ms a run)")  # fmt: skip
    print(f"  load average {_load()}")

    now = utcnow()

    def stuck_before(team_region: str) -> datetime:
        cutoff = add_working_days(uk_local(now).date(), -console.stuck_working_days(), team_region)
        return as_utc(datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tzinfo=UK))

    calls: dict[str, Callable[[Actor], Any]] = {
        "members": console.team_members,
        "counts": lambda a: console.counts(a, now=now),
        "first page": lambda a: console.outstanding_page(a, now=now),
        "ageing": lambda a: console.ageing(a, now=now),
        "deadlines": lambda a: console.deadlines(a, now=now),
        "stuck runs": lambda a: console.stuck_runs(a, now=now),
    }
    for name, (db, actor) in list(sides.items())[:2]:
        use(db)
        engine = engine_for(urls[db])
        with transaction() as session:
            region = session.scalar(select(Team.region).where(Team.id == actor.team_id)) or "England"
        params = {"team": actor.team_id, "now": now, "stuck_before": stuck_before(region)}

        def hand(sql: str, engine: Any = engine, params: dict[str, Any] = params) -> Callable[[], Any]:
            def go() -> Any:
                with engine.connect() as conn:
                    return conn.exec_driver_sql(sql, params).all()

            return go

        print(f"\n{name}: each console call beside hand SQL (same pool, in turn), median of {repeat}")
        print(f"  {'call':<12} {'service ms':>10} {'hand SQL ms':>12} {'ratio':>6}  same answer")
        total_service = total_hand = 0.0
        for call, fn in calls.items():
            service, raw = (lambda fn=fn, actor=actor: fn(actor)), hand(HAND[call])
            same = _same(call, service(), raw())
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(repeat):
                for side, into in ((service, times[0]), (raw, times[1])):
                    begin = time.perf_counter()
                    side()
                    into.append(time.perf_counter() - begin)
            svc, hnd = median_ms(times[0]), median_ms(times[1])
            total_service, total_hand = total_service + svc, total_hand + hnd
            print(f"  {call:<12} {svc:>10.1f} {hnd:>12.1f} {svc / hnd:>6.2f}  {same}")
        print(f"  {'sum':<12} {total_service:>10.1f} {total_hand:>12.1f} {total_service / total_hand:>6.2f}")
        one_read: list[float] = []
        for _ in range(repeat):
            begin = time.perf_counter()
            console.overview(actor, now=now)
            one_read.append(time.perf_counter() - begin)
        print(f"  the page's one read below its filters (console.overview: all but members): "
              f"{median_ms(one_read):.1f} ms")  # fmt: skip

        sent: list[str] = []

        def capture(conn: Any, cursor: Any, statement: str, *_: Any, sent: list[str] = sent) -> None:
            sent.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            pages[name].run()
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        print(f"  one page view sent {len(sent)} statements:")
        for statement in dict.fromkeys(sent):
            print(f"    {sent.count(statement)}x {statement[:110]}")
    filtered_views(large, repeat, now)
    print(f"\nload average {_load()}")


def filtered_views(actor: Any, repeat: int, now: datetime) -> None:
    """Part 4 of the docstring: the large team's page read per filter, and its deadline list both ways."""
    from importlib import import_module

    from sqlalchemy import select

    from db.models import ServiceRequest
    from services import console
    from services.console import ConsoleFilter
    from services.console.filters import filter_params, shape_of
    from services.console.queries import counts_in
    from services.transaction import transaction

    plans = import_module("services.console.deadlines")  # the module, not the package's function of that name
    with transaction() as session:
        owner = session.scalar(
            select(ServiceRequest.owner_id)
            .where(ServiceRequest.team_id == actor.team_id, ServiceRequest.owner_id.isnot(None))
            .limit(1)
        )
    filters = {
        "no filter": ConsoleFilter(),
        "potentially violent": ConsoleFilter(potentially_violent=True),
        "sensitive": ConsoleFilter(sensitive=True),
        "overdue": ConsoleFilter(due="overdue"),
        "due within 7 days": ConsoleFilter(due="due_soon"),
        "not potentially violent": ConsoleFilter(potentially_violent=False),
        "one owner": ConsoleFilter(owner_id=owner),
        "older than 300 days": ConsoleFilter(min_age_days=300),
        "overdue, potentially violent": ConsoleFilter(due="overdue", potentially_violent=True),
    }
    times: dict[str, list[float]] = {name: [] for name in filters}
    for _ in range(repeat):  # in turn, as above
        for name, f in filters.items():
            begin = time.perf_counter()
            console.overview(actor, f, now=now)
            times[name].append(time.perf_counter() - begin)
    print(f"\nlarge team: the page's one read (console.overview) under each filter, median of {repeat}; goal under")
    print("150 ms. Then its deadline list read both ways (* the way chosen), median of 5:")
    print(f"  {'filter':<30} {'overview ms':>11} {'matching':>9} {'from SRs ms':>12} {'walk ms':>8}")
    for name, f in filters.items():
        params = filter_params(actor.team_id, f, now) | {"limit": 100}
        with transaction(read_only=True) as session:
            matching = counts_in(session, actor.team_id, f, now=now).total
            small = plans._small_team(session, actor.team_id, f, 100, matching)
            ways = []
            for statement in (plans._team_deadline_rows_statement, plans._deadline_rows_statement):
                samples = []
                for _ in range(5):
                    begin = time.perf_counter()
                    session.connection().execute(statement(shape_of(f)), params).all()
                    samples.append(time.perf_counter() - begin)
                ways.append(median_ms(samples))
        marks = ("*", "") if small else ("", "*")
        print(
            f"  {name:<30} {median_ms(times[name]):>11.1f} {matching:>9,} "
            f"{ways[0]:>11.1f}{marks[0]:1} {ways[1]:>7.1f}{marks[1]:1}"
        )


def _same(call: str, service: Any, hand: list[Any]) -> str:
    """Refuse to time a hand query that answers a different question (the same rows, totals or ids)."""
    if call == "members":
        ok = [m.id for m in service] == [r[0] for r in hand]
    elif call == "counts":
        ok = service.total == sum(r[-1] for r in hand)
    elif call == "first page":
        ok = [r.id for r in service.rows] == [r[0] for r in hand[: len(service.rows)]]
    elif call == "ageing":
        ok = sorted(service) == sorted((b, s, n) for b, s, n in hand)
    elif call == "deadlines":  # the hand SQL has no second PV checks: compare the Deadline rows
        ok = {(d.sr_id, d.kind, d.due_at) for d in service if d.source == "deadline"} <= {
            (r[0], r[3], r[4]) for r in hand
        }
    else:
        ok = [s.run_id for s in service] == [r[0] for r in hand]
    if not ok:
        raise SystemExit(f"{call}: the service and the hand-written SQL answer differently")
    return "yes"


if __name__ == "__main__":
    main()
