"""The wizard draws a table field (P3's liability orders) as an editable grid and submits its rows."""

from db.models import ProcedureRun
from services import run_context, run_outcomes
from services.transaction import transaction
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard
from tests.procedures.test_p3 import check_csa, legacy_case
from tests.procedures.walk import Walk


def test_the_lo_table_is_prefilled_and_continue_creates_one_sr_per_current_lo(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    with transaction() as session:
        on_record = session.get_one(ProcedureRun, walk.view.run_id).case.liability_orders
        courts = [lo.court for lo in on_record]
        current = [lo.court for lo in on_record if not lo.discharged]
    at = open_wizard(actor, walk.view.run_id)
    assert "Liability orders" in texts(at)
    (grid,) = at.dataframe  # the editable grid, prefilled from the LOs on record
    assert list(grid.value["court"]) == courts

    for box in at.checkbox:  # the step's checklist, above the grid on its one page
        box.check()
    button(at, "Continue").click().run()  # the grid kept as prefilled
    assert not at.exception
    assert "There is a problem" not in texts(at)
    assert "Check your answers before saving" in texts(at)
    assert "Sub Area = Set Up Legacy LO" in texts(at)  # published (seed 002): an instruction
    # each LO on the check page with its columns named: the grid cut its last columns off in the page (QA)
    discharged = next(lo for lo in on_record if lo.discharged)
    assert f"Court: {discharged.court}, Date granted: " in texts(at)
    assert "Debt fully discharged: Yes" in texts(at)
    button(at, "Confirm and save").click().run()
    outcome = run_outcomes.run_outcome(actor, walk.view.run_id)
    los = [sr for ref, sr in outcome.srs.items() if ref.startswith("lo_")]
    assert len(los) == len(current) >= 1
    assert all(any(court in note for note in sr.notes) for sr, court in zip(los, current, strict=True))
    assert run_context.view_run(actor, walk.view.run_id).step.id == "lo_activity_done"


def test_the_lo_grid_names_its_columns_in_words_above_it(sqlite_demo_db, actor_for):
    """QA (Chromium, 1366 px): beside the CMS panel the grid's headings were cut to "Date gra", "Amoun", "Moved o"
    and "Debt f", read in full only by hovering; a new caseworker did not know what "Debt f" asked. The columns are
    named in full above the grid, in order."""
    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    at = open_wizard(actor, walk.view.run_id)
    assert (
        "The columns, left to right (point at a heading to read it in full): Court; Date granted; Amount; Moved on "
        "to (bailiff, charging order, EJO, DCA, ...) (optional); Debt fully discharged?"
    ) in [c.value for c in at.caption]


def test_a_court_pasted_over_200_characters_is_kept_in_the_grid_and_refused_with_its_row_and_length(
    sqlite_demo_db, actor_for
):
    """QA (eighth session): the grid's text cells had Streamlit's `max_chars`, and its cell editor cuts a longer paste
    to the limit without a word. No cell has a limit in the browser now (`ui.text_box` says why); Continue refuses the
    cell with its row, its column, the limit and its length, and the step is not saved."""
    import json

    actor = actor_for("caseworker")
    walk = Walk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    at = open_wizard(actor, walk.view.run_id)
    (grid,) = at.dataframe
    assert "max_chars" not in json.dumps(json.loads(grid.proto.columns))  # no cell cut in the browser
    key = next(k for k in at.session_state._state.filtered_state if k.endswith(":liability_orders"))
    pasted = "Northampton County Court Business Centre, " * 6 + "Bulk"  # 256 characters
    at.session_state[key] = {"edited_rows": {0: {"court": pasted}}, "added_rows": [], "deleted_rows": []}
    at.run()  # the grid's edit reaches the page, as a cell's edit does before the button is pressed
    for box in at.checkbox:
        box.check()
    button(at, "Continue").click().run()
    assert not at.exception
    assert "Row 1, Court: Keep this to 200 characters or fewer (it has 256)." in texts(at)
    assert "Check your answers before saving" not in texts(at)
    assert at.session_state[key + ":rows"][0]["court"] == pasted  # kept, to shorten
    assert run_context.view_run(actor, walk.view.run_id).step.id == walk.view.step.id  # nothing saved
