"""db/ride_along.py: on PostgreSQL a wizard step's audit event and step events ride inside the run's UPDATE (one
statement, one round trip); whatever the transaction does next still sees them, a refused save keeps none of them,
and the audit chain keeps its order. On SQLite each append is sent at once, as before."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, select, update

from db import ride_along
from db.engine import engine_for
from db.models import AuditEvent, ProcedureRun, StepEvent
from services import audit, run_context, run_start, runs
from services.errors import ConflictError
from services.transaction import transaction
from tests.crash_worker import run_script
from tests.procedures.walk import find_case
from tests.sent_statements import sent_statements


def _run(actor):  # noqa: ANN001, ANN202
    return run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))


def _at_search_legacy(actor):  # noqa: ANN001, ANN202
    """A run at P1's "Search the legacy systems" (the first step opened its SR): a step with no effects."""
    view = _run(actor)
    first = run_script()[view.step.id] | {"_checklist": list(view.step.checklist)}  # the crash walk's answers
    view = runs.submit_step(actor, view.run_id, first, expected_version=view.version)
    if view.awaiting_confirmation:
        view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    assert view.step.title == "Search the legacy systems"
    return view


def _counts(run_id: str) -> tuple[int, int]:
    with transaction(read_only=True) as session:
        audits = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id == run_id))
        events = session.scalar(select(func.count()).select_from(StepEvent).where(StepEvent.run_id == run_id))
    return int(audits or 0), int(events or 0)


def test_a_saved_step_sends_its_audit_event_step_events_and_run_in_one_statement_on_postgresql(demo_db, actor_for):
    actor = actor_for("caseworker")
    view = _at_search_legacy(actor)
    audits, events = _counts(view.run_id)
    answers = {"information_found": False, "_checklist": list(view.step.checklist)}
    with sent_statements(engine_for(demo_db.url)) as sent:
        saved = runs.submit_step(actor, view.run_id, answers, expected_version=view.version)
    assert saved.step_number == view.step_number + 1
    writes = [s for s in sent if "INSERT INTO audit_events" in s or "UPDATE procedure_runs" in s]
    if demo_db.kind == "postgres":
        assert len(writes) == 1, writes
        assert writes[0].startswith("WITH ride_0_audit_events AS (INSERT INTO audit_events")
        assert "INSERT INTO step_events" in writes[0]
        assert "UPDATE procedure_runs SET" in writes[0]
    else:  # SQLite: one statement each, as before
        assert [w.split()[0] for w in writes] == ["INSERT", "UPDATE"]
    assert _counts(view.run_id) == (audits + 1, events + 2)  # the step's save, the next step's first view
    with transaction(read_only=True) as session:
        assert audit.verify_chain(session).ok
        action = session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1))
    assert action == "run.step"


def test_a_save_refused_as_stale_keeps_neither_the_run_nor_what_rode_with_it(demo_db, actor_for):
    actor = actor_for("caseworker")
    view = _run(actor)
    before = _counts(view.run_id)
    with pytest.raises(ConflictError), transaction(writes=True) as session:
        run, _procedure, case = run_context.load_run(session, actor, view.run_id, "work this procedure run")
        session.execute(  # another writer's save lands between this load and this flush
            update(ProcedureRun).where(ProcedureRun.id == view.run_id).values(version=ProcedureRun.version + 1),
            execution_options={"synchronize_session": False},
        )
        audit.record(session, actor, "run.test", entity_type="procedure_run", entity_id=run.id, case_id=case.id)
        run.answers = {**run.answers, "query_summary": "Lost"}
        session.flush()  # the UPDATE finds no row at the loaded version: refused, and the audit event with it
    assert _counts(view.run_id) == before
    with transaction(read_only=True) as session:
        assert session.get_one(ProcedureRun, view.run_id).answers.get("query_summary") != "Lost"
        assert audit.verify_chain(session).ok


def test_what_waits_to_ride_is_sent_before_a_read_and_by_the_commit_and_dropped_by_a_rollback(demo_db, actor_for):
    actor = actor_for("caseworker")
    run_id = _run(actor).run_id
    audits, _ = _counts(run_id)

    def append(session, action: str) -> None:  # noqa: ANN001
        audit.record(session, actor, action, entity_type="procedure_run", entity_id=run_id)

    with transaction(writes=True) as session:
        append(session, "run.first")
        append(session, "run.second")  # a second row of the same table: the first is sent before it queues
        waiting = ride_along.pending_tables(session)
        seen = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id == run_id))
        assert seen == audits + 2  # the read saw both: what waited went out before it
        assert ride_along.pending_tables(session) == ()
        append(session, "run.third")  # no write follows: the commit sends it
    assert waiting == (("audit_events",) if demo_db.kind == "postgres" else ())
    assert _counts(run_id)[0] == audits + 3

    with pytest.raises(RuntimeError), transaction(writes=True) as session:
        append(session, "run.rolled_back")
        raise RuntimeError("the action failed")
    assert _counts(run_id)[0] == audits + 3
    with transaction(read_only=True) as session:
        assert audit.verify_chain(session).ok  # ids in the chain's order, one statement or several
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == run_id).order_by(AuditEvent.id)
        ).all()
    assert actions[-3:] == ["run.first", "run.second", "run.third"]


@pytest.mark.postgres
def test_rows_whose_parameters_share_a_name_are_refused_before_anything_is_sent(pg_demo_db, actor_for):
    actor_for("caseworker")  # the demo data is in place
    audits = AuditEvent.__table__.insert().values(action=bindparam("clash"))
    events = StepEvent.__table__.insert().values(kind=bindparam("clash"))
    with pytest.raises(RuntimeError, match="share parameter names"), transaction(writes=True) as session:
        ride_along.append(session, audits, {"clash": "one"})
        ride_along.append(session, events, {"clash": "two"})
        session.execute(select(func.count()).select_from(AuditEvent))  # the queue goes out first: refused
