"""An SSST caseworker walks P5d's main path through the wizard page, from the allocated SR to Closed / Complete.

AppTest cannot upload a file, so the outcome PDF step is submitted through the run service (the
same call the page makes) and the walk carries on in the page.
"""

from datetime import date, time, timedelta
from decimal import Decimal

from domain.clock import format_uk, uk_local
from services import run_context, run_start, runs
from tests.app.answering import answer_by_label, progress
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard
from tests.pdfs import a_pdf
from tests.procedures.test_p5d import ADJOURNED_TO, HEARING, allocated_sr, open_deadlines, outbox, sr_row, walk_to
from tests.procedures.walk import Walk, run_row


def deadlines_of(sr_id: int) -> set[str]:
    return set(open_deadlines(sr_id))


def step(at, title: str, **values) -> None:
    """On the step called `title`: tick the checklist, fill inputs by label on their pages, continue, confirm."""
    assert title in progress(at), f"expected step {title!r}"
    answer_by_label(at, **{label.replace("_", " "): value for label, value in values.items()})


def test_an_ssst_caseworker_walks_the_liability_order_routing_in_the_wizard(sqlite_demo_db, actor_for, monkeypatch):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor)
    view = run_start.start_run(actor, "P5d", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)

    # Nothing entered: the errors show at the fields and nothing is saved.
    button(at, "Continue").click().run()
    assert "There is a problem" in texts(at)
    assert run_context.view_run(actor, view.run_id).step.id == "allocated"

    fields = {
        "Magistrates' court for the application": "Exampletown Magistrates' Court",
        "Enforcement case manager": "Eve Enforcer",
        "Amount owed": "4321.09",
        "Arrears from": date(2024, 4, 1),
        "Arrears to": date(2025, 10, 31),
    }
    step(at, "The request for a liability order", **fields)
    step(at, "Ask the CPT for the hearing date and CPO")
    step(
        at,
        "Record the hearing date and CPO",
        **{
            "Hearing date and time": HEARING.date(),
            "Time (UK)": time(10, 0),
            "Court presenting officer": "Pat Presenter",
        },
    )
    assert uk_local(sr_row(sr_id).hearing_at) == HEARING
    step(at, "Create CMEL7298 and update the activity plan")
    step(at, "Full PV check", **{"Is a PV marker recorded on the case?": "No"})
    step(at, "Save the WinZip in the CPT shared folder")
    step(at, "Set the SR In Progress")
    assert sr_row(sr_id).status == "In Progress"
    step(
        at,
        "CPT asks for the CMEL9180 cover letter",
        **{
            "Hearing date and time in the email subject": HEARING.date(),
            "Time (UK)": time(10, 0),
            "Court costs": "95.00",
            "Court address": "1 Court Lane\nExampletown",
        },
    )
    step(at, "Tell the CPT the letter is ready")
    step(at, "Record the issue date", **{"Date the letter and summons were issued": date.today()})
    step(
        at,
        "Second PV check, 48 hours before the hearing",
        **{
            "Is a PV marker recorded now?": "No",
            "Payments that affect the LO schedule": "None",
            "Contact from the paying parent": "None",
        },
    )
    step(at, "Does the CPO proceed?", **{"Is the CPO going ahead with the hearing?": "Yes"})
    assert "Record the outcome from the CPO" in progress(at)

    monkeypatch.setattr(run_context, "run_today", HEARING.date)  # an outcome only from the hearing's day on
    current = run_context.view_run(actor, view.run_id)
    runs.submit_step(
        actor,
        view.run_id,
        {
            "outcome": "Liability order granted",
            "outcome_detail": "Granted in full.",
            "outcome_pdf": ("outcome.pdf", a_pdf()),
            "_checklist": list(current.step.checklist),
        },
        expected_version=current.version,
    )
    at.run()  # submitted by the service (AppTest cannot upload): check your answers says what confirming records
    assert at.title[0].value == "Check your answers before saving"
    assert "Hearing: marked met" in texts(at)
    assert "Outcome from the CPO: Liability order granted. Granted in full. (outcome scanned as PDF" in texts(at)
    button(at, "Confirm and save").click().run()
    step(at, "Forward the case file to the ECM")
    step(at, "Close and Complete the SR")
    assert at.success, "the finished run says so"

    sr = sr_row(sr_id)
    assert (sr.status, sr.sub_status, sr.cpo_name, sr.costs) == (
        "Closed",
        "Complete",
        "Pat Presenter",
        Decimal("95.00"),
    )
    assert len(outbox(sr_id)) == 4
    assert run_context.view_run(actor, view.run_id).status == "finished"


def test_an_adjourned_hearing_in_the_wizard_asks_no_upload_and_takes_the_new_date(
    sqlite_demo_db, actor_for, monkeypatch
):
    """From version 2: the caseworker records an adjournment with what the CPO said and no scanned outcome, then the new
    hearing date and time, and is back at the second PV check, which now asks what the check showed."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor)
    walk = walk_to(Walk(actor, "P5d", case_id, sr_id=sr_id), "record_outcome")
    monkeypatch.setattr(run_context, "run_today", HEARING.date)
    at = open_wizard(actor, walk.view.run_id)
    assert "Record the outcome from the CPO" in progress(at)
    at.radio[0].set_value("Liability order granted").run()
    (uploader,) = at.get("file_uploader")
    # "200MB per file" was said while the service refuses a PDF over 10 MB (domain.files.MAX_PDF_BYTES)
    assert uploader.proto.max_upload_size_mb == 10, "a decided outcome asks for the scanned outcome, at most 10 MB"
    at.radio[0].set_value("Hearing adjourned").run()
    assert not at.get("file_uploader"), "an adjournment asks for no upload"
    answer_by_label(at, **{"Details of the outcome": "Adjourned for the paying parent to get legal advice."})

    assert "Record the new hearing date" in progress(at)
    answer_by_label(
        at, confirm=False, **{"New hearing date and time": ADJOURNED_TO.date(), "Time (UK)": ADJOURNED_TO.time()}
    )
    shown = texts(at)
    # The adjourned hearing's deadline is still open: the new date moves it (lead's decision, 8 December).
    assert f"Hearing moved in your deadlines to {format_uk(ADJOURNED_TO)}" in shown
    assert "Hearing added to your deadlines" not in shown
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert uk_local(sr_row(sr_id).hearing_at) == ADJOURNED_TO
    assert sr_row(sr_id).status == "In Progress"
    step(
        at,
        "Second PV check, 48 hours before the hearing",
        **{
            "Is a PV marker recorded now?": "No",
            "What the second PV check showed": "No marker; nothing new since the first check.",
            "Payments that affect the LO schedule": "None",
            "Contact from the paying parent": "None",
        },
    )
    assert "Does the CPO proceed?" in progress(at)
    assert run_row(walk.view.run_id).answers["second_pv_details"] == "No marker; nothing new since the first check."
    shown = " ".join(texts(at))
    assert "new_hearing" not in shown
    assert "second_pv_details" not in shown


def test_the_hearing_date_is_checked_in_words_before_it_saves_and_back_records_nothing(sqlite_demo_db, actor_for):
    """QA, 7 December: the hearing date saved on Continue. Now check your answers lists it and the deadlines worked
    out from it; Back from there leaves the SR and its deadlines as they were; Confirm and save records them."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor)
    walk = Walk(actor, "P5d", case_id, sr_id=sr_id)
    walk_to(walk, "cpt_reply")
    at = open_wizard(actor, walk.view.run_id)
    hearing = {"Hearing date and time": HEARING.date(), "Time (UK)": time(10, 0), "Court presenting officer": "Pat"}
    answer_by_label(at, confirm=False, **hearing)
    shown = texts(at)
    assert at.title[0].value == "Check your answers before saving"
    pv_due = format_uk(HEARING - timedelta(days=2))  # Monday 10:00, within working hours
    for line in (
        "When you save, the changes listed under **What to enter in CMS when you save this step** and the dates, "
        "deadlines and notes listed below are recorded on the SR.",
        "Dates and deadlines this step records",
        "Notes this step records",  # the note the sentence names (it named only the dates: ninth session)
        f"Hearing date: {format_uk(HEARING)}",
        f"Hearing added to your deadlines for {format_uk(HEARING)}",
        f"Second PV check due by {pv_due}",
        "How this was worked out: The hearing is at 10:00 on",
    ):
        assert line in shown, line
    assert sr_row(sr_id).hearing_at is None
    assert not deadlines_of(sr_id)

    button(at, "Back").click().run()
    assert not at.exception
    assert at.title[0].value != "Check your answers before saving"
    assert "Record the hearing date and CPO" in progress(at)
    assert sr_row(sr_id).hearing_at is None
    assert not deadlines_of(sr_id)

    button(at, "Continue").click().run()  # the answers kept: back at check your answers
    assert at.title[0].value == "Check your answers before saving"
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert uk_local(sr_row(sr_id).hearing_at) == HEARING
    assert deadlines_of(sr_id) == {"hearing", "second_pv_check"}
