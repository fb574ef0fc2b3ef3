"""The wizard's finish page names every SR the run created or closed, its number whole on one line, and shows a met
review date as done."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Deadline
from domain.clock import uk_local, utcnow
from services.run_outcomes import RunOutcome
from services.transaction import transaction
from tests.app.helpers import texts
from tests.app.test_wizard import open_wizard
from tests.procedures.walk import Walk, find_case


def finished_p1(actor) -> tuple[Walk, RunOutcome]:
    """P1 to its end: its own SR created and closed (Complete, Resolution Code Information Provided), a segment SR."""
    walk = Walk(actor, "P1", find_case(actor, financial_transition_complete=True))
    walk.answer(query_reason="Complaint", query_summary="Arrears history", financial_transition_complete=True)
    walk.answer(information_found=False)
    walk.answer(held_on_closed_ccd=False, csa_caseworker="Sam Patel")
    review = uk_local(utcnow()).date() + timedelta(days=7)
    walk.answer(given_on_call=False, review_date=review.isoformat())
    walk.answer(chase_answered=True, update_findings="Update received by email")
    walk.answer(segment_move="Complaints - Review")
    outcome = walk.outcome()
    assert outcome.status == "finished"
    return walk, outcome


def test_the_finish_page_lists_each_sr_with_its_number_and_the_met_review_date_as_done(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)

    at = open_wizard(actor, walk.view.run_id)
    shown = texts(at)
    assert "is finished" in shown
    table = at.table[0].value
    rows = dict(zip(table["SR"], table["What happened"], strict=True))
    assert rows == {
        outcome.srs["main"].number: "Created and closed (Complete, Information Provided)",
        outcome.srs["segment"].number: "Created, now Open",
    }
    with transaction() as session:
        done = session.scalars(
            select(Deadline.done).where(Deadline.kind == "review_date").order_by(Deadline.id.desc())
        ).first()
    assert done
    assert any(
        line.startswith("**Review date**:") and line.endswith(f"· done · SR {outcome.srs['main'].number}")
        for line in shown.splitlines()
    )


def test_the_finish_pages_sr_numbers_are_never_broken_across_lines(sqlite_demo_db, actor_for):
    """QA: beside the wizard's side column at 1366 px the SR column broke "1-00000072" into "1-" and "00000072". The
    numbers stay as they are (they are quoted in CMS): the SR column's cells, and what Streamlit puts in them, do not
    wrap (measured in Chromium by tests/browser/test_finish_page.py)."""
    actor = actor_for("caseworker")
    walk, outcome = finished_p1(actor)
    at = open_wizard(actor, walk.view.run_id)
    table = at.table[0]
    assert list(table.value.columns) == ["SR", "Type", "What happened"]
    assert set(table.value["SR"]) == {outcome.srs["main"].number, outcome.srs["segment"].number}  # nothing added
    styles = table.proto.arrow_data.styler.styles
    table_id = f"#T_{table.proto.arrow_data.styler.uuid}"
    assert f"{table_id} td.col0 {{ white-space: nowrap }}" in styles  # the SR column ...
    assert f"{table_id} td.col0 * {{ white-space: nowrap }}" in styles  # ... and the text elements in its cells
    assert "col1" not in styles  # the other columns still wrap
    assert "col2" not in styles
