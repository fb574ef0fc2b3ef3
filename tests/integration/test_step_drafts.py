"""A step asked over several pages keeps its earlier pages' answers on the run (services/step_drafts.py): a
reload mid-step resumes where the caseworker was, on SQLite and PostgreSQL, without making their tab stale."""

import pytest

from services import run_context, run_start, runs
from services.errors import ConflictError
from tests.procedures.walk import Walk, find_case


def start(actor):
    view = run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))
    return view, {"_checklist": list(view.step.checklist)}


def test_a_page_continue_keeps_the_answers_so_far_without_moving_the_run_on(demo_db, actor_for):
    me = actor_for("caseworker")
    view, ticked = start(me)
    answers = {**ticked, "query_reason": "Complaint"}
    assert runs.check_page(me, view.run_id, answers, ("query_reason",), expected_version=view.version, next_page=2)

    again = run_context.view_run(me, view.run_id)
    assert again.version == view.version  # the tab that wrote it is still current
    assert again.draft is not None
    assert again.draft.page == 2
    assert again.draft.answers == answers


def test_a_draft_is_ignored_once_the_step_is_saved_and_on_a_back_to_it(demo_db, actor_for):
    """Back to a saved step shows its saved answers, never the draft written before they were saved."""
    me = actor_for("caseworker")
    walk = Walk(me, "P1", find_case(me, financial_transition_complete=True))
    walk.answer(query_reason="Complaint", query_summary="Arrears 2010", financial_transition_complete=True)
    assert walk.step == "search_legacy"
    ticked = {"_checklist": list(walk.view.step.checklist)}
    early = {**ticked, "information_found": True, "findings": "A 2011 schedule"}
    runs.check_page(
        me, walk.view.run_id, early, ("information_found",), expected_version=walk.view.version, next_page=1
    )
    saved = walk.answer(information_found=False)
    assert saved.step.id != "search_legacy"
    assert saved.draft is None
    back = runs.go_back(me, walk.view.run_id, expected_version=saved.version)
    assert back.step.id == "search_legacy"
    assert back.draft is None
    assert {f.name: f.value for f in back.step.fields}["information_found"] is False


def test_a_draft_from_a_stale_tab_is_refused_and_writes_nothing(demo_db, actor_for):
    me = actor_for("caseworker")
    view, ticked = start(me)
    runs.check_page(
        me,
        view.run_id,
        {**ticked, "query_reason": "Complaint"},
        ("query_reason",),
        expected_version=view.version,
        next_page=2,
    )
    other_tab = view.version
    runs.submit_step(
        me,
        view.run_id,
        {**ticked, "query_reason": "Complaint", "query_summary": "Arrears", "financial_transition_complete": True},
        expected_version=view.version,
    )
    with pytest.raises(ConflictError):
        runs.check_page(
            me,
            view.run_id,
            {**ticked, "query_reason": "Appeal"},
            ("query_reason",),
            expected_version=other_tab,
            next_page=2,
        )
    from db.models import ProcedureRun
    from services.transaction import transaction

    with transaction() as session:
        kept = session.get(ProcedureRun, view.run_id).draft
    assert kept["answers"]["query_reason"] == "Complaint"  # the refused page wrote nothing over it


def test_a_check_without_a_next_page_keeps_nothing(demo_db, actor_for):
    me = actor_for("caseworker")
    view, ticked = start(me)
    runs.check_page(
        me, view.run_id, {**ticked, "query_reason": "Complaint"}, ("query_reason",), expected_version=view.version
    )
    assert run_context.view_run(me, view.run_id).draft is None
