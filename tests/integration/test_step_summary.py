"""The step summary (policy staff's Insight figures, issue 19) always equals the step events summed: kept by the
recording transaction through real walks, by two PostgreSQL connections saving at once, and rebuilt by the
command; percentiles read off its histogram stay within the stated error of the exact ones."""

import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from casework.cli import app
from db.models import Case, ProcedureRun, StepEvent, User, step_summary_all_teams
from db.models import step_summary as step_summary_table
from domain import time_histogram
from services import insight, runs, step_summary
from services.errors import ValidationFailed
from services.insight import InsightFilter, _percentile
from services.transaction import transaction
from tests.integration.test_step_events import answers, start, submit


def summary_rows() -> dict[tuple, tuple]:
    """The per-team table, after checking the all-teams table is exactly its roll-up."""
    with transaction() as session:
        team = {tuple(r[:6]): tuple(r[6:]) for r in session.execute(select(step_summary_table))}
        everyone = {tuple(r[:5]): tuple(r[5:]) for r in session.execute(select(step_summary_all_teams))}
    rolled: dict[tuple, list[int]] = {}
    for (day, _team, *rest), counts in team.items():
        total = rolled.setdefault((day, *rest), [0] * len(counts))
        for i, n in enumerate(counts):
            total[i] += n
    assert everyone == {k: tuple(v) for k, v in rolled.items()}
    return team


def from_events() -> dict[tuple, tuple]:
    with transaction() as session:
        rows = step_summary.summed(session.scalars(select(StepEvent)))
    return {key: tuple(c) for key, c in rows.items()}


def walk(actor) -> str:
    """A run walked through the real API: a refused save, two saves, Back, a save again, Change."""
    view = start(actor)
    with pytest.raises(ValidationFailed):  # the refusal is recorded after the save rolled back
        runs.submit_step(actor, view.run_id, {"_checklist": []}, expected_version=view.version)
    view = submit(actor, view)
    view = submit(actor, view)
    view = runs.go_back(actor, view.run_id, expected_version=view.version)
    view = submit(actor, view)
    return view.run_id


def test_the_histograms_bounds_keep_the_stated_error():
    widest = max(time_histogram.BOUNDS[i] / time_histogram.BOUNDS[i - 1] for i in range(1, len(time_histogram.BOUNDS)))
    assert widest**0.5 - 1 <= time_histogram.RELATIVE_ERROR
    assert time_histogram.bucket(59) == 0
    assert time_histogram.bucket(60) == 1
    assert time_histogram.bucket(10**9) == len(time_histogram.BOUNDS)


@pytest.mark.parametrize("seed", range(40))
def test_percentiles_from_the_histogram_are_within_the_stated_error_of_the_exact_ones(seed):
    rnd = random.Random(seed)
    count = rnd.randint(1, 400)
    top = time_histogram.BOUNDS[-1] - 1
    values = [min(top, int(10 ** rnd.uniform(0, 6))) for _ in range(count)]  # 1 s to 11 days, log-spread
    histogram = [0] * time_histogram.BUCKETS
    for v in values:
        histogram[time_histogram.bucket(v)] += 1
    for q in (0.5, 0.9):
        exact = _percentile([float(v) for v in values], q)
        assert exact is not None
        estimate = time_histogram.percentile(histogram, q)
        assert estimate is not None
        assert abs(estimate - exact) <= time_histogram.RELATIVE_ERROR * exact + time_histogram.ABSOLUTE_ERROR


def test_real_walks_keep_the_summary_equal_to_the_events_and_rebuild_gives_the_same(demo_db, actor_for):
    me = actor_for("caseworker")
    for _ in range(3):
        walk(me)
    view = start(me)
    view = runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    runs.change_answer(me, view.run_id, "query_received", expected_version=view.version)
    kept = summary_rows()
    assert kept == from_events()
    assert sum(sum(c[5:]) for c in kept.values()) == sum(c[1] for c in kept.values()) > 0  # timed, in buckets
    assert any(k[4] != step_summary.NO_FIELD for k in kept)  # refused questions have their rows
    assert any(c[3] for c in kept.values())
    assert any(c[4] for c in kept.values())

    with transaction() as session:
        session.execute(delete(step_summary_table))
        session.execute(delete(step_summary_all_teams))
    assert summary_rows() == {}
    result = CliRunner().invoke(app, ["insight", "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"{len(kept)} rows" in result.output
    assert summary_rows() == kept


def test_a_save_that_fails_adds_nothing_to_the_summary(demo_db, actor_for, monkeypatch):
    me = actor_for("caseworker")
    view = start(me)
    before = summary_rows()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(runs, "run_view", broken)
        runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    assert summary_rows() == before == from_events()


TODAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_policys_figures_from_the_summary_match_the_events(demo_db, actor_for):
    """Counts equal the events' exactly; median and 90th percentile within the stated error of percentile_cont."""
    rnd = random.Random(7)
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == "caseworker"))
        assert user is not None
        assert user.team_id is not None
        case_id = session.scalar(select(Case.id).where(Case.team_id == user.team_id).order_by(Case.id))
        run = ProcedureRun(
            procedure_id="P1", procedure_version="1", state="search_legacy", case_id=case_id, team_id=user.team_id,
            started_by_id=user.id, history=["search_legacy"], answers={}, sr_refs={}, recheck=[],
        )  # fmt: skip
        session.add(run)
        session.flush()
        added = []
        for i in range(137):
            common = dict(run_id=run.id, procedure_id="P1", team_id=user.team_id, user_id=user.id, early=i % 3 == 0)
            at = NOON - timedelta(days=i % 60, hours=i % 7)
            seconds = int(10 ** rnd.uniform(1, 5.5))
            added += [
                StepEvent(step="search_legacy", kind="view", first=True, at=at, **common),
                StepEvent(step="search_legacy", kind="submit", working_seconds=seconds, at=at, **common),
            ]
            if i % 4 == 0:
                added.append(StepEvent(step="search_legacy", kind="error", field="information_found", at=at, **common))
            if i % 9 == 0:
                added.append(StepEvent(step="search_legacy", kind="back", at=at, **common))
        session.add_all(added)
        step_summary.add(session, added)
        team_id = user.team_id
    policy, leader = actor_for("policy"), actor_for("teamleader")
    for experience in (None, "early", "later"):
        chosen = InsightFilter(team_id=team_id, experience=experience)  # type: ignore[arg-type]
        theirs = insight.insight(policy, chosen, today=TODAY)
        exact = insight.insight(leader, InsightFilter(experience=experience), today=TODAY)  # type: ignore[arg-type]
        a = next(s for p in theirs.procedures for s in p.steps if s.step == "search_legacy")
        b = next(s for p in exact.procedures for s in p.steps if s.step == "search_legacy")
        counts = (b.reached, b.timed, b.errors, b.back)
        assert (a.reached, a.timed, a.errors, a.back) == tuple(None if n < 5 else n for n in counts)  # type: ignore
        assert a.reached is not None
        assert a.reached >= 45
        for estimate, true in ((a.median_seconds, b.median_seconds), (a.p90_seconds, b.p90_seconds)):
            assert estimate is not None
            assert true is not None
            assert abs(estimate - true) <= time_histogram.RELATIVE_ERROR * true + time_histogram.ABSOLUTE_ERROR
    with transaction() as session:  # the summary moved by hand: policy's figures follow it, not the events
        for table in (step_summary_table, step_summary_all_teams):
            session.execute(update(table).where(table.c.reached > 0).values(reached=table.c.reached + 1))
    moved = insight.insight(policy, InsightFilter(team_id=team_id), today=TODAY)
    step = next(s for p in moved.procedures for s in p.steps if s.step == "search_legacy")
    assert step.reached is not None
    assert step.reached > a.reached


def test_two_connections_saving_at_once_lose_no_count_on_postgresql(pg_demo_db, actor_for):
    """Two threads walk runs of one procedure for one team, each save released together by a barrier, so both
    transactions increment the same summary rows at once; afterwards the summary equals the events."""
    me = actor_for("caseworker")
    threads, walks = 2, 4
    views = [[start(me) for _ in range(walks)] for _ in range(threads)]
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work(mine: list) -> None:
        try:
            for view in mine:
                for _ in range(2):
                    barrier.wait(timeout=60)
                    view = submit(me, view)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
            barrier.abort()

    workers = [threading.Thread(target=work, args=(views[i],)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert not failures, failures
    kept = summary_rows()
    assert kept == from_events()
    assert sum(c[1] for k, c in kept.items() if k[2] == "P1" and k[3] == "query_received") >= threads * walks
