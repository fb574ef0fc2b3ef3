"""The Insight figures (issue 19) from known step events: median and 90th percentile, suppression below 5 for
policy staff, the experience split, the team and period filters, runs left at a step, the runs behind a figure,
and who is refused."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Case, ProcedureRun, StepEvent, Team, User
from domain import time_histogram
from services import insight, insight_runs, step_summary
from services.errors import PermissionDenied
from services.insight import InsightFilter
from services.transaction import transaction

TODAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # ten days before TODAY: inside the default 90 days


def make_runs(username: str, count: int, *, state: str = "search_legacy", updated: datetime = NOON) -> list[str]:
    """`count` in-progress P1 runs started by `username` on a case of their team (arranged, not walked)."""
    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        assert user.team_id is not None
        case_id = session.scalar(select(Case.id).where(Case.team_id == user.team_id).order_by(Case.id))
        rows = [
            ProcedureRun(
                procedure_id="P1", procedure_version="1", state=state, case_id=case_id, team_id=user.team_id,
                started_by_id=user.id, history=[state], answers={}, sr_refs={}, recheck=[],
                created_at=updated, updated_at=updated, early=False,
            )
            for _ in range(count)
        ]  # fmt: skip
        session.add_all(rows)
        session.flush()
        for row in rows:  # updated_at is set on every flush; put it back where the arrangement wants it
            row.updated_at = updated
        return [r.id for r in rows]


def add_events(run_ids: list[str], step: str, kind: str, *, at: datetime = NOON, early: bool = False, **values):
    """Events as the recording writes them: with their counts added to the summary in the same transaction."""
    first = values.pop("first", False)
    with transaction() as session:
        added = []
        for run_id in run_ids:
            run = session.get_one(ProcedureRun, run_id)
            added.append(
                StepEvent(
                    run_id=run_id, procedure_id="P1", step=step, kind=kind, team_id=run.team_id,
                    user_id=run.started_by_id, early=early, at=at, first=first, **values,
                )
            )  # fmt: skip
        session.add_all(added)
        step_summary.add(session, added)


def p1_step(result: insight.Insight, step: str) -> insight.StepFigures:
    (p1,) = [p for p in result.procedures if p.procedure_id == "P1"]
    return next(s for s in p1.steps if s.step == step)


@pytest.fixture
def known(demo_db):
    """Ten runs of the demo team timed 60 s to 600 s at one step, errors, Back, runs left, another team's runs."""
    mine = make_runs("caseworker", 10)
    add_events(mine, "search_legacy", "view", first=True)
    for i, run_id in enumerate(mine, start=1):
        add_events([run_id], "search_legacy", "submit", working_seconds=60 * i, early=i <= 4)
    add_events(mine[:6], "search_legacy", "error", field="information_found")
    add_events(mine[:3], "search_legacy", "error", field="_checklist")
    add_events(mine[:2], "search_legacy", "back")
    add_events(mine[:1], "search_legacy", "view", first=True, at=NOON - timedelta(days=200))  # outside the period
    left = make_runs("caseworker", 6, state="call_csa_caseworker", updated=NOON - timedelta(days=40))
    add_events(left, "call_csa_caseworker", "view", first=True, at=NOON - timedelta(days=40))
    theirs = make_runs("ssst.caseworker", 7)
    add_events(theirs, "search_legacy", "view", first=True)
    add_events(theirs, "search_legacy", "submit", working_seconds=10_000)
    return {"mine": mine, "left": left, "theirs": theirs}


def test_team_leader_sees_their_team_median_p90_errors_back_and_runs_left(known, actor_for):
    result = insight.insight(actor_for("teamleader"), today=TODAY)
    step = p1_step(result, "search_legacy")
    assert step.title == "Search the legacy systems"  # the wizard's words, never the state id
    assert (step.reached, step.timed) == (10, 10)
    assert step.median_seconds == pytest.approx(330.0)  # 60..600 s: halfway between 300 and 360
    assert step.p90_seconds == pytest.approx(546.0)  # rank 8.1: 540 + 0.1 x 60
    assert step.errors == 9
    assert [(f.label, f.count) for f in step.errors_by_field][1] == ("The checklist (confirming what was done)", 3)
    assert step.back == 2
    assert p1_step(result, "call_csa_caseworker").abandoned == 6
    assert not result.suppressed


def test_policy_sees_all_teams_with_counts_below_five_suppressed(known, actor_for):
    result = insight.insight(actor_for("policy"), today=TODAY)
    step = p1_step(result, "search_legacy")
    assert step.reached == 17  # both teams
    assert step.errors_by_field[0].count == 6
    assert step.errors_by_field[1].count is None  # 3: fewer than 5
    assert step.back is None  # 2
    assert p1_step(result, "call_csa_caseworker").abandoned == 6
    assert result.suppressed
    early = p1_step(
        insight.insight(actor_for("policy"), InsightFilter(experience="early"), today=TODAY), "search_legacy"
    )
    assert early.timed is None
    assert early.median_seconds is None


def test_experience_split_first_ten_runs_against_later(known, actor_for):
    leader = actor_for("teamleader")
    early = p1_step(insight.insight(leader, InsightFilter(experience="early"), today=TODAY), "search_legacy")
    later = p1_step(insight.insight(leader, InsightFilter(experience="later"), today=TODAY), "search_legacy")
    assert (early.timed, early.median_seconds) == (4, pytest.approx(150.0))  # 60, 120, 180, 240
    assert (later.timed, later.median_seconds) == (6, pytest.approx(450.0))  # 300 .. 600
    # Runs left there count by their starter's experience (kept on the run): the six left runs are later runs.
    left = "call_csa_caseworker"
    assert p1_step(insight.insight(leader, InsightFilter(experience="later"), today=TODAY), left).abandoned == 6
    with pytest.raises(StopIteration):  # no early run was left there (and nothing else happened at that step)
        p1_step(insight.insight(leader, InsightFilter(experience="early"), today=TODAY), left)


def test_team_and_period_filters(known, actor_for):
    policy = actor_for("policy")
    with transaction() as session:
        ssst = session.scalar(select(Team.id).where(Team.name == "Specialist Services Support Team"))
    theirs = p1_step(insight.insight(policy, InsightFilter(team_id=ssst), today=TODAY), "search_legacy")
    # policy's times are read off the summary's histogram: within its stated error of the exact 10,000 s
    assert (theirs.reached, theirs.median_seconds) == (7, pytest.approx(10_000.0, rel=time_histogram.RELATIVE_ERROR))
    assert theirs.median_seconds != 10_000.0  # (and so not read off the events)
    old = InsightFilter(since=TODAY - timedelta(days=365), until=TODAY - timedelta(days=100))
    result = insight.insight(actor_for("teamleader"), old, today=TODAY)
    assert p1_step(result, "search_legacy").reached == 1  # only the view 200 days back


def test_the_runs_behind_a_figure_are_the_team_leaders_own(known, actor_for):
    leader = actor_for("teamleader")
    slowest = insight_runs.runs_behind(leader, "P1", "search_legacy", "time", today=TODAY)
    assert [r.run_id for r in slowest] == list(reversed(known["mine"]))  # slowest first, no other team's run
    assert slowest[0].working_seconds == 600
    refused = insight_runs.runs_behind(leader, "P1", "search_legacy", "errors", today=TODAY)
    assert {r.run_id for r in refused} == set(known["mine"][:6])
    assert all(r.scin for r in refused)
    left = insight_runs.runs_behind(leader, "P1", "call_csa_caseworker", "abandoned", today=TODAY)
    assert {r.run_id for r in left} == set(known["left"])


@pytest.mark.parametrize("username", ["caseworker", "admin"])
def test_other_roles_are_refused(known, actor_for, username):
    with pytest.raises(PermissionDenied):
        insight.insight(actor_for(username), today=TODAY)


def test_policy_never_gets_runs_and_a_team_leader_never_another_team(known, actor_for):
    with pytest.raises(PermissionDenied):
        insight_runs.runs_behind(actor_for("policy"), "P1", "search_legacy", "time", today=TODAY)
    with transaction() as session:
        ssst = session.scalar(select(Team.id).where(Team.name == "Specialist Services Support Team"))
    with pytest.raises(PermissionDenied, match="your own team"):
        insight.insight(actor_for("teamleader"), InsightFilter(team_id=ssst), today=TODAY)
