"""Step events (issue 19) are recorded with each real step, in its transaction: a caseworker's walk leaves what
the Insight page counts, a save that fails leaves nothing, and a practice run leaves nothing at all."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.engine import database_url, engine_for
from db.models import ProcedureRun, StepEvent
from domain.working_time import working_seconds
from services import run_context, run_start, runs
from services.errors import ConflictError, ValidationFailed
from services.transaction import transaction
from tests.crash_worker import run_script
from tests.procedures.walk import find_case
from tests.sent_statements import sent_statements


def events(run_id: str, *more: Any) -> list[tuple[Any, ...]]:
    """The run's events in order: step, kind, field, first, then the `more` columns asked for."""
    with transaction() as session:
        rows = session.execute(
            select(StepEvent.step, StepEvent.kind, StepEvent.field, StepEvent.first, *more)
            .where(StepEvent.run_id == run_id)
            .order_by(StepEvent.id)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def count_events() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(StepEvent)) or 0


def answers(view, **overrides):
    return {**run_script()[view.step.id], **overrides, "_checklist": list(view.step.checklist)}


def submit(actor, view, **overrides):
    view = runs.submit_step(actor, view.run_id, answers(view, **overrides), expected_version=view.version)
    if view.awaiting_confirmation:
        view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    return view


def start(actor):
    return run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))


def test_a_walk_records_each_view_save_refused_field_back_and_change(demo_db, actor_for):
    """A caseworker starts P1, leaves two questions blank, saves, goes back, saves again: each is recorded."""
    me = actor_for("caseworker")
    view = start(me)
    assert events(view.run_id) == [("query_received", "view", None, True)]

    with pytest.raises(ValidationFailed):
        runs.submit_step(me, view.run_id, {"_checklist": []}, expected_version=view.version)
    refused = [e for e in events(view.run_id) if e[1] == "error"]
    assert {e[2] for e in refused} >= {"query_reason", "_checklist"}
    assert all(e[0] == "query_received" for e in refused)

    view = submit(me, view)  # creates the SR: saved, Back stops before it
    view = submit(me, view)  # search_legacy -> identify_csa_caseworker
    assert view.step.id == "identify_csa_caseworker"
    view = runs.go_back(me, view.run_id, expected_version=view.version)
    view = submit(me, view)  # search_legacy again: the run arrives at identify_csa_caseworker a second time
    recorded = [e for e in events(view.run_id) if e[1] != "error"]
    assert recorded == [
        ("query_received", "view", None, True),
        ("query_received", "submit", None, False),
        ("search_legacy", "view", None, True),
        ("search_legacy", "submit", None, False),
        ("identify_csa_caseworker", "view", None, True),
        ("identify_csa_caseworker", "back", None, False),
        ("search_legacy", "submit", None, False),
        ("identify_csa_caseworker", "view", None, False),  # reached once: not first again
    ]
    with transaction() as session:
        timed = session.execute(
            select(StepEvent.step, StepEvent.working_seconds)
            .where(StepEvent.run_id == view.run_id, StepEvent.kind == "submit")
            .order_by(StepEvent.id)
        ).all()
    # One figure per visit: search_legacy's second save (after Back) adds none.
    assert [s for s, w in timed if w is not None] == ["query_received", "search_legacy"]


def test_change_from_check_your_answers_counts_at_the_step_reopened(demo_db, actor_for):
    me = actor_for("caseworker")
    view = start(me)
    view = runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    assert view.awaiting_confirmation  # "check your answers" before the SR is created
    view = runs.change_answer(me, view.run_id, "query_received", expected_version=view.version)
    assert events(view.run_id)[-1] == ("query_received", "change", None, False)


def test_time_on_a_step_is_working_time_from_its_view_to_its_save(demo_db, actor_for):
    """The view's moment is set back to a known Monday morning; the save's figure is the working time since."""
    me = actor_for("caseworker")
    view = start(me)
    shown_at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, 09:30 in London (GMT)
    with transaction() as session:  # the view's moment, in its event and in the run's record of its visits
        session.execute(update(StepEvent).where(StepEvent.run_id == view.run_id).values(at=shown_at))
        visits = {"query_received": ["view", shown_at.isoformat()]}
        session.execute(update(ProcedureRun).where(ProcedureRun.id == view.run_id).values(step_visits=visits))
        region = session.get_one(ProcedureRun, view.run_id).case.region
    submit(me, view)
    with transaction() as session:
        saved_at, seconds = session.execute(
            select(StepEvent.at, StepEvent.working_seconds).where(
                StepEvent.run_id == view.run_id, StepEvent.kind == "submit"
            )
        ).one()
    assert seconds == working_seconds(shown_at, saved_at, region)
    assert seconds >= 5 * 8 * 3600  # at least the five full working days of the week after


def test_the_events_of_one_save_are_written_alike_with_its_moment(demo_db, actor_for):
    """A save writes the step left and the step arrived at as one statement of two rows: both rows carry the same
    moment, read back as UTC, and their own step, kind and experience band (the second row's values are typed as the
    first's)."""
    me = actor_for("caseworker")
    view = submit(me, start(me))
    with transaction() as session:
        columns = select(StepEvent.step, StepEvent.kind, StepEvent.at, StepEvent.early, StepEvent.first)
        saved = columns.where(StepEvent.run_id == view.run_id, StepEvent.kind != "view", StepEvent.kind != "error")
        shown = columns.where(StepEvent.run_id == view.run_id, StepEvent.kind == "view", StepEvent.step == view.step.id)
        # two reads of one row each: a UNION ALL without ORDER BY promises no order of its rows
        left, kind, saved_at, early, _ = session.execute(saved).one()
        arrived, arrived_kind, shown_at, arrived_early, first = session.execute(shown).one()
    assert (left, kind, arrived, arrived_kind, first) == ("query_received", "submit", view.step.id, "view", True)
    assert saved_at == shown_at
    assert saved_at.utcoffset() == timedelta(0)
    assert early is arrived_early is True


def latest_visits_in_events(run_id: str) -> dict[str, list[str]]:
    """What the run's events say of each step: its latest view or save, as the run row keeps it."""
    with transaction() as session:
        rows = session.execute(
            select(StepEvent.step, StepEvent.kind, StepEvent.at)
            .where(StepEvent.run_id == run_id, StepEvent.kind.in_(["view", "submit"]))
            .order_by(StepEvent.id)
        ).all()
    return {step: [kind, at.isoformat()] for step, kind, at in rows}


def step_visits(run_id: str) -> dict[str, list[str]] | None:
    with transaction() as session:
        return session.get_one(ProcedureRun, run_id).step_visits


def walk_with_back(me):
    """Start P1, save two steps, go Back, save again."""
    view = submit(me, submit(me, start(me)))
    view = submit(me, runs.go_back(me, view.run_id, expected_version=view.version))
    return view


def test_the_run_keeps_each_steps_latest_visit_as_its_events_say(demo_db, actor_for):
    """A save reads the step left and the step arrived at off the run row (no read of the events): after a walk
    with Back, that record is exactly what the run's events say, step by step."""
    me = actor_for("caseworker")
    view = walk_with_back(me)
    kept = step_visits(view.run_id)
    assert kept == latest_visits_in_events(view.run_id)
    assert set(kept) == {"query_received", "search_legacy", "identify_csa_caseworker"}
    assert kept["search_legacy"][0] == "submit"  # its latest visit: the second save, after Back
    assert kept["identify_csa_caseworker"][0] == "view"


def test_the_runs_record_of_visits_holds_through_check_your_answers_change_and_confirm(demo_db, actor_for):
    """The other way a step is saved: its answers wait on "check your answers", Change reopens it, the caseworker
    saves and confirms; the record on the run is still what the events say."""
    me = actor_for("caseworker")
    view = start(me)
    view = runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    assert view.awaiting_confirmation
    assert step_visits(view.run_id) == latest_visits_in_events(view.run_id)  # waiting: nothing left or arrived at
    view = runs.change_answer(me, view.run_id, "query_received", expected_version=view.version)
    view = submit(me, view)  # saved again and confirmed: the run leaves query_received for search_legacy
    kept = step_visits(view.run_id)
    assert kept == latest_visits_in_events(view.run_id)
    assert [kept["query_received"][0], kept["search_legacy"][0]] == ["submit", "view"]


def test_a_step_saved_sends_one_update_of_its_run_and_no_read_of_its_events(demo_db, actor_for):
    """The run's answers, its move and its record of visits go out together; the events are written, not read."""
    me = actor_for("caseworker")
    view = submit(me, start(me))  # at search_legacy, a step with no effects
    with sent_statements(engine_for(database_url())) as statements:
        view = runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    sent = [s.upper() for s in statements]
    assert view.step.id == "identify_csa_caseworker"
    # Counted inside statements: on PostgreSQL the events' INSERT rides in the run's UPDATE (db/ride_along.py).
    assert len([s for s in sent if "UPDATE PROCEDURE_RUNS SET" in s]) == 1
    assert not [s for s in sent if s.startswith("SELECT") and "FROM STEP_EVENTS" in s]
    assert len([s for s in sent if "INSERT INTO STEP_EVENTS" in s]) == 1


def test_a_run_started_before_visits_were_kept_is_read_from_its_events(demo_db, actor_for):
    """A run with no record on its row (started before the column) records the same events as one with it."""
    me = actor_for("caseworker")
    kept = submit(me, submit(me, start(me)))
    legacy = submit(me, submit(me, start(me)))
    with transaction() as session:
        session.execute(update(ProcedureRun).where(ProcedureRun.id == legacy.run_id).values(step_visits=None))
    for view in (kept, legacy):
        view = runs.go_back(me, view.run_id, expected_version=view.version)
        submit(me, view)  # search_legacy saved again: no second time; identify_csa_caseworker seen before

    def shape(run_id: str) -> list[tuple[str, str, bool, bool]]:  # each event, and whether it carries a time
        return [(s, k, first, w is not None) for s, k, _, first, w in events(run_id, StepEvent.working_seconds)]

    assert shape(legacy.run_id) == shape(kept.run_id)
    assert shape(legacy.run_id)[-2:] == [
        ("search_legacy", "submit", False, False),
        ("identify_csa_caseworker", "view", False, False),
    ]
    assert step_visits(legacy.run_id) is None  # not started afresh from a partial record


def test_a_save_that_fails_records_nothing(demo_db, actor_for, monkeypatch):
    """A fault after the step's events were added (drawing the next step) rolls them back with the step."""
    me = actor_for("caseworker")
    view = start(me)
    before = events(view.run_id)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(runs, "run_view", broken)
        runs.submit_step(me, view.run_id, answers(view), expected_version=view.version)
    assert events(view.run_id) == before
    with pytest.raises(ConflictError):  # a stale screen's save records nothing either
        runs.submit_step(me, view.run_id, answers(view), expected_version=view.version + 5)
    assert events(view.run_id) == before
    assert run_context.view_run(me, view.run_id).step.id == "query_received"


def test_redrawing_a_step_writes_nothing(demo_db, actor_for):
    me = actor_for("caseworker")
    view = start(me)
    total = count_events()
    for _ in range(3):
        run_context.view_run(me, view.run_id)
    assert count_events() == total


def test_experience_is_the_caseworkers_first_ten_runs(demo_db, actor_for):
    me = actor_for("caseworker")
    with transaction() as session:
        already = session.scalar(select(func.count()).where(ProcedureRun.started_by_id == me.user_id)) or 0
    flags = []
    for _ in range(12 - already):
        view = start(me)
        with transaction() as session:
            flags.append(session.scalar(select(StepEvent.early).where(StepEvent.run_id == view.run_id)))
            assert session.get_one(ProcedureRun, view.run_id).early is flags[-1]  # kept on the run too
    assert flags == [True] * (10 - already) + [False, False]


def test_a_run_keeps_its_starters_band_on_every_later_step(demo_db, actor_for):
    """A run started among the caseworker's first ten stays "early" for them after they pass ten runs, whether the
    band is read off the run or (a run from before the band was kept on it) copied from their last event."""
    me = actor_for("caseworker")
    with transaction() as session:
        already = session.scalar(select(func.count()).where(ProcedureRun.started_by_id == me.user_id)) or 0
    assert already < 9, "the demo caseworker must have room for two early runs"
    first, second = start(me), start(me)
    for _ in range(11 - already):
        start(me)
    with transaction() as session:
        assert session.get_one(ProcedureRun, first.run_id).early is True
        session.execute(update(ProcedureRun).where(ProcedureRun.id == second.run_id).values(early=None))
    late = start(me)
    for view in (first, second, late):
        submit(me, view)
    with transaction() as session:

        def bands(run_id: str) -> set[bool]:
            return set(session.scalars(select(StepEvent.early).where(StepEvent.run_id == run_id)))

        assert bands(first.run_id) == {True}
        assert bands(second.run_id) == {True}
        assert bands(late.run_id) == {False}


def test_practice_runs_record_no_step_events(demo_db, actor_for):
    from procedures.scenarios import builtin
    from tests.practice.practise import walk_practice

    total = count_events()
    view = walk_practice(actor_for("ssst.caseworker"), builtin()["P5e-1"], today=datetime.now(UTC).date())
    assert view.finished
    assert count_events() == total


def test_a_refused_question_page_is_counted_as_a_refusal_at_its_step_and_writes_nothing_else(demo_db, actor_for):
    """One question per page: a page's Continue checks its answers only; a refusal there is what insight counts."""
    me = actor_for("caseworker")
    view = start(me)
    with pytest.raises(ValidationFailed) as refused:
        runs.check_page(me, view.run_id, {"query_reason": None}, ("query_reason",), expected_version=view.version)
    assert set(refused.value.errors) == {"query_reason"}
    assert events(view.run_id) == [
        ("query_received", "view", None, True),
        ("query_received", "error", "query_reason", False),
    ]
    assert runs.check_page(
        me, view.run_id, {"query_reason": "Complaint"}, ("query_reason",), expected_version=view.version
    )
    assert run_context.view_run(me, view.run_id).version == view.version  # a page's check saves nothing


def test_a_refusal_at_confirm_is_recorded_as_a_refused_answer(demo_db, actor_for):
    """P4's balance is saved and awaits confirmation; the case's CSA liability is then found not to have ended, so
    Confirm is refused by the step's validator: recorded after the rollback, audited on the run, not the SR."""
    from db.models import AuditEvent
    from tests.procedures.p4_helpers import p4_case, set_facts
    from tests.procedures.walk import Walk

    me = actor_for("caseworker")
    case_id = p4_case(me)
    walk = Walk(me, "P4", case_id)
    walk.answer(confirm=False, stable_balance="1000.00", cleanse_summary="Duplicate payment removed")
    assert walk.view.awaiting_confirmation
    set_facts(case_id, csa_liability_ended=False)
    with pytest.raises(ValidationFailed) as refused:
        walk.confirm()
    assert "has not ended" in refused.value.errors["_checklist"]
    assert events(walk.view.run_id)[-1] == ("confirm_balance", "error", "_checklist", False)
    with transaction() as session:
        audited = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "run.answers_refused", AuditEvent.entity_id == walk.view.run_id
            )
        ).all()
    assert [(a.sr_id, a.after["fields"]) for a in audited] == [(None, ["_checklist"])]
    assert run_context.view_run(me, walk.view.run_id).step.id == "confirm_balance"  # nothing else changed
