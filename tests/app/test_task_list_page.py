"""The wizard shows a long procedure's task list above the step, and none for a short procedure."""

from __future__ import annotations

from services import run_start
from tests.app.helpers import texts
from tests.app.test_wizard import open_wizard
from tests.procedures.test_p5e import refer, start
from tests.procedures.walk import find_case


def test_p5e_shows_its_task_list_with_the_run_waiting_for_vsat(sqlite_demo_db, actor_for):
    walk, _case_id, _sr_id = start(actor_for("ssst.caseworker"))
    refer(walk)
    at = open_wizard(walk.actor, walk.view.run_id)
    shown = texts(at)
    assert "| Task | Status |" in shown
    assert "| Check the case and refer the visit | Done |" in shown
    assert "| **VSAT's decision** | **Waiting for VSAT** |" in shown
    assert "| The visit | Not started |" in shown
    assert "Record VSAT's decision" in [h.value for h in at.title]  # one page: the step's title is its question


def test_p1_keeps_its_progress_line_and_has_no_task_list(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    assert "| Task | Status |" not in texts(at)
    assert "Step 1 of about" in at.get("progress")[0].proto.text
