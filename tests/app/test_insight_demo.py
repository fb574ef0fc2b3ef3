"""A fresh `make run` shows figures on the Insight page: `demo setup` works demo runs through the real run API
(their history back-dated), so policy staff and the team leader both see steps with counts and times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from casework.cli import app
from db.models import ProcedureRun, StepEvent, step_summary_all_teams
from domain.clock import utcnow
from services import step_summary
from services.transaction import transaction
from tests.app.helpers import app_as, texts


@pytest.fixture
def fresh_db(sqlite_templates, sqlite_home, monkeypatch):
    """A migrated, empty SQLite database, as `make run` finds it the first time."""
    from tests.conftest import _sqlite_copy

    return _sqlite_copy(sqlite_templates["empty"], sqlite_home, monkeypatch)


def _figures(at) -> object:
    return next(df.value for df in at.dataframe if "Reached" in df.value.columns)


def test_demo_setup_gives_the_insight_page_figures_for_policy_and_the_team_leader(fresh_db, actor_for):
    result = CliRunner().invoke(app, ["demo", "setup", "--port", "8599"])
    assert result.exit_code == 0, result.output
    assert "Worked 26 demo procedure runs" in result.output

    with transaction() as session:
        runs = session.scalar(select(func.count()).select_from(ProcedureRun))
        kinds = dict(session.execute(select(StepEvent.kind, func.count()).group_by(StepEvent.kind)).all())
        oldest, newest = session.execute(select(func.min(StepEvent.at), func.max(StepEvent.at))).one()
        summed = session.scalar(select(func.sum(step_summary_all_teams.c.reached)))
        first_views = session.scalar(select(func.count()).where(StepEvent.kind == "view", StepEvent.first))
        rows_before = session.scalar(select(func.count()).select_from(step_summary_all_teams))
    assert runs == 26  # five for each of five teams, and one begun from a complaint SR (demo_runs)
    assert {"view", "submit", "error", "back"} <= set(kinds)  # views, saves, refused answers and Back uses
    assert summed == first_views  # the summary counts each run's first arrival at a step
    assert utcnow() - timedelta(days=80) < oldest < newest < utcnow()  # back-dated into the last 75 days or so
    with transaction() as session:  # the summary the hook kept equals one rebuilt from the events
        step_summary.rebuild(session)
        assert session.scalar(select(func.sum(step_summary_all_teams.c.reached))) == summed
        assert session.scalar(select(func.count()).select_from(step_summary_all_teams)) == rows_before

    leader = app_as(actor_for("teamleader")).run()
    leader.switch_page("pages/insight.py").run()
    assert not leader.exception
    table = _figures(leader)
    assert table["Reached"].max() >= 5  # the team's five runs reached the first step
    assert leader.get("arrow_vega_lite_chart") or leader.get("vega_lite_chart"), "the funnel is drawn"

    policy = app_as(actor_for("policy")).run()
    policy.switch_page("pages/insight.py").run()
    assert not policy.exception
    table = _figures(policy)
    assert table["Reached"].max() >= 25  # every team's runs reached the first step: shown, not suppressed
    assert table["Median time"].astype(bool).sum() >= 3  # times shown for the steps saved 5 times or more
    assert "counts below 5 are not shown" in texts(policy)
