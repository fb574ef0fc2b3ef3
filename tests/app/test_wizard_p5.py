"""The SSST caseworker walks P5a and P5e through the wizard page, from the SR allocated to them."""

from __future__ import annotations

from datetime import date, time

from services import runs
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard
from tests.procedures.p5_helpers import allocated_sr, emails, sr_row


def tick_all(at):
    for box in at.checkbox:
        box.check()


def test_an_ssst_caseworker_pays_a_court_fee_through_the_wizard(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Court Fee Payment")
    view = runs.start_run(actor, "P5a", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    assert "Record the enforcement case manager's email" in texts(at)

    tick_all(at)
    at.date_input[0].set_value(date(2025, 12, 23))
    at.time_input[0].set_value(time(16, 45))
    at.text_input[2].input("Demo County Court")
    at.text_input[3].input("108.00")
    button(at, "Continue").click().run()
    assert "Check your answers before saving" in texts(at)
    button(at, "Confirm and save").click().run()
    assert "Pay the court fee" in texts(at)
    assert sr_row(sr_id)["status"] == "In Progress"

    tick_all(at)
    at.date_input[0].set_value(date(2025, 12, 29))
    at.text_input[0].input("CF-2025-0042")
    button(at, "Continue").click().run()
    assert "Confirm the payment to the enforcement case manager" in texts(at)

    tick_all(at)
    button(at, "Continue").click().run()
    button(at, "Confirm and save").click().run()
    assert "is finished" in texts(at)
    assert not at.exception

    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["court_fee"]) == ("Closed", "Complete", 108)
    ((_row, message),) = emails(sr_id)
    assert message["Subject"].startswith("Court fee paid: ")
