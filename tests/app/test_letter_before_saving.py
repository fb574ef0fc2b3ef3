"""At "check your answers", the letter the step records is shown with this run's values before it is saved."""

from datetime import date
from decimal import Decimal

from services import letters, run_start
from services.letter_previews import pending_letters
from tests.app.answering import answer_step
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard
from tests.procedures.p4_helpers import case_row, p4_case


def _html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_the_stable_balance_letter_is_previewed_with_the_runs_values_before_saving(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    case_id = p4_case(actor, sos_arrears=Decimal("100.00"))
    view = run_start.start_run(actor, "P4", case_id=case_id)
    at = open_wizard(actor, view.run_id)
    answer_step(at, actor, view.run_id, stable_balance="1,234.56")
    if "Confirm and save" in [b.label for b in at.button]:
        button(at, "Confirm and save").click().run()
    answer_step(at, actor, view.run_id, letter_date=date.today().isoformat())
    assert "Check your answers before saving" in texts(at)
    assert letters.letters_for_run(actor, view.run_id) == []  # nothing is recorded yet

    assert "Letters this step records (1)" in texts(at)
    assert [e.label for e in at.expander if e.label.startswith("CWGL010")] == [
        "CWGL010 Your child maintenance arrears: do you want us to collect them?, to the receiving parent"
    ]
    preview = _html(at)
    parties = case_row(case_id)
    assert parties["receiving_parent"].replace("'", "&#x27;") in preview or parties["receiving_parent"] in preview
    assert "£1,234.56" in preview
    assert "£100.00 of this is owed to the Secretary of State" in preview

    # The preview is what the save records: produced after confirming, the letter says the same.
    (pending,) = pending_letters(actor, view.run_id)
    assert pending.problem is None
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert pending_letters(actor, view.run_id) == []
