"""Discarding a run from the wizard (ui/discard_run.py): offered while nothing is on an SR, asked once more with
what it does, then the run's page says it was discarded and offers a new start; "No, keep it" changes nothing."""

from __future__ import annotations

from db.models import ProcedureRun
from services import run_start
from services.run_views import DISCARDED
from services.transaction import transaction
from tests.app.helpers import texts
from tests.app.test_wizard import _case_id, button, heading, open_wizard


def status(run_id: str) -> str:
    with transaction() as session:
        return session.get_one(ProcedureRun, run_id).status


def test_a_caseworker_discards_a_run_started_by_mistake(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    first = heading(at)

    button(at, "Discard this run").click().run()
    assert "Discard this run?" in texts(at)
    assert "Nothing from it has been recorded on an SR" in texts(at)
    button(at, "No, keep it").click().run()
    assert status(view.run_id) == "in_progress"
    assert heading(at) == first
    assert "Discard this run?" not in texts(at)

    button(at, "Discard this run").click().run()
    button(at, "Yes, discard this run").click().run()
    assert not at.exception
    assert status(view.run_id) == DISCARDED
    assert heading(at) == f"{view.procedure_title} was discarded"
    assert "This run was discarded before it recorded anything on an SR" in texts(at)
    assert "moved on while this page was open" not in texts(at)  # this tab did it: no notice about another
    assert not [b for b in at.button if b.label in ("Continue", "Back", "Discard this run")]
    assert [link.label for link in at.get("page_link")][:2] == ["Start a procedure", "Back to My work"]


def test_a_tab_left_open_on_a_run_discarded_elsewhere_says_so(sqlite_demo_db, actor_for):
    from services import run_discard

    actor = actor_for("caseworker")
    view = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, view.run_id)
    run_discard.discard_run(actor, view.run_id, expected_version=view.version)  # in another tab
    at.checkbox[0].check()
    button(at, "Continue").click().run()  # refused as from an out-of-date screen; the page shows where the run is
    assert "was changed after you opened it" in texts(at)
    assert heading(at) == f"{view.procedure_title} was discarded"
    assert status(view.run_id) == DISCARDED

    other = run_start.start_run(actor, "P1", case_id=_case_id(actor, financial_transition_complete=True))
    at = open_wizard(actor, other.run_id)
    run_discard.discard_run(actor, other.run_id, expected_version=other.version)
    at.run()  # any rerun (a tick, the glossary) reads the run afresh
    assert "This procedure run was discarded while this page was open" in texts(at)
    assert heading(at) == f"{other.procedure_title} was discarded"
