"""The Insight page's queries on PostgreSQL at scale, beside hand-written SQL answering the same question.

    .venv/bin/python benchmarks/insight_queries.py              # --scale 0.1: 100,000 SRs, 500,000 step events
    .venv/bin/python benchmarks/insight_queries.py --scale 1    # 1,000,000 SRs, 5,000,000 step events (issue 19)
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/insight_queries.py --reuse   # measure again

Without DATABASE_URL a throwaway PostgreSQL cluster is started (as the tests do) and removed afterwards. SRs,
cases, users and teams come from `casework generate` (as benchmarks/console_queries.py); the runs and their
step events are made inside PostgreSQL with generate_series (a path of real step ids per procedure, a view and
a save per step, some refused fields, Back and Change uses, spread over two years), so the full size builds in
minutes. For each query: the median wall time of REPEAT runs, taken in turn, of the service call (transaction,
role check, statements, assembling the figures) and of SQL written by hand for the same question through the
same engine; both are checked to give the same answer first. Goal (issue 19): under 300 ms.

Policy staff's figures are read from the pre-summed `step_summary` (services/step_summary.py), filled here the way
`python -m casework insight rebuild` fills it; their rows print three figures: the service, hand SQL over the
events (the statement the summary replaced, the baseline) and hand SQL over the summary.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _timing  # noqa: E402 - after the path
from benchmarks._postgres import bench_database  # noqa: E402 - after the path

REPEAT = 21
EVENTS_PER_SR = 5

HAND_FIGURES = """
SELECT procedure_id, step, field,
       count(*) FILTER (WHERE kind = 'view' AND first) AS reached,
       count(working_seconds) AS timed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY working_seconds) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY working_seconds) AS p90,
       count(*) FILTER (WHERE kind = 'error') AS errors,
       count(*) FILTER (WHERE kind = 'back') AS back,
       count(*) FILTER (WHERE kind = 'change') AS change
FROM step_events WHERE at >= %(lo)s AND at < %(hi)s {team}
GROUP BY procedure_id, step, field"""

HAND_LEFT = """
SELECT procedure_id, state, count(*) FROM procedure_runs
WHERE updated_at >= %(lo)s
  AND ((status = 'in_progress' AND updated_at < %(stale)s) OR (status = 'abandoned' AND updated_at < %(hi)s)) {team}
GROUP BY procedure_id, state"""

HAND_SLOWEST = """
SELECT e.run_id, max(e.at), max(e.working_seconds) AS slowest, sr.number, c.scin, u.display_name
FROM step_events e JOIN procedure_runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id
JOIN users u ON u.id = r.started_by_id LEFT JOIN service_requests sr ON sr.id = r.sr_id
WHERE e.team_id = %(team)s AND e.at >= %(lo)s AND e.at < %(hi)s AND e.procedure_id = %(procedure)s
  AND e.step = %(step)s AND e.kind = 'submit' AND e.working_seconds IS NOT NULL
GROUP BY e.run_id, sr.number, c.scin, u.display_name ORDER BY slowest DESC, e.run_id LIMIT 100"""


HAND_SUMMARY = (
    "SELECT procedure_id, step, field, sum(reached), sum(timed), sum(errors), sum(back), sum(change), "
    + ", ".join(f"sum(t{i})" for i in range(58))
    + " FROM {table} WHERE day >= %(first_day)s AND day <= %(last_day)s {team} GROUP BY procedure_id, step, field"
)


def medians_ms(*fns: Callable[[], Any]) -> list[float]:
    return _timing.medians_ms(*fns, repeat=REPEAT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 1,000,000 SRs and 5,000,000 step events")
    parser.add_argument("--reuse", action="store_true", help="measure the data already in DATABASE_URL")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"runs of each side (default {REPEAT})")
    args = parser.parse_args()
    globals()["REPEAT"] = args.repeat
    with bench_database():
        run(0 if args.reuse else int(1_000_000 * args.scale), int(200_000 * args.scale))


def build(engine: Any, url: str, srs: int, cases: int) -> None:
    """Generated SRs, then runs and step events made by PostgreSQL itself."""
    from sqlalchemy import text

    from casework import generate
    from db.models import StepEvent
    from procedures import registry

    start = time.perf_counter()
    generate.generate(generate.Sizes(srs=srs, cases=cases), url=url, progress=True)
    print(f"generated {srs:,} SRs over {cases:,} cases in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    steps = [
        (p.id, i, s)
        for p in registry.latest()
        for i, s in enumerate([s for s, step in p.steps.items() if not step.final][:8], start=1)
    ]
    runs = srs * EVENTS_PER_SR * 100 // 1173  # 11.73 events a run (views, saves, refusals, Back, Change)
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE bench_steps (procedure_id text, position int, step text)"))
        conn.execute(
            text("INSERT INTO bench_steps VALUES (:p, :i, :s)"), [{"p": p, "i": i, "s": s} for p, i, s in steps]
        )
        conn.execute(
            text("CREATE TEMP TABLE bench_procs AS SELECT procedure_id, row_number() OVER () - 1 AS n, max(position) "
                 "AS steps FROM bench_steps GROUP BY procedure_id")
        )  # fmt: skip
        conn.execute(
            text("CREATE TEMP TABLE bench_staff AS SELECT team_id, array_agg(id ORDER BY id) AS ids FROM users "
                 "WHERE role = 'caseworker' AND team_id IS NOT NULL GROUP BY team_id")
        )  # fmt: skip
        # Runs: a case each (and its team, and a caseworker of that team), one of the procedures, a start time
        # over the last two years; 1 in 6 is left in progress at the step it reached.
        conn.execute(
            text("""
            INSERT INTO procedure_runs (id, procedure_id, procedure_version, state, status, answers, history,
                committed_steps, sr_refs, recheck, return_to_summary, checklists, changed_answers, cms_saved,
                allocated_refs, case_id, team_id, started_by_id, created_at, updated_at, version)
            SELECT 'bench' || g, p.procedure_id, '1', 'x', CASE WHEN g % 6 = 0 THEN 'in_progress' ELSE 'finished' END,
                   '{}', '[]', 0, '{}', '[]', false, '{}', '[]', '[]', '[]', c.id, c.team_id,
                   s.ids[1 + (g / 7) % array_length(s.ids, 1)],
                   now() - interval '730 days' * ((g * 7919) % 100000) / 100000.0, now(), 1
            FROM generate_series(1::bigint, :runs) g
            JOIN cases c ON c.id = 1 + (g * 31) % (SELECT max(id) FROM cases)
            JOIN bench_staff s ON s.team_id = c.team_id
            JOIN bench_procs p ON p.n = g % (SELECT count(*) FROM bench_procs)"""),
            {"runs": runs},
        )
        # The two wide indexes are built once after the load (45 s at full size) rather than kept up row by row
        # (the first full-size build, with them in place, took 22 minutes for this statement).
        wide = [ix for ix in StepEvent.__table__.indexes if ix.name in ("ix_step_events_at", "ix_step_events_team_at")]
        for index in wide:
            index.drop(conn)
        # Events: each run goes through its procedure's first steps (3 to 8 of them); a view and a save per step
        # (the save timed 1 to 90 working minutes), a refused field on 1 step in 5, Back on 1 in 20, Change on
        # 1 in 25. Runs in progress stop before their last step's save and stand at that step.
        conn.execute(
            text("""
            WITH walk AS (
                SELECT r.id, r.procedure_id, r.team_id, r.started_by_id, r.created_at, r.status, b.position, b.step,
                       least(3 + hashint % 6, p.steps) AS length, hashint
                FROM (SELECT *, (hashtext(id)::bigint & 2147483647) AS hashint
                      FROM procedure_runs WHERE id LIKE 'bench%') r
                JOIN bench_procs p ON p.procedure_id = r.procedure_id
                JOIN bench_steps b
                  ON b.procedure_id = r.procedure_id AND b.position <= least(3 + r.hashint % 6, p.steps)
            )
            INSERT INTO step_events (run_id, procedure_id, step, kind, field, first, working_seconds, team_id,
                                     user_id, early, at)
            SELECT id, procedure_id, step, k.kind, CASE WHEN k.kind = 'error' THEN 'field_' || (hashint % 3) END,
                   k.kind = 'view', CASE WHEN k.kind = 'submit' THEN 60 + (hashint + position * 977) % 5340 END,
                   team_id, started_by_id, (hashint % 10) = 0,
                   created_at + interval '1 hour' * position + interval '1 minute' * k.n
            FROM walk, LATERAL (VALUES (1, 'view'), (2, 'error'), (3, 'back'), (4, 'change'), (5, 'submit')) k(n, kind)
            WHERE k.kind = 'view'
               OR (k.kind = 'submit' AND NOT (status = 'in_progress' AND position = length))
               OR (k.kind = 'error' AND (hashint + position) % 5 = 0)
               OR (k.kind = 'back' AND (hashint + position) % 20 = 0)
               OR (k.kind = 'change' AND (hashint + position) % 25 = 0)"""),
        )
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for index in wide:
            index.create(conn)
        conn.execute(
            text("""
            UPDATE procedure_runs r SET state = last.step, updated_at = last.at,
                   early = (hashtext(r.id)::bigint & 2147483647) % 10 = 0
            FROM (SELECT DISTINCT ON (run_id) run_id, step, at FROM step_events ORDER BY run_id, id DESC) last
            WHERE r.id = last.run_id AND r.id LIKE 'bench%'""")
        )
    print(f"made {runs:,} runs and their step events in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    from services import step_summary
    from services.transaction import transaction

    with transaction() as session:  # what `python -m casework insight rebuild` does
        rows = step_summary.rebuild(session)
    print(f"summed them into {rows:,} step summary rows in {time.perf_counter() - start:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("step_events", "procedure_runs", "step_summary", "step_summary_all_teams"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def run(srs: int, cases: int) -> None:
    from sqlalchemy import func, select

    from casework import migrate
    from db.engine import database_url, engine_for
    from db.models import ProcedureRun, StepEvent, User, step_summary, step_summary_all_teams
    from domain.clock import uk_local, utcnow
    from services import insight, insight_runs
    from services.actor import Actor
    from services.insight import ABANDONED_DAYS, InsightFilter
    from services.transaction import transaction

    url = database_url()
    migrate.upgrade(url)
    engine = engine_for(url)
    if srs:
        build(engine, url, srs, cases)
    with transaction() as session:
        leader = session.scalar(
            select(User).where(User.role == "team_leader", User.username.like("gen%")).order_by(User.id).limit(1)
        )
        policy = session.scalar(select(User).where(User.role == "policy"))
        assert leader is not None
        if policy is None:  # the generated set has no policy user: add one (no password: nobody signs in)
            policy = User(username="bench.policy", display_name="Bench Policy", role="policy")
            session.add(policy)
            session.flush()
        leader_actor, policy_actor = Actor.of(leader), Actor.of(policy)
        events = session.scalar(select(func.count()).select_from(StepEvent))
        runs = session.scalar(select(func.count()).select_from(ProcedureRun))
        team_events = session.scalar(select(func.count()).where(StepEvent.team_id == leader.team_id))
        summary_rows = session.scalar(select(func.count()).select_from(step_summary)) or 0
        all_teams_rows = session.scalar(select(func.count()).select_from(step_summary_all_teams)) or 0
    today = uk_local(utcnow()).date()
    year = InsightFilter(since=today - timedelta(days=364))
    lo, hi = InsightFilter().window(today)
    year_lo, _ = year.window(today)
    stale = insight._start_of(today - timedelta(days=ABANDONED_DAYS - 1))
    figures = insight.insight(leader_actor, today=today)
    slow = figures.slowest(1)[0]
    params = {"lo": lo, "hi": hi, "team": leader_actor.team_id, "stale": min(stale, hi)}
    params |= {"first_day": uk_local(lo).date(), "last_day": uk_local(hi).date() - timedelta(days=1)}
    params |= {"procedure": slow.procedure_id, "step": slow.step}

    def hand(*sqls: str, **extra: Any) -> Callable[[], Any]:
        def go() -> Any:
            with engine.connect() as conn:
                return [conn.exec_driver_sql(sql, params | extra).all() for sql in sqls]

        return go

    team = "AND team_id = %(team)s"
    early_left = HAND_LEFT.format(team="AND early")
    year_days = {"lo": year_lo, "first_day": uk_local(year_lo).date()}
    # (question, the service, hand SQL over the events, hand SQL over the summary or None). The team leader's
    # figures read the events (they meet the goal, and the runs behind a bar are listed from them); policy's read
    # the summary: its baseline is both the hand SQL over the events (what it replaced) and over the summary.
    cases_ = [
        (
            "team leader: whole page's figures, 90 days",
            lambda: insight.insight(leader_actor, today=today),
            hand(HAND_FIGURES.format(team=team), HAND_LEFT.format(team=team)),
            None,
        ),
        (
            "policy: all teams' figures, 90 days",
            lambda: insight.insight(policy_actor, today=today),
            hand(HAND_FIGURES.format(team=""), HAND_LEFT.format(team="")),
            hand(HAND_SUMMARY.format(table="step_summary_all_teams", team=""), HAND_LEFT.format(team="")),
        ),
        (
            "policy: one team's figures, 90 days",
            lambda: insight.insight(policy_actor, InsightFilter(team_id=leader_actor.team_id), today=today),
            hand(HAND_FIGURES.format(team=team), HAND_LEFT.format(team=team)),
            hand(HAND_SUMMARY.format(table="step_summary", team=team), HAND_LEFT.format(team=team)),
        ),
        (
            "policy: all teams, first 10 runs, 90 days",
            lambda: insight.insight(policy_actor, InsightFilter(experience="early"), today=today),
            hand(HAND_FIGURES.format(team="AND early"), early_left),
            hand(HAND_SUMMARY.format(table="step_summary_all_teams", team="AND early"), early_left),
        ),
        (
            "policy: all teams' figures, one year",
            lambda: insight.insight(policy_actor, year, today=today),
            hand(HAND_FIGURES.format(team=""), HAND_LEFT.format(team=""), **year_days),
            hand(HAND_SUMMARY.format(table="step_summary_all_teams", team=""), HAND_LEFT.format(team=""), **year_days),
        ),
        (
            "team leader: runs behind the slowest step",
            lambda: insight_runs.runs_behind(leader_actor, slow.procedure_id, slow.step, "time", today=today),
            hand(HAND_SLOWEST),
            None,
        ),
    ]
    print(
        f"\n{runs:,} runs, {events:,} step events ({team_events:,} of team {leader_actor.team_id}), "
        f"summary rows: {summary_rows:,} per team, {all_teams_rows:,} all teams\n"
        f"median of {REPEAT} runs each, PostgreSQL, load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"{'question':<44} {'service ms':>10} {'events SQL':>11} {'summary SQL':>12} {'ratio':>6}")
    for name, service, baseline, summed in cases_:
        same_answer(name, service(), baseline(), summed() if summed else None)
        timed = medians_ms(service, baseline, *([summed] if summed else []))
        svc, raw = timed[0], timed[1]
        over_summary = f"{timed[2]:>12.1f}" if summed else f"{'':>12}"
        print(f"{name:<44} {svc:>10.1f} {raw:>11.1f} {over_summary} {svc / raw:>6.2f}")
    # Where policy's all-teams time goes: its two statements by hand, each alone, and their plans.
    summary_sql, left_sql = HAND_SUMMARY.format(table="step_summary_all_teams", team=""), HAND_LEFT.format(team="")
    alone = medians_ms(hand(summary_sql), hand(left_sql))
    print(
        f"policy, all teams, 90 days: the summary statement alone {alone[0]:.1f} ms, runs left there {alone[1]:.1f} ms"
    )
    with engine.connect() as conn:
        for sql in (summary_sql, left_sql):
            plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)]
            print(
                "\n".join("    " + line for line in plan if "Scan" in line or "Execution" in line or "Buffers" in line)
            )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def same_answer(name: str, service: Any, hand: list[list[Any]], summed: list[list[Any]] | None) -> None:
    """Refuse to time answers that differ: the same runs reached per step (from the events, and from the summary
    when there is one), the same runs listed."""
    if isinstance(service, list):
        ok = [r.run_id for r in service] == [row[0] for row in hand[0]]
    else:
        reached = {(s.procedure_id, s.step): s.reached for p in service.procedures for s in p.steps}
        by_hand = {(row[0], row[1]): row[3] for row in hand[0] if row[2] is None}
        suppressed = service.suppressed
        ok = all(reached.get(k) == (None if suppressed and v < 5 else v) for k, v in by_hand.items())
        if summed is not None:
            from_summary: dict[tuple[str, str], int] = {}
            for row in summed[0]:
                if row[2] == "":
                    from_summary[(row[0], row[1])] = int(row[3])
            ok = ok and {k: v for k, v in from_summary.items() if v} == {k: v for k, v in by_hand.items() if v}
    if not ok:
        raise SystemExit(f"{name}: the service and the hand-written SQL answer differently")


if __name__ == "__main__":
    main()
