"""Two people working the same procedure run: the second gets a clear conflict with a reload, never a silent
overwrite; threads racing on PostgreSQL with the same version: exactly one wins and its effects apply once."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Note, ProcedureRun, ServiceRequest
from services import run_context, run_start, runs
from services.audit import verify_chain
from services.errors import ConflictError
from services.transaction import transaction
from tests.crash_worker import run_action, run_script
from tests.integration.test_concurrent_edits import _race
from tests.procedures.walk import find_case


def _answers(view, **overrides):
    return {**run_script()[view.step.id], **overrides, "_checklist": list(view.step.checklist)}


def _start(actor):
    return run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))


def _effects_of(run_id: str) -> dict:
    """What the run has written: its SRs (with notes), audit actions on the run, SRs created on its case."""
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        ids = list(run.sr_refs.values())
        notes = session.scalars(select(Note.text).where(Note.sr_id.in_(ids)).order_by(Note.id)).all()
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == run.id)).all()
        created = session.scalar(
            select(func.count()).where(
                ServiceRequest.case_id == run.case_id, ServiceRequest.created_at >= run.created_at
            )
        )
        return {"refs": dict(run.sr_refs), "notes": list(notes), "actions": Counter(actions), "created": created}


def test_a_stale_wizard_screen_gets_a_conflict_with_a_reload_and_the_first_answers_stay(demo_db, actor_for):
    actor = actor_for("caseworker")
    first = _start(actor)
    second = run_context.view_run(actor, first.run_id)  # the same run open in another tab or by a colleague
    assert second.version == first.version

    saved = runs.submit_step(
        actor, first.run_id, _answers(first, query_summary="First screen"), expected_version=first.version
    )
    assert saved.awaiting_confirmation

    with pytest.raises(ConflictError, match="Reload to see the change") as info:
        runs.submit_step(
            actor, first.run_id, _answers(second, query_summary="Second screen"), expected_version=second.version
        )
    assert (info.value.seen, info.value.saved) == (second.version, saved.version)
    assert "version" not in info.value.message  # a row version means nothing to a user
    assert "This procedure run" in info.value.message
    reloaded = run_context.view_run(actor, first.run_id)
    assert reloaded.version == saved.version
    assert reloaded.awaiting_confirmation
    assert any(row.value == "First screen" for row in reloaded.summary)

    # Confirm and Back from the stale screen are refused the same way; nothing is recorded by them.
    with pytest.raises(ConflictError, match="Reload"):
        runs.confirm_step(actor, first.run_id, expected_version=second.version)
    with pytest.raises(ConflictError, match="Reload"):
        runs.go_back(actor, first.run_id, expected_version=second.version)
    assert _effects_of(first.run_id)["refs"] == {}

    # After the reload the second screen carries on from where the run stands.
    confirmed = runs.confirm_step(actor, first.run_id, expected_version=reloaded.version)
    assert confirmed.step.id == "search_legacy"
    effects = _effects_of(first.run_id)
    assert effects["notes"] == ["CSA information required (Complaint): First screen"]
    assert effects["actions"] == Counter({"run.started": 1, "run.answers": 1, "run.step": 1})


def test_a_step_confirmed_in_one_tab_cannot_be_confirmed_again_from_the_other(demo_db, actor_for):
    actor = actor_for("caseworker")
    view = _start(actor)
    view = runs.submit_step(actor, view.run_id, _answers(view), expected_version=view.version)
    runs.confirm_step(actor, view.run_id, expected_version=view.version)
    with pytest.raises(ConflictError, match="Reload"):
        runs.confirm_step(actor, view.run_id, expected_version=view.version)
    effects = _effects_of(view.run_id)
    assert list(effects["refs"]) == ["main"]
    assert effects["created"] == 1
    assert effects["actions"]["run.step"] == 1


def _walk_to(actor, run_id: str, step_id: str):
    view = run_context.view_run(actor, run_id)
    while view.step.id != step_id or view.awaiting_confirmation:
        run_action(actor, run_id)
        view = run_context.view_run(actor, run_id)
    return view


@pytest.mark.postgres
def test_threads_confirming_the_same_step_on_postgresql_create_the_sr_once(pg_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = _start(actor)
    view = runs.submit_step(actor, view.run_id, _answers(view), expected_version=view.version)
    assert view.awaiting_confirmation

    results = _race(8, lambda i: runs.confirm_step(actor, view.run_id, expected_version=view.version))
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in losers), losers
    assert winners[0].step.id == "search_legacy"
    # A wizard action takes the write lock before it reads the run (services.transaction, writes=True): each loser
    # waited for the winner to commit, then read its version and was refused before writing anything. (Before
    # 3 December 2026 some got past the version check and were stopped by the UPDATE's own row-version guard,
    # CONFLICT_MESSAGE; that guard is still there, tested in test_one_row_update.py.)
    assert {r.message for r in losers} == {
        "This procedure run was changed after you opened it, by someone else or by you in another tab or window. "
        "Reload to see the change, then try again."
    }
    assert all((r.seen, r.saved) == (view.version, winners[0].version) for r in losers)

    effects = _effects_of(view.run_id)
    assert list(effects["refs"]) == ["main"]
    assert effects["created"] == 1
    assert effects["notes"] == ["CSA information required (Complaint): Arrears history 2010 to 2012 (crash walk)"]
    assert effects["actions"]["run.step"] == 1
    assert run_context.view_run(actor, view.run_id).version == winners[0].version  # nothing saved after the winner
    with transaction() as session:
        assert verify_chain(session).ok


@pytest.mark.postgres
def test_threads_submitting_the_same_step_on_postgresql_record_one_answer_and_one_note(pg_demo_db, actor_for):
    """'Chase the CSA caseworker' keeps its typed note for check your answers on submit, then writes it and advances
    on confirm (eighth session): each thread answers differently, then each confirms; one of each wins."""
    actor = actor_for("caseworker")
    view = _walk_to(actor, _start(actor).run_id, "chase_update")
    before = _effects_of(view.run_id)

    def submit(i: int):
        answers = _answers(view, update_findings=f"Update from thread {i}")
        return runs.submit_step(actor, view.run_id, answers, expected_version=view.version)

    results = _race(8, submit)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in losers), losers
    (checking,) = winners
    assert (checking.step.id, checking.awaiting_confirmation) == ("chase_update", True)
    assert _effects_of(view.run_id)["notes"] == before["notes"]  # nothing on the SR until confirmed

    results = _race(8, lambda _i: runs.confirm_step(actor, view.run_id, expected_version=checking.version))
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in losers), losers
    assert winners[0].step.id == "consider_segment"

    effects = _effects_of(view.run_id)
    added = effects["notes"][len(before["notes"]) :]
    assert len(added) == 1
    (winner,) = [i for i in range(8) if added[0].endswith(f"Update from thread {i}")]
    assert run_context.view_run(actor, view.run_id).version == winners[0].version  # nothing saved after the winner
    assert effects["actions"]["run.step"] == before["actions"]["run.step"] + 1
    with transaction() as session:
        answer = session.get_one(ProcedureRun, view.run_id).answers["update_findings"]
        assert answer == f"Update from thread {winner}"
        assert verify_chain(session).ok


def test_every_view_the_api_returns_carries_the_version_it_saved_so_the_next_action_is_accepted(demo_db, actor_for):
    # A Change link on the step in hand changes only a flag after the audit event is written; the view must still
    # carry the version that commits, or the caseworker's own next click would be refused as someone else's edit.
    actor = actor_for("caseworker")
    view = _start(actor)
    for _ in range(2):
        view = runs.change_answer(actor, view.run_id, view.step.id, expected_version=view.version)
        assert view.version == run_context.view_run(actor, view.run_id).version
    view = runs.submit_step(actor, view.run_id, _answers(view), expected_version=view.version)
    assert view.awaiting_confirmation
    assert view.version == run_context.view_run(actor, view.run_id).version
