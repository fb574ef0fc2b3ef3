"""db/one_row_update.py: a flush whose only change is one run's columns is one version-checked UPDATE sent without
the unit of work; a row changed meanwhile is refused as the ORM refuses it; anything more goes through the ORM."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Table, event, update
from sqlalchemy.orm import Session

from db.models import Note, ProcedureRun
from services import run_start
from services.errors import ConflictError
from services.transaction import CONFLICT_MESSAGE, transaction
from tests.procedures.walk import find_case

RUNS = ProcedureRun.__table__
assert isinstance(RUNS, Table)


def _run_id(actor) -> str:
    return run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True)).run_id


@contextmanager
def _watched(session: Session) -> Iterator[dict[str, list]]:
    """The UPDATE statements sent, and each time the unit of work ran (its after_flush event)."""
    seen: dict[str, list] = {"updates": [], "unit_of_work": []}

    def statement(conn, cursor, sql, params, context, executemany) -> None:  # noqa: ANN001
        if sql.lstrip().upper().startswith("UPDATE"):
            seen["updates"].append(sql)

    def flushed(session, context) -> None:  # noqa: ANN001
        seen["unit_of_work"].append(True)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(session, "after_flush", flushed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(session, "after_flush", flushed)


def test_a_runs_own_change_is_one_version_checked_update_without_the_unit_of_work(demo_db, actor_for):
    run_id = _run_id(actor_for("caseworker"))
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        version, updated_at = run.version, run.updated_at
        with _watched(session) as seen:
            run.answers = {**run.answers, "query_summary": "Saved by the one-row path"}
            run.recheck = ["identify_caseworker"]
            session.flush()
        assert len(seen["updates"]) == 1
        where = seen["updates"][0].split("WHERE")
        assert "procedure_runs" in where[0]
        assert "version" in where[1]
        assert seen["unit_of_work"] == []  # the ORM's flush found nothing left to do
        assert not session.dirty
        assert run.version == version + 1  # the object says what the row now holds

    with transaction() as session:
        saved = session.get_one(ProcedureRun, run_id)
        assert saved.answers["query_summary"] == "Saved by the one-row path"
        assert saved.recheck == ["identify_caseworker"]
        assert saved.version == version + 1
        assert saved.updated_at >= updated_at  # onupdate, as the ORM sets it


def test_a_run_changed_meanwhile_is_refused_and_nothing_of_the_change_is_kept(demo_db, actor_for):
    run_id = _run_id(actor_for("caseworker"))
    with pytest.raises(ConflictError) as refused, transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        version = run.version
        # Another writer's save, as it would land between this load and this flush on PostgreSQL (on SQLite the
        # load's BEGIN IMMEDIATE keeps it out, so it is sent here, around the loaded object).
        session.connection().execute(update(RUNS).where(RUNS.c.id == run_id).values(version=version + 1))
        run.answers = {**run.answers, "query_summary": "Lost race"}
        with _watched(session) as seen:
            session.flush()  # StaleDataError, which transaction() turns into the conflict
    assert seen["unit_of_work"] == []
    assert refused.value.message == CONFLICT_MESSAGE

    with transaction() as session:
        saved = session.get_one(ProcedureRun, run_id)
        assert "Lost race" not in saved.answers.values()
        assert saved.version == version  # the whole transaction rolled back, the other writer's bump included


def test_a_value_set_to_what_it_was_sends_no_update_and_keeps_the_version(demo_db, actor_for):
    run_id = _run_id(actor_for("caseworker"))
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        version = run.version
        with _watched(session) as seen:
            run.state = str(run.state)
            run.answers = dict(run.answers)
            session.flush()
        assert seen["updates"] == []
        assert run.version == version
        assert not session.dirty


def test_a_new_row_beside_the_runs_change_goes_through_the_unit_of_work(demo_db, actor_for):
    actor = actor_for("caseworker")
    run_id = _run_id(actor)
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        version = run.version
        with _watched(session) as seen:
            run.answers = {**run.answers, "query_summary": "With a note"}
            session.add(Note(case_id=run.case_id, sr_id=run.sr_id, author_id=actor.user_id, text="Beside the run"))
            session.flush()
        assert seen["unit_of_work"] == [True]
        assert run.version == version + 1

    with transaction() as session:
        assert session.get_one(ProcedureRun, run_id).answers["query_summary"] == "With a note"
