"""A run on a procedure version this server does not have (a newer release not yet on every app server sharing the
database, or a version removed against the registry's rule) is refused in plain words, never as "Something went
wrong" with a log reference (seen: a server started before P5d version 2 opened a version 2 run)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from db.models import ProcedureRun
from services import run_context, run_start
from services.errors import DomainError
from services.run_context import GONE_VERSION, NEWER_VERSION
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.procedures.walk import team_case


def _run_on(actor, procedure_id: str, version: str) -> str:
    view = run_start.start_run(actor, "P1", case_id=team_case(actor, financial_transition_complete=True).id)
    with transaction() as session:
        session.execute(
            update(ProcedureRun)
            .where(ProcedureRun.id == view.run_id)
            .values(procedure_id=procedure_id, procedure_version=version)
        )
    return view.run_id


@pytest.mark.parametrize(
    ("procedure_id", "version", "said"),
    [("P1", "99", NEWER_VERSION), ("P9", "1", NEWER_VERSION), ("P1", "0", GONE_VERSION)],
    ids=["a newer version", "a procedure this server lacks", "a version removed"],
)
def test_a_run_on_a_version_this_server_lacks_is_refused_in_plain_words(
    demo_db, actor_for, procedure_id, version, said
):
    actor = actor_for("caseworker")
    run_id = _run_on(actor, procedure_id, version)
    with pytest.raises(DomainError) as refused:
        run_context.view_run(actor, run_id)
    assert refused.value.message == said


def test_the_wizard_says_a_newer_version_is_on_its_way_and_shows_no_log_reference(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    run_id = _run_on(actor, "P1", "99")
    at = app_as(actor).run()
    at.query_params["run"] = run_id
    at.switch_page("pages/wizard.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert NEWER_VERSION in shown
    assert "quote reference" not in shown


def test_my_work_lists_such_a_run_by_its_code_and_a_plain_step_name(demo_db, actor_for):
    from procedures.registry import STEP_GONE
    from services.sr_timeline import _titles
    from services.work import my_work

    actor = actor_for("caseworker")
    run_id = _run_on(actor, "P1", "99")
    (row,) = [r for r in my_work(actor).runs if r.id == run_id]
    assert row.step_title == STEP_GONE  # never its state id
    assert _titles("P1", "99") == {}  # the SR timeline then says "a step", as for a step gone
