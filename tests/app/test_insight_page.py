"""AppTest: the Insight page draws a team leader's funnel from real runs and lists the runs behind a figure;
policy staff see the figures with nobody named; a caseworker is refused."""

from __future__ import annotations

from services import run_start, runs
from tests.app.helpers import app_as, texts
from tests.crash_worker import run_script
from tests.procedures.walk import find_case


def _walk_two_steps(actor) -> str:
    """A caseworker's P1 run, saved twice (the first step creates its SR), as the wizard would."""
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    for _ in range(2):
        answers = {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}
        view = runs.submit_step(actor, view.run_id, answers, expected_version=view.version)
        if view.awaiting_confirmation:
            view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    return view.run_id


def _insight(actor):
    at = app_as(actor).run()
    at.switch_page("pages/insight.py").run()
    assert not at.exception
    return at


def test_a_team_leader_sees_the_funnel_and_opens_the_runs_behind_a_figure(sqlite_demo_db, actor_for):
    _walk_two_steps(actor_for("caseworker"))
    at = _insight(actor_for("teamleader"))
    shown = texts(at)
    assert "P1 CSA Information Required - Contact Caseworker" in shown or "P1 " in shown
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the funnel is drawn"
    table = next(df.value for df in at.dataframe if "Reached" in df.value.columns)
    assert "1. Check where the case is in transition" in list(table["Step"])  # titles, never state ids
    assert "query_received" not in shown
    chooser = at.selectbox(key="behind_P1_None")
    option = next(o for o in chooser.options if o.startswith("2. Search the legacy systems") and "Reached" in o)
    chooser.select(option).run()
    assert not at.exception
    assert "Runs behind" in texts(at)
    links = [e for e in at.get("page_link") if e.proto.label.startswith("SR 1-")]
    assert len(links) == 1
    assert "case " in links[0].proto.label


def test_policy_sees_figures_without_names_or_runs(sqlite_demo_db, actor_for):
    worker = actor_for("caseworker")
    _walk_two_steps(worker)
    at = _insight(actor_for("policy"))
    shown = texts(at)
    assert "counts below 5 are not shown" in shown
    assert worker.display_name not in shown
    assert not [s for s in at.selectbox if s.label == "See the runs behind a figure"]
    shown_table = next(df for df in at.dataframe if "Reached" in df.value.columns)
    assert shown_table.value["Reached"].isna().all()  # one run: below 5, not shown
    # ... as an empty cell, as the caption says, not the word "None" (unset, Streamlit writes "None")
    assert shown_table.proto.HasField("placeholder")
    assert shown_table.proto.placeholder == ""


def test_a_caseworker_opening_insight_is_refused(sqlite_demo_db, actor_for):
    """Not in a caseworker's navigation; the page itself refuses too (the file run directly, as a bookmark can)."""
    from streamlit.testing.v1 import AppTest

    from tests.app.helpers import ROOT

    at = AppTest.from_file(str(ROOT / "pages" / "insight.py"), default_timeout=30)
    at.session_state["actor"] = actor_for("caseworker")
    at.run()
    assert "You do not have access to that page." in texts(at)
    assert "Runs that reached" not in texts(at)
    assert not at.dataframe


def test_the_runs_behind_answers_refused_say_they_count_runs_not_answers(sqlite_demo_db, actor_for):
    """QA (7 December 2026, third session): the table said 4 answers were refused at step 1, and the list behind that
    figure was headed "(1)": one run in which four answers were refused. The list now says it counts runs."""
    from services.errors import ValidationFailed

    caseworker = actor_for("caseworker")
    view = run_start.start_run(caseworker, "P1", case_id=find_case(caseworker, financial_transition_complete=True))
    try:
        runs.submit_step(caseworker, view.run_id, {}, expected_version=view.version)  # nothing answered: refused
    except ValidationFailed as exc:
        refused = len(exc.errors)
    assert refused >= 2
    at = _insight(actor_for("teamleader"))
    table = next(df.value for df in at.dataframe if "Reached" in df.value.columns)
    assert int(table["Answers refused"].iloc[0]) == refused
    chooser = at.selectbox(key="behind_P1_None")
    chooser.select(next(o for o in chooser.options if o.startswith("1. ") and "Answers refused" in o)).run()
    assert not at.exception
    shown = texts(at)
    heading = next(m.value for m in at.markdown if m.value.startswith("**Runs behind"))
    assert heading.endswith("Answers refused\u201d** (1 run)"), heading
    assert "The table counts each answer refused; each run is listed once, with the answers refused in it." in shown
