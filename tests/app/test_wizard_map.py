"""The procedure map: not on the page until asked for, then drawn by step titles with the run's path."""

from sqlalchemy import select

from db.models import Case
from services import run_start, runs
from services.transaction import transaction
from tests.app.helpers import app_as, texts


def test_the_map_is_drawn_only_when_opened_with_step_titles_and_the_path_taken(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == actor.team_id, Case.financial_transition_complete).order_by(Case.id)
        ).first()
    view = run_start.start_run(actor, "P1", case_id=case_id)
    payload = {"query_reason": "Complaint", "query_summary": "x", "financial_transition_complete": True}
    view = runs.submit_step(
        actor, view.run_id, {**payload, "_checklist": list(view.step.checklist)}, expected_version=view.version
    )
    runs.confirm_step(actor, view.run_id, expected_version=view.version)

    at = app_as(actor).run()
    at.query_params["run"] = view.run_id
    at.switch_page("pages/wizard.py").run()
    assert not at.exception
    assert not at.get("graphviz_chart"), "a closed map must not be sent to the browser at all"

    at.toggle(key=f"map:{view.run_id}").set_value(True).run()
    (chart,) = at.get("graphviz_chart")
    dot = chart.proto.spec
    assert "Check where the case is in\\ntransition" in dot
    assert "Search the legacy systems" in dot
    for code_name in ("P1Machine", "proceed", "Proceed", "search_legacy", "query_received", "transition_complete"):
        assert code_name not in dot
    # The path taken (step 1 to step 2) is drawn in green; the step the run is on is blue.
    assert 'step1 -> step2 [tooltip="Check where the case is in\\ntransition to Search the legacy systems", ' in dot
    assert 'color="#00703c", penwidth=2.5]' in dot
    assert 'step2 [label="Search the legacy systems", tooltip="Search the legacy systems", fillcolor="#1d70b8"' in dot
    assert "1. Check where the case is in transition; 2. Search the legacy systems (you are here)" in texts(at)

    at.toggle(key=f"map:{view.run_id}").set_value(False).run()
    assert not at.get("graphviz_chart")
