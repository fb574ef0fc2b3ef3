"""SSST court procedures through the wizard page (pages/wizard.py), on the SQLite demo copy.

Every step is answered in the page except the outcome PDF upload: AppTest cannot drive
st.file_uploader, so that one step is submitted through the same service the page calls
(runs.submit_step), and the walk carries on in the page.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services import run_context, run_start, runs
from tests.app.answering import answer_by_label, button, progress
from tests.app.helpers import texts
from tests.app.test_wizard import open_wizard
from tests.pdfs import a_pdf
from tests.procedures.ssst_walks import allocated_sr, emails, pv_checks_disagree, service_request, set_case
from tests.procedures.test_p5b import first_steps
from tests.procedures.walk import Walk
from tests.unit.test_pv_question_rule import TO_THE_CPO


def step(at, **answers):
    """Tick the checklist, fill the inputs by "kind:label" on the pages that ask them, continue and confirm."""
    answer_by_label(at, **answers)
    return at


def upload_outcome_by_service(actor, run_id):
    view = run_context.view_run(actor, run_id)
    runs.submit_step(
        actor,
        run_id,
        {
            "hearing_result": "The hearing has taken place",
            "outcome": "Order granted",
            "outcome_pdf": ("outcome.pdf", a_pdf()),
            "_checklist": list(view.step.checklist),
        },
        expected_version=view.version,
    )


def confirm_the_outcome(at) -> None:
    """The outcome (submitted by the service: AppTest cannot upload) waits on check your answers, which says the
    hearing is marked met and shows the note as it will be saved; Confirm and save records them."""
    assert at.title[0].value == "Check your answers before saving"
    shown = texts(at)
    assert "Hearing: marked met" in shown
    assert "Outcome from the CPO: Order granted (outcome scanned as outcome.pdf)." in shown
    button(at, "Confirm and save").click().run()


def _request_recorded(at) -> None:
    """P5b's first two steps: the request for county court action (not criminal), and how the CPT is contacted."""
    step(
        at,
        **{
            "text_input:Court": "Demo County Court",
            "text_input:Enforcement case manager": "Eve Enforcer",
            "radio:Is this criminal action?": "No",
        },
    )
    step(at, **{"radio:How you contact": "Email the court presenting team"})


def test_p5b_says_why_it_asks_whether_the_action_is_criminal(sqlite_demo_db, actor_for):
    """QA (seventh session): "Is this criminal action?" came as a page of its own with no word of what the answer
    changes. It says: only whether the folder step asks about screenshots of the SR (seed 004, step 3)."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    at = open_wizard(actor, run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id).run_id)
    at.checkbox[0].check()
    next(t for t in at.text_input if t.label == "Court").input("Demo County Court")
    next(t for t in at.text_input if t.label.startswith("Enforcement case manager")).input("Eve Enforcer")
    button(at, "Continue").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Is this criminal action?"]
    assert (
        "It decides one thing: the procedure allows screenshots of the SR in the CPO folder only for criminal action, "
        "so the folder step asks about screenshots only then." in [c.value for c in at.caption]
    )


def test_a_caseworker_works_the_county_court_sr_through_the_wizard_to_closed_complete(
    sqlite_demo_db, actor_for, monkeypatch
):
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    view = run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    assert "The request for county court action" in progress(at)

    _request_recorded(at)
    assert "Create the CPO folder" in progress(at)
    step(at, **{"radio:Is a PV marker recorded": "No"})
    step(at)  # In Progress

    hearing = date.today() + timedelta(days=30)
    step(
        at,
        **{
            "text_input:Court presenting officer's name": "Pat Presenter",
            "radio:Is the hearing date known?": "Yes",
            "date_input:Hearing date and time": hearing,
        },
    )
    assert "Second PV check" in progress(at)
    assert service_request(sr_id).hearing_at is not None

    step(
        at,
        **{
            "radio:Is a PV marker recorded against the client now?": "No",
            "text_area:Payments made": "None",
            "text_area:Contact from the paying parent": "None",
        },
    )
    assert "Record the outcome" in progress(at)

    monkeypatch.setattr(run_context, "run_today", lambda: hearing)  # an outcome only from the hearing's day on
    upload_outcome_by_service(actor, view.run_id)
    at = open_wizard(actor, view.run_id)
    confirm_the_outcome(at)
    step(at)  # forward to the ECM
    step(at)  # delete the clerical files and close
    assert "is finished" in texts(at)

    sr = service_request(sr_id)
    assert (sr.status, sr.sub_status, sr.cpo_name) == ("Closed", "Complete", "Pat Presenter")
    assert [m["Subject"].split(":")[0] for m in emails(sr_id)] == [
        "Court presenting officer needed",
        f"Second PV check before hearing on {hearing.day} {hearing:%B %Y}",
        "Case file after hearing",
    ]


def test_a_county_court_hearing_moved_before_its_day_is_recorded_through_the_wizard_after_check_your_answers(
    sqlite_demo_db, actor_for, monkeypatch
):
    """The CPO moves the hearing after the second PV check, before its day. The caseworker says so on the outcome step
    (no outcome and no upload asked), gives the new date, reads on check your answers that the hearing deadline is
    moved and the note, saves, and the run goes back to the second PV check for the new hearing."""
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    view = run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    _request_recorded(at)
    step(at, **{"radio:Is a PV marker recorded": "No"})
    step(at)  # In Progress
    hearing = date.today() + timedelta(days=30)
    step(
        at,
        **{
            "text_input:Court presenting officer's name": "Pat Presenter",
            "radio:Is the hearing date known?": "Yes",
            "date_input:Hearing date and time": hearing,
        },
    )
    step(
        at,
        **{
            "radio:Is a PV marker recorded against the client now?": "No",
            "text_area:Payments made": "None",
            "text_area:Contact from the paying parent": "None",
        },
    )
    assert "Record the outcome" in progress(at)
    answer_by_label(at, **{"What happened?": "The hearing has moved to another day"})  # before the hearing's day
    assert not at.exception
    assert "Record the new hearing date" in progress(at)

    new_day = hearing + timedelta(days=14)
    answer_by_label(at, confirm=False, **{"New hearing date and time": new_day})
    shown = texts(at)
    assert "Check your answers before saving" in shown
    assert f"Hearing moved in your deadlines to {new_day.day} {new_day:%B %Y}" in shown
    assert "Hearing added to your deadlines" not in shown  # the deadline is moved, not added
    assert "Hearing moved to another day before it took place: the new hearing is at Demo County Court" in shown
    assert service_request(sr_id).hearing_at.date() == hearing  # nothing saved before Confirm and save
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert "Second PV check" in progress(at)
    assert service_request(sr_id).hearing_at.date() == new_day


def test_a_caseworker_works_the_commitment_sr_through_the_wizard_to_closed_complete(
    sqlite_demo_db, actor_for, monkeypatch
):
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Magistrates Court")
    view = run_start.start_run(actor, "P5c", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    assert "Step 1 of about 15" in at.get("progress")[0].proto.text  # 14 steps and "Finished"

    step(
        at,
        **{
            "text_input:Court": "Demo Magistrates' Court",
            "text_area:Court address": "1 Court Lane\nExampletown",
            "text_input:Amount owed": "2500.00",
            "text_input:Caseworker who asked": "Casey",
        },
    )
    step(at, **{"radio:Is a PV marker recorded": "No"})
    step(at)  # build the bundle
    step(at, **{"text_input:Region of the court summons": "South West"})
    step(at)  # In Progress
    hearing = date.today() + timedelta(days=30)
    step(at, **{"text_input:Court presenting officer's name": "Pat Presenter", "date_input:Hearing date": hearing})
    assert "Court cover letter" in progress(at)
    step(at)  # court cover letter
    step(at)  # summons back
    step(at)  # paying parent cover letter
    step(at, **{"date_input:Date the summons was issued": date.today()})
    step(
        at,
        **{
            "radio:Is a PV marker recorded against the client now?": "No",
            "text_area:Payments made": "None",
            "text_area:Contact from the paying parent": "None",
        },
    )
    assert "Record the outcome" in progress(at)
    monkeypatch.setattr(run_context, "run_today", lambda: hearing)  # an outcome only from the hearing's day on
    upload_outcome_by_service(actor, view.run_id)
    at = open_wizard(actor, view.run_id)
    confirm_the_outcome(at)
    step(at)  # forward to the ECM
    step(at)  # close
    assert "is finished" in texts(at)

    sr = service_request(sr_id)
    assert (sr.status, sr.sub_status, sr.cpo_name, sr.summons_issued_on) == (
        "Closed",
        "Complete",
        "Pat Presenter",
        date.today(),
    )
    assert [m["Subject"].split(":")[0] for m in emails(sr_id)] == [
        f"Second PV check before hearing on {hearing.day} {hearing:%B %Y}",
        "Case file after hearing",
    ]


def test_check_your_answers_says_when_an_emails_mailbox_address_is_not_set(
    sqlite_demo_db, actor_for, mailboxes_not_set
):
    """QA: the email to the court presenting team was queued to a placeholder address without a word."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    view = run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
    first = {"court": "Demo County Court", "ecm_name": "Eve Enforcer", "criminal_action": False}
    first["_checklist"] = list(view.step.checklist)
    view = runs.submit_step(actor, view.run_id, first, expected_version=view.version)
    if view.awaiting_confirmation:
        view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    view = runs.submit_step(
        actor, view.run_id, {"cpt_contact": "Email the court presenting team"}, expected_version=view.version
    )
    assert view.awaiting_confirmation
    at = open_wizard(actor, view.run_id)
    page = texts(at)
    assert "Check your answers before saving" in page
    assert "The court presenting team email address is not set in Casework Guide" in page
    assert "An administrator must set it in the mail settings." in page
    assert "placeholder" not in page


@pytest.mark.parametrize("criminal_action", [False, True], ids=["not-criminal", "criminal"])
def test_the_folder_steps_last_page_is_headed_by_what_it_asks(sqlite_demo_db, actor_for, criminal_action):
    """QA: without criminal action, the page after the PV check was headed "Screenshots of the SR saved in the
    folder?" (asked only for criminal action) above the notes for the CPO alone. It is headed by the notes now;
    with criminal action, by the screenshots question. Back and Continue keep to the same pages."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    view = run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    step(
        at,
        **{
            "text_input:Court": "Demo County Court",
            "text_input:Enforcement case manager": "Eve Enforcer",
            "radio:Is this criminal action?": "Yes" if criminal_action else "No",
        },
    )
    step(at, **{"radio:How you contact": "Email the court presenting team"})
    assert "Create the CPO folder" in progress(at)
    for box in at.checkbox:
        box.check()
    button(at, "Continue").click().run()
    assert at.title[0].value == "Is a PV marker recorded against the client?"
    at.radio[0].set_value("No")
    button(at, "Continue").click().run()

    screenshots = "Screenshots of the SR saved in the folder?"
    notes = "Notes for the CPO on the referral form (optional)"
    if criminal_action:
        assert at.title[0].value == screenshots
        [radio] = at.radio
        assert radio.label == screenshots
        assert radio.proto.label_visibility.value == radio.proto.label_visibility.COLLAPSED  # the heading asks it
        assert at.text_area[0].label == notes  # drawn under its own label, below the question
        assert at.text_area[0].proto.label_visibility.value != radio.proto.label_visibility.COLLAPSED
    else:
        assert at.title[0].value == notes
        assert screenshots not in texts(at)
        assert not at.radio
        [area] = at.text_area
        assert area.label == notes
        assert area.proto.label_visibility.value == area.proto.label_visibility.COLLAPSED  # the heading asks it

    button(at, "Back").click().run()
    assert at.title[0].value == "Is a PV marker recorded against the client?"
    button(at, "Continue").click().run()
    assert at.title[0].value == (screenshots if criminal_action else notes)
    if criminal_action:
        at.radio[0].set_value("Yes")
    button(at, "Continue").click().run()
    assert not at.exception
    assert "There is a problem" not in texts(at)
    assert at.title[0].value == "Check your answers before saving"


def test_no_to_the_pv_question_on_a_pv_case_is_refused_on_its_own_page(sqlite_demo_db, actor_for):
    """The SSST caseworker works a county court SR on a case whose record shows a PV marker. On "Is a PV marker
    recorded against the client?" they answer "No" and press Continue: the same page says why, at the answer and in
    the summary, before the folder step's last page is asked (it used to be refused only from that last page). With
    "Yes" they go on to the notes for the CPO."""
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    set_case(case_id, potentially_violent=True)
    view = run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
    at = open_wizard(actor, view.run_id)
    _request_recorded(at)
    for box in at.checkbox:
        box.check()
    button(at, "Continue").click().run()
    question = "Is a PV marker recorded against the client?"
    assert at.title[0].value == question
    at.radio[0].set_value("No")
    button(at, "Continue").click().run()

    assert not at.exception
    assert at.title[0].value == question  # refused on its own page
    assert [m.value for m in at.markdown if "**Error:**" in m.value] == [f":red[**Error:** {TO_THE_CPO}]"]
    assert TO_THE_CPO in next(e.value for e in at.error if "There is a problem" in e.value)
    assert "pv_marker" not in texts(at)
    assert "Create the CPO folder" in progress(at)

    at.radio[0].set_value("Yes")
    button(at, "Continue").click().run()
    assert "There is a problem" not in texts(at)
    assert at.title[0].value == "Notes for the CPO on the referral form (optional)"


def test_check_your_answers_cautions_a_second_pv_check_that_finds_no_marker_after_the_first_found_one(
    sqlite_demo_db, actor_for, monkeypatch
):
    """QA (seventh session): P5b's first check recorded a PV marker, the second said none, and nothing was said.
    "Check your answers" for the second check now cautions, above Confirm and save; confirming still saves."""
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "County Court")
    walk = Walk(actor, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)  # the first check: a PV marker recorded
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{date.today() + timedelta(days=30)} 10:00")
    walk.answer(confirm=False, second_pv_marker=False, payments_since="None", contact_since="None")
    at = open_wizard(actor, walk.view.run_id)
    assert at.title[0].value == "Check your answers before saving"
    assert pv_checks_disagree(walk.view.run_id, "create_folder") in [w.value for w in at.warning]

    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert "Record the outcome" in progress(at)
    assert [m["Subject"].split(":")[0] for m in emails(sr_id)][-1].startswith("Second PV check")
