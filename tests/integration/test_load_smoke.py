"""The load test at a tiny size, so it cannot rot: three caseworkers complete P1 at once on PostgreSQL (one
walk of each path) with no errors and no lost updates, and its lost-update check does see a lost note."""

import pytest
from sqlalchemy import delete, select

from benchmarks import load_test
from db.models import Note, ProcedureRun
from services.transaction import transaction

pytestmark = pytest.mark.postgres


def test_three_caseworkers_completing_p1_at_once_on_postgresql_lose_nothing(pg_demo_db):
    result = load_test.run_load("smoke", workers=3, iterations=1)

    assert sorted(w.path for w in result.walks) == sorted(load_test.PATHS)
    assert result.errors == {}
    assert result.completed == 3
    assert result.lost == []
    assert len(result.step_ms) == sum(sum(w.calls.values()) - 1 for w in result.walks)  # every submit/confirm
    assert len(result.lock_ms) >= len(result.step_ms)  # each of them waited for the write lock, and was timed

    # The check is not blind: a note the caseworker's committed step wrote, gone afterwards, is reported.
    chase = next(w for w in result.walks if w.path == "chase")
    with transaction() as session:
        main = session.get_one(ProcedureRun, chase.run_id).sr_refs["main"]
        note = session.scalars(select(Note.id).where(Note.sr_id == main, Note.text.contains("Balance"))).one()
        session.execute(delete(Note).where(Note.id == note))
    lost = load_test.lost_updates(result.walks)
    assert f"{chase.token} (run {chase.run_id}): 3 notes, expected 4" in lost
    assert (
        f"{chase.token} (run {chase.run_id}): 'Balance confirmed by email for {chase.token}' is not in exactly one note"
        in lost
    )
