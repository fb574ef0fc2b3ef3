"""The rendered "What to enter in CMS" panel: an SSST caseworker working an allocated SR is never told to create
it, an unconfirmed value is never an instruction, and policy staff confirm a value on the Reference values page."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEvent
from domain import reference
from domain.reference import Kind, Source
from services import run_start
from services.transaction import transaction
from tests.app.answering import answer_step
from tests.app.helpers import app_as, as_read, texts
from tests.app.test_wizard import button, open_wizard
from tests.procedures.ssst_walks import allocated_sr, sr_row
from ui.text import md

KINDS = sorted((k.value for k in Kind), key=len, reverse=True)
UNCONFIRMED = {(e.kind.value, e.value) for e in reference.BUILT_IN if e.source is Source.UNCONFIRMED}


def panel_lines(at) -> list[str]:
    """Every line the page shows: markdown (the panel's list) and checkbox labels (its saved lines)."""
    lines = [as_read(line.lstrip("- ")) for m in at.markdown for line in str(m.value).splitlines()]
    return lines + [as_read(str(c.label)) for c in at.checkbox]


def assert_no_unconfirmed_instruction(at) -> None:
    for line in panel_lines(at):
        assert "main SR" not in line
        if " = " not in line:
            continue
        said, shown = line.split("  \n")[0].rsplit(" = ", 1)
        kind = next((k for k in KINDS if said.endswith(k)), None)
        assert (kind, shown) not in UNCONFIRMED, line


def test_an_allocated_court_fee_sr_is_updated_not_created_and_guesses_are_marked_at_every_step(
    sqlite_demo_db, actor_for
):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Court Fee Payment")
    number = sr_row(sr_id)["number"]
    view = run_start.start_run(actor, "P5a", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    answer_step(
        at, actor, view.run_id, email_received_at="2025-12-23T16:45:00", court="Demo County Court", fee="108.00"
    )
    shown = "\n".join(panel_lines(at))
    assert f"Update the SR you were allocated ({number})" in shown
    assert "Create a new SR" not in shown
    assert_no_unconfirmed_instruction(at)
    button(at, "Confirm and save").click().run()
    assert_no_unconfirmed_instruction(at)
    saved = [c for c in at.checkbox if "Update the SR you were allocated" in str(c.label)]
    assert saved, "the saved step's lines stay, each with a done-in-CMS tick"
    for box in at.checkbox:
        if box.key.startswith("cms:"):  # every line done in CMS
            box.check()
    at.run()
    answer_step(at, actor, view.run_id, paid_on="2025-12-29", payment_reference="CF-2025-0042")
    assert not at.exception
    assert_no_unconfirmed_instruction(at)  # the payment's note and met deadline wait on check your answers
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert not any("Update the SR you were allocated" in str(c.label) for c in at.checkbox)  # ticked: gone
    answer_step(at, actor, view.run_id)
    shown = "\n".join(panel_lines(at))
    assert "Resolution Code: choose the Resolution Code your team uses for completed work" in shown
    assert "Suggestion, not confirmed by the published procedure or your policy team: Completed" in shown
    assert_no_unconfirmed_instruction(at)
    button(at, "Confirm and save").click().run()
    assert "is finished" in texts(at)
    assert not at.exception


def test_policy_confirms_a_value_on_the_reference_values_page(sqlite_demo_db, actor_for):
    at = app_as(actor_for("policy")).run()
    at.switch_page("pages/reference_values.py").run()
    assert not at.exception
    assert "Reference values" in [t.value for t in at.title]
    # The quotes are cut at the table's edge at 1366 px: the page says how to read one whole (no sideways scrolling,
    # looked at in Chromium); In Progress is quoted from both seeds that name it.
    assert "A value cut short shows in full when you double-click its cell, or select the cell and press Enter." in [
        c.value for c in at.caption
    ]
    table = next(df.value for df in at.dataframe if "Where the value comes from" in df.value.columns)
    status = table[(table["Kind"] == "Status") & (table["Value"] == "In Progress")]
    (in_progress,) = status["Where the value comes from"]
    assert in_progress.count("\u201c") == 4, in_progress  # two seeds' titles and two quotes
    chosen = next(s for s in at.selectbox if s.label == "Value")
    entry = next(o for o in chosen.options if "Resolution Code: Completed" in o)
    chosen.select(next(v for v in chosen.options if v == entry)).run()
    button(at, "Confirm 'Completed' is the value our CMS shows").click().run()
    assert "Confirmed: Resolution Code = Completed" in texts(at)
    with transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "reference.confirmed")).all()
    assert [e.entity_id for e in events] == ["resolution_code.completed"]


def test_a_corrected_value_is_repeated_as_typed_never_as_markdown(sqlite_demo_db, actor_for):
    """QA: "Corrected: Process = **Bold** :red[red]" was drawn bold and red."""
    at = app_as(actor_for("policy")).run()
    at.switch_page("pages/reference_values.py").run()
    chosen = next(s for s in at.selectbox if s.label == "Value")
    chosen.select(next(o for o in chosen.options if "Resolution Code: Completed" in o)).run()
    next(t for t in at.text_input if t.key == "ref_new_value").input("**Bold** :red[red]")
    button(at, "Save the corrected value").click().run()
    assert not at.exception
    (shown,) = [s.value for s in at.success]
    assert shown == md("Corrected: Resolution Code = **Bold** :red[red]")
    assert as_read(shown) == "Corrected: Resolution Code = **Bold** :red[red]"
