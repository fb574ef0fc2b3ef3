"""Migration codebase1 moves a run's bookkeeping out of its answers into columns, on SQLite and PostgreSQL.

A run saved the old way (its answers JSON holding `_pending`, `_checklist:<step>`, `_changed`, `_cms_saved`,
`_allocated`, or the older `_last_cms`) is resumed after the upgrade exactly where it was.
"""

from typing import Any

import sqlalchemy as sa

from db.engine import engine_for
from services import run_context, run_start
from tests.integration.migrating import migrate_to
from tests.procedures.walk import Walk, find_case, run_row

BEFORE = "codebase1-1"  # the revision before this migration, whatever the chain is re-ordered to
FOUND = "CSCS shows payments to March 2012"
START = {
    "query_reason": "Complaint",
    "query_summary": "Arrears history 2010 to 2012 for the complaint",
    "financial_transition_complete": True,
}
_runs = sa.table("procedure_runs", sa.column("id", sa.String()), sa.column("answers", sa.JSON()))


def _raw_answers(url: str, run_id: str) -> dict[str, Any]:
    with engine_for(url).connect() as conn:
        return dict(conn.execute(sa.select(_runs.c.answers).where(_runs.c.id == run_id)).scalar_one())


def _save_the_old_way(url: str, run_id: str, answers: dict[str, Any]) -> None:
    with engine_for(url).begin() as conn:
        conn.execute(_runs.update().where(_runs.c.id == run_id).values(answers=answers))


def test_a_run_saved_the_old_way_resumes_with_its_bookkeeping_in_columns_and_only_answers_left(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    walk = Walk(caseworker, "P1", find_case(caseworker, financial_transition_complete=True))
    walk.answer(**START)
    walk.answer(information_found=True, findings=FOUND)
    walk.answer()  # record the findings
    walk.answer(confirm=False, segment_move="No move needed")  # closes the SR: waits for "check your answers"
    assert walk.view.awaiting_confirmation
    saved = run_row(walk.view.run_id).cms_saved
    assert saved[0]["step"] == "query_received"
    checklists = {
        "query_received": ["I have the case open in the 2012 system and have read the query"],
        "search_legacy": ["CSCS checked", "CS2 checked", "Clerical case database (CCD) checked"],
        "record_found": [],
        "consider_segment": [],
    }

    migrate_to(demo_db.url, BEFORE)
    answers = {
        **START,
        "information_found": True,
        "findings": FOUND,
        "segment_move": "No move needed",
        "segment_reason": None,  # an optional field left empty
    }
    old_way = {
        **answers,
        **{f"_checklist:{step}": ticked for step, ticked in checklists.items()},
        "_pending": "consider_segment",
        "_cms_saved": saved,
    }
    assert _raw_answers(demo_db.url, walk.view.run_id) == old_way  # the downgrade writes the old shape
    _save_the_old_way(demo_db.url, walk.view.run_id, {**old_way, "_changed": ["query_summary"], "_allocated": ["main"]})

    migrate_to(demo_db.url, "head")
    run = run_row(walk.view.run_id)
    assert run.answers == answers
    assert run.pending_step == "consider_segment"
    assert run.checklists == checklists
    assert run.changed_answers == ["query_summary"]
    assert run.cms_saved == saved
    assert run.allocated_refs == ["main"]
    view = run_context.view_run(caseworker, walk.view.run_id)
    assert view.awaiting_confirmation
    assert "No move needed" in {row.value for row in view.summary}
    assert [item.step_title for item in view.cms_saved] == [s["title"] for s in saved]
    walk.view = view
    walk.confirm()
    assert walk.view.status == "finished"
    assert walk.outcome().srs["main"].resolution_code == "Information Provided"


def test_the_older_last_cms_lines_become_the_runs_one_saved_step_none_ticked(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    view = run_start.start_run(caseworker, "P1", case_id=find_case(caseworker, financial_transition_complete=True))
    migrate_to(demo_db.url, BEFORE)
    _save_the_old_way(
        demo_db.url,
        view.run_id,
        {
            "query_reason": "Appeal",
            "_last_cms": ["Create an SR: Transition / CSA Information / Information Request", "Add an SR note"],
            "_last_cms_step": "Check where the case is in transition",
        },
    )
    migrate_to(demo_db.url, "head")
    run = run_row(view.run_id)
    assert run.answers == {"query_reason": "Appeal"}
    [shown] = run_context.view_run(caseworker, view.run_id).cms_saved
    assert shown.step_title == "Check where the case is in transition"
    assert [line.text for line in shown.lines] == [
        "Create an SR: Transition / CSA Information / Information Request",
        "Add an SR note",
    ]
    assert shown.done == ()
