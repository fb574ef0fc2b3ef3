"""P5e Face to face: every branch walked headlessly through the run API, on SQLite and PostgreSQL.

The run starts from the demo Face to Face Visit SR allocated to ssst.caseworker, the child of the
initiating caseworker's SR (owned by `caseworker`, team leader `teamleader`).
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Case, ServiceRequest, Task, User
from domain import deadlines as rules
from domain.clock import UK, format_date, format_uk, is_working_day, uk_local
from letters.render import docx_text
from procedures import registry
from procedures.effects import CmsLine
from services import records, run_context, run_start, run_summary, runs, sr_view
from services.contact_notes import case_contact_notes
from services.errors import DomainError, ValidationFailed
from services.procedure_map import procedure_map
from services.transaction import transaction
from tests.pdfs import a_pdf
from tests.procedures.p4_helpers import Clock
from tests.procedures.ssst_walks import (
    allocated_sr,
    attachments,
    audit_actions,
    case_value,
    counts,
    deadline_list,
    outbox_rows,
    set_case,
    sr_row,
    tasks_for,
)
from tests.procedures.walk import Walk
from tests.ssst import team_sr

F2F = "Face to Face Visit"
MOVED = "The appointment has moved to another day"
OWNER_AND_LEADER = ["caseworker@demo.casework.invalid", "teamleader@demo.casework.invalid"]


@pytest.fixture
def ssst(actor_for):
    return actor_for("ssst.caseworker")


def start(ssst, *, pv: bool = False, version: str | None = None) -> tuple[Walk, int, int]:
    case_id, sr_id = allocated_sr(ssst, F2F)
    set_case(case_id, potentially_violent=pv)
    return Walk(ssst, "P5e", case_id, sr_id=sr_id, version=version), case_id, sr_id


def appointment_at(days: int = 10) -> datetime:
    day = uk_local(datetime.now(UTC)).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=UK)


def refer(walk: Walk, *, pv: bool = False, reason: str = "Payments", details: str | None = None) -> None:
    walk.answer(client_role="Paying parent", pv_marker=pv, pv_details="Checked Contact Summary step 4.")
    answers = {"visit_reason": reason, "referral_details": "Prefers mornings."}
    if details is not None:
        answers["reason_details"] = details
    walk.answer(**answers)
    walk.answer()  # set In Progress


def accepted(walk: Walk, **kwargs) -> None:
    refer(walk, **kwargs)
    walk.answer(vsat_accepted=True)
    assert walk.step == "appointment"


def book(walk: Walk, days: int = 10, *, then: Clock | None = None) -> None:
    """Book the visit `days` from now; with `then`, the run's clock moves on to its day (an outcome is recorded only
    once the appointment's day has come)."""
    walk.answer(appointment_at=appointment_at(days).strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre")
    if then is not None:
        then.today = appointment_at(days).date()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def test_p5e_is_registered_and_works_the_face_to_face_sr(demo_db):
    procedure = registry.get("P5e")
    assert procedure.works_on == (("Face to Face", "Visiting Service", "Face to Face Visit"),)
    assert run_start.procedure_for_sr("Face to Face", "Visiting Service", "Face to Face Visit").id == "P5e"


def test_a_pv_check_that_misses_the_marker_on_the_case_is_refused(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst, pv=True)
    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(client_role="Paying parent", pv_marker=False, pv_details="Nothing found")
    assert "The case record shows a PV marker" in info.value.errors["pv_marker"]
    assert counts(sr_id) == before
    walk.answer(client_role="Paying parent", pv_marker=True, pv_details="PV marker: attend in pairs.")
    assert walk.outcome().srs["main"].notes == (
        "Full PV check on the 2012 system for the paying parent: a PV marker is recorded. PV marker: attend in pairs.",
    )
    # What the check found reaches the visiting officer on the CMSF5579 itself, not only the SR Notes (QA found the
    # form said only that a marker is recorded)
    walk.answer(visit_reason="Payments", referral_details="Prefers mornings.")
    ((_row, message),) = outbox_rows(sr_id)
    form = docx_text(next(message.iter_attachments()).get_content())
    assert "A PV marker is recorded on this case." in form
    assert "What the check found: PV marker: attend in pairs." in form


def test_the_referral_form_goes_to_vsat_by_email_and_is_kept_as_the_clerical_file(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(confirm=False, visit_reason="Payments", referral_details="Prefers mornings.")
    assert walk.view.awaiting_confirmation
    walk.confirm()
    assert walk.step == "set_in_progress"
    sr = sr_row(sr_id)
    scin, number, name = case_value(case_id, "scin"), sr["number"], case_value(case_id, "paying_parent_name")

    ((row, message),) = outbox_rows(sr_id)
    assert message["Subject"] == f"Face to face referral CMSF5579: SCIN {scin}, SR {number}"
    assert str(message["To"]).startswith("CSA VSAT INTERVIEWS <")
    assert "SOUTHWESTSPECIALISTSERVICESUPPORTTEAM" in str(message["Disposition-Notification-To"])
    # the reason as the service names it, not the CMSL5501 paragraph written to the client (QA)
    assert "Reason for the visit: Payments\r\n" in message.get_body().get_content()
    assert "in your case" not in message.get_body().get_content()
    (attached,) = list(message.iter_attachments())
    assert attached.get_filename() == "CMSF5579.docx"
    form = docx_text(attached.get_content())
    for expected in (name, number, scin, "Paying parent", "No PV marker recorded", "Prefers mornings."):
        assert expected in form
    assert "What the check found: No marker." in form
    assert row.status == "queued"
    assert any(
        text.startswith("Phone CSA VSAT INTERVIEWS to follow up") and sid == sr_id
        for _k, text, sid in tasks_for("ssst.caseworker")
    )

    (bundle,) = attachments(sr_id)
    assert bundle.kind == "bundle_zip"
    assert bundle.file_name == f"{number}-face-to-face-referral.zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zipped:
        assert zipped.namelist() == ["CMSF5579.docx"]
        assert name in docx_text(zipped.read("CMSF5579.docx"))

    walk.answer()
    assert sr_row(sr_id)["status"] == "In Progress"
    assert walk.step == "vsat_decision"


def test_vsat_rejecting_the_referral_closes_the_sr_cancelled_and_tells_the_owning_caseworker_and_leader(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    refer(walk)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(vsat_accepted=False)
    assert "rejection_reason" in info.value.errors
    walk.answer(vsat_accepted=False, rejection_reason="No visiting officer covers the area.")
    assert walk.step == "referral_rejected"
    # QA, 7 December: the step said whom it emails in one sentence for runs with and without the asker's SR
    assert walk.view.step.guidance == (
        "The visit will not happen. Casework Guide emails the owning caseworker and their team leader (read receipt, "
        "follow-up phone task) and closes the SR Cancelled with Resolution Code Referral Rejected."
    )
    walk.answer()
    assert walk.view.status == "finished"

    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["resolution_code"]) == ("Closed", "Cancelled", "Referral Rejected")
    # QA: the finish page said "Closed (Cancelled)", SR detail's heading likewise; the panel gave it as a suggestion
    cancelled = CmsLine(
        "Sub Status: choose the Sub Status that cancels the SR (the procedure says 'Close and Cancel the SR')",
        suggestion="Cancelled",
    )
    assert _sub_status_shown(ssst, walk, sr_id) == ("Closed", cancelled, cancelled)
    assert walk.outcome().srs["main"].notes[-2:] == (
        "VSAT rejected the face to face referral: No visiting officer covers the area.",
        "Owning caseworker and team leader told that the referral was rejected.",
    )
    _referral, (row, message) = outbox_rows(sr_id)
    assert [a.addr_spec for a in message["To"].addresses] == OWNER_AND_LEADER
    assert message["Subject"].startswith("Face to face referral rejected: SCIN ")
    assert "Reason given: No visiting officer covers the area." in message.get_body().get_content()
    assert "Disposition-Notification-To" in message
    assert row.status == "queued"


def test_the_appointment_goes_onto_the_sr_with_a_deadline_and_cmsl5501_is_due_to_the_client(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    accepted(walk)
    walk.answer(
        confirm=False, appointment_at=appointment_at().strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre"
    )
    assert walk.view.awaiting_confirmation
    assert any(
        line.text.endswith(", set Appointment location = Demo Jobcentre") and "main" not in line.text
        for line in walk.view.cms
    )
    walk.confirm()

    sr = sr_row(sr_id)
    assert sr["appointment_at"] == appointment_at()
    assert sr["appointment_location"] == "Demo Jobcentre"
    ((kind, done, explanation),) = deadline_list(sr_id)
    assert (kind, done) == (rules.APPOINTMENT, False)
    assert explanation == rules.appointment(appointment_at(), "Demo Jobcentre").explanation
    assert "at Demo Jobcentre is at 10:30 on" in explanation
    ((code, recipient, status, context),) = walk.outcome().letters
    assert (code, recipient, status) == ("CMSL5501", "paying_parent", "due")
    assert context["recipient_name"] == case_value(case_id, "paying_parent_name")
    assert (context["reason"], context["appointment_time"]) == ("payments", "10:30")
    assert walk.step == "visit_outcome"


def test_an_other_reason_needs_free_text_which_the_letter_uses(demo_db, ssst):
    walk, _case_id, _sr_id = start(ssst)
    walk.answer(client_role="Receiving parent", pv_marker=False, pv_details="No marker.")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_reason="Other (free text)")
    assert "reason_details" in info.value.errors
    walk.answer(visit_reason="Other (free text)", reason_details="Your new address")
    walk.answer()
    walk.answer(vsat_accepted=True)
    book(walk)
    ((_code, recipient, _status, context),) = walk.outcome().letters
    assert (recipient, context["reason"], context["other_details"]) == ("receiving_parent", "other", "Your new address")


def referral_form(sr_id: int) -> list[str]:
    ((_row, message),) = outbox_rows(sr_id)
    return docx_text(next(message.iter_attachments()).get_content()).splitlines()


def test_the_referral_form_gives_a_listed_reason_and_leaves_out_the_extra_heading_when_nothing_was_added(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(visit_reason="Payments")
    form = referral_form(sr_id)
    assert "Reason for the visit | Payments" in form
    assert not any("Anything else the visiting officer should know" in line for line in form)
    assert form[-1] == "What the check found: No marker."


def test_the_referral_form_gives_the_reason_typed_for_other_and_what_else_the_officer_should_know(demo_db, ssst):
    """QA: the form printed "Other (free text)", our option's label, as the reason VSAT reads."""
    walk, _case_id, sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(
        visit_reason="Other (free text)", reason_details="Your new address", referral_details="Prefers mornings."
    )
    form = referral_form(sr_id)
    assert "Reason for the visit | Your new address" in form
    assert not any("Other (free text)" in line or "Reason details" in line for line in form)
    heading = form.index("Anything else the visiting officer should know")
    assert form[heading + 1 :] == ["Prefers mornings."]


def test_failing_to_attend_twice_means_a_new_appointment_and_the_deadline_moves(demo_db, ssst, clock):
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, days=5, then=clock)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_result="Client failed to attend", missed_count="0")
    assert info.value.errors["missed_count"] == (
        "Enter a number from 1 to 1000 for: How many times has the client now failed to attend this visit?"
    )
    walk.answer(visit_result="Client failed to attend", missed_count="1")
    assert walk.step == "appointment"
    book(walk, days=12, then=clock)
    walk.answer(visit_result="Client failed to attend", missed_count="2")
    assert walk.step == "appointment"  # twice is not enough to close
    book(walk, days=20, then=clock)
    assert sr_row(sr_id)["status"] == "In Progress"
    ((kind, done, explanation),) = deadline_list(sr_id)  # moved, not added
    assert (kind, done) == (rules.APPOINTMENT, False)
    assert explanation == rules.appointment(appointment_at(20), "Demo Jobcentre").explanation
    assert len(walk.outcome().letters) == 3
    assert "The client failed to attend the visit (2 times in all): a new appointment is needed." in (
        walk.outcome().srs["main"].notes
    )


def test_check_your_answers_says_the_first_appointment_is_added_and_a_new_one_after_a_miss_moved(demo_db, ssst, clock):
    """A miss meets no deadline, so the new appointment after it replaces the open one: check your answers said "added
    to your deadlines", which read as a second appointment (lead's decision, 8 December)."""
    walk, _case_id, _sr_id = start(ssst)
    accepted(walk)
    first = walk.checked(
        appointment_at=appointment_at(5).strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre"
    )
    assert [d.words for d in first.dates_set if d.explanation] == [
        f"Face to face appointment added to your deadlines for {format_uk(appointment_at(5))}"
    ]
    walk.confirm()
    clock.today = appointment_at(5).date()
    walk.answer(visit_result="Client failed to attend", missed_count="1")
    again = walk.checked(
        appointment_at=appointment_at(12).strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre"
    )
    assert [d.words for d in again.dates_set if d.explanation] == [
        f"Face to face appointment moved in your deadlines to {format_uk(appointment_at(12))}"
    ]


def test_a_miss_count_lower_than_the_misses_already_recorded_is_refused_so_the_third_miss_closes(demo_db, ssst, clock):
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, days=5, then=clock)
    walk.answer(visit_result="Client failed to attend", missed_count="1")
    book(walk, days=12, then=clock)
    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_result="Client failed to attend", missed_count="1")  # the same count again
    assert info.value.errors["missed_count"].startswith("Enter 2 or more: this run has already recorded 1 missed")
    assert counts(sr_id) == before
    walk.answer(visit_result="Client failed to attend", missed_count="2")
    book(walk, days=20, then=clock)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_result="Client failed to attend", missed_count="2")
    assert info.value.errors["missed_count"].startswith("Enter 3 or more")
    walk.answer(visit_result="Client failed to attend", missed_count="3")
    assert walk.step == "failed_to_attend"
    walk.answer()
    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["resolution_code"]) == ("Closed", "Cancelled", "Failed To Attend")


def test_a_third_failure_to_attend_closes_the_sr_with_resolution_code_failed_to_attend(demo_db, ssst, clock):
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, then=clock)
    walk.answer(visit_result="Client failed to attend", missed_count="3")
    assert walk.step == "failed_to_attend"
    walk.answer(confirm=False)
    shown = [(line.text, line.suggestion) for line in walk.view.cms]
    # Seed 004 step 5 says only "close the SR" here: the CMS line must not quote it as "Close and Cancel"
    assert shown[0][0].endswith("set Status = Closed"), shown
    sub_status = next((text, suggestion) for text, suggestion in shown if "Sub Status" in text)
    assert sub_status[0].endswith(
        "Sub Status: choose the Sub Status your team uses when a visit did not happen; the procedure says only "
        "'close the SR' here"
    )
    assert sub_status[1] == "Cancelled"
    assert not any("Close and Cancel" in text for text, _ in shown)
    walk.confirm()
    assert walk.view.status == "finished"
    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["resolution_code"]) == ("Closed", "Cancelled", "Failed To Attend")
    # the finish page and SR detail give the Sub Status in this close's own words, as the panel did
    line = CmsLine(
        "Sub Status: choose the Sub Status your team uses when a visit did not happen; the procedure says only "
        "'close the SR' here",
        suggestion="Cancelled",
    )
    assert _sub_status_shown(ssst, walk, sr_id) == ("Closed", line, line)

    assert [done for _k, done, _e in deadline_list(sr_id)] == [True]
    origin = sr["parent_id"]
    assert any(
        kind == "message" and "failed to attend 3 times" in text and sid == origin
        for kind, text, sid in tasks_for("caseworker")
    )


def _sub_status_shown(actor, walk: Walk, sr_id: int) -> tuple[str, CmsLine | None, CmsLine | None]:
    """What the finish page says happened to the run's SR, its Sub Status there, and on SR detail."""
    (summary,) = [s for s in run_summary.run_srs(actor, walk.view.run_id) if s.number == sr_row(sr_id)["number"]]
    return summary.what_happened, summary.sub_status, sr_view.sr_full_view(actor, sr_id).sub_status


def test_a_completed_visit_is_recorded_the_files_deleted_and_the_initiating_caseworker_told(demo_db, ssst, clock):
    walk, case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, then=clock)
    walk.answer(visit_result="Visit completed")
    assert walk.step == "record_visit"
    assert [done for _k, done, _e in deadline_list(sr_id)] == [True]

    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(returned_form=("cmsf5579.pdf", b"GIF89a not a pdf"), visit_summary="Done")
    assert "PDF" in info.value.errors["returned_form"]
    assert counts(sr_id) == before

    walk.answer(returned_form=("CMSF5579 returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    assert walk.step == "reason_and_resolution"
    files = {a.kind: a for a in attachments(sr_id)}
    assert files["outcome_pdf"].content.startswith(b"%PDF")
    assert (files["bundle_zip"].content, files["bundle_zip"].deleted_at is not None) == (None, True)
    assert "attachment.deleted" in audit_actions(sr_id)
    outcome = walk.outcome()
    assert outcome.srs["main"].notes[-1] == "Face to face visit completed: Payment plan agreed."
    assert outcome.contact_notes == ("Face to face visit completed: Payment plan agreed.",)
    _referral, (_row, message) = outbox_rows(sr_id)
    assert [a.addr_spec for a in message["To"].addresses] == OWNER_AND_LEADER
    assert (
        message["Subject"]
        == f"Face to face visit completed: SCIN {case_value(case_id, 'scin')}, SR {sr_row(sr_id)['number']}"
    )

    with pytest.raises(ValidationFailed):
        walk.answer(sr_reason="Payments", resolution_code="Not a code")
    walk.answer(sr_reason="Payments", resolution_code="Completed")
    origin = sr_row(sr_id)["parent_id"]
    told = [(kind, sid) for kind, text, sid in tasks_for("caseworker") if "face to face visit" in text.lower()]
    assert sorted(told) == [("message", origin), ("task", origin)]
    # The demo's caseworker who asked is in the CSA team, the case the SSST's: they cannot open its page, so their task
    # sends them to step 6's email, not to the case's Contact Notes.
    assert [(kind, text) for kind, text, _sid in tasks_for("caseworker") if "face to face visit" in text.lower()] == [
        ("task", "The face to face visit is completed: proceed with the case (the visit summary is in the email 'Face "
                 "to face visit completed' to the owning caseworker and team leader)."),
        ("message", "The face to face visit you asked for is completed."),  # not "your case": it is the SSST's
    ]  # fmt: skip
    assert walk.step == "close_sr"
    walk.answer()
    assert walk.view.status == "finished"
    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["resolution_code"], sr["reason"]) == (
        "Closed",
        "Complete",
        "Completed",
        "Payments",
    )
    assert sr_row(origin)["status"] == "In Progress"  # the initiating caseworker's SR stays theirs to work


def _team_leaders_of_case(case_id: int) -> list[str]:
    """The email addresses of the active team leaders of the case's own team (read here, not from the product)."""
    with transaction() as session:
        team_id = session.scalar(select(Case.team_id).where(Case.id == case_id))
        return list(
            session.scalars(
                select(User.email)
                .where(User.team_id == team_id, User.role == "team_leader", User.is_active, User.email.is_not(None))
                .order_by(User.id)
            )
        )


def _visit_done_tasks(sr_id: int) -> list[tuple[str, int | None, int | None]]:
    """(kind, assignee, team) of the tasks and messages on an SR that say the visit is completed (the follow-up phone
    tasks of its emails are the SSST caseworker's own)."""
    with transaction() as session:
        rows = session.scalars(select(Task).where(Task.sr_id == sr_id).order_by(Task.id)).all()
        return [(t.kind, t.assignee_id, t.team_id) for t in rows if t.text.startswith("The face to face visit")]


def test_started_from_the_case_the_cases_team_leaders_are_told_not_the_ssst_caseworker(demo_db, ssst):
    """With no SR of the caseworker who asked bound to the run, nobody in Casework Guide is known to have asked. Until 7
    December 2026 the run's own SR's owner was emailed: the SSST caseworker told themself that VSAT rejected the
    referral. The case's team leaders are told instead, to pass it on."""
    case_id, _sr_id = allocated_sr(ssst, F2F)
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5e", case_id)
    refer(walk)
    walk.answer(vsat_accepted=False, rejection_reason="Out of area")
    assert walk.view.step.guidance == (  # the step says who is told on this run, not both
        "The visit will not happen. Casework Guide emails the team leaders of the case's team, to pass on to the "
        "caseworker who asked (read receipt, follow-up phone task) and closes the SR Cancelled with Resolution Code "
        "Referral Rejected. No SR of the caseworker who asked is linked to this one, so Casework Guide cannot tell "
        "them itself."
    )
    walk.answer()
    main = walk.outcome().srs["main"]
    assert (main.sub_area, main.status, main.resolution_code) == (F2F, "Closed", "Referral Rejected")
    assert main.notes[-1] == "The case's team leaders told that the referral was rejected."
    _referral, (_row, message) = outbox_rows(_find(main.number))
    leaders = _team_leaders_of_case(case_id)
    assert leaders
    assert [a.addr_spec for a in message["To"].addresses] == leaders
    assert "ssst.caseworker@demo.casework.invalid" not in leaders


def test_started_from_the_case_the_completed_visits_email_task_and_message_go_to_the_cases_team(demo_db, ssst, clock):
    case_id, _sr_id = allocated_sr(ssst, F2F)
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5e", case_id)
    accepted(walk)
    book(walk, then=clock)
    walk.answer(visit_result="Visit completed")
    walk.answer(returned_form=("returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    number = walk.outcome().srs["main"].number
    sr_id = _find(number)
    completed = [m for _row, m in outbox_rows(sr_id) if m["Subject"].startswith("Face to face visit completed")]
    assert [[a.addr_spec for a in m["To"].addresses] for m in completed] == [_team_leaders_of_case(case_id)]
    walk.answer(sr_reason="Payments", resolution_code="Completed")
    with transaction() as session:
        team_id = session.scalar(select(Case.team_id).where(Case.id == case_id))
    tasks = _visit_done_tasks(sr_id)
    assert sorted(kind for kind, _assignee, _team in tasks) == ["message", "task"]
    assert {(assignee, team) for _kind, assignee, team in tasks} == {(None, team_id)}  # the team's, nobody's own
    assert _visit_done_texts(sr_id) == [
        ("task", "The face to face visit is completed: proceed with the case (read the visit summary in the case's "
                 "Contact Notes: find the case by its SCIN)."),
        ("message", "The face to face visit on your case is completed."),
    ]  # fmt: skip
    # ... where the case's team reads it, though the SR is the SSST's (services/contact_notes.py)
    assert case_contact_notes(ssst, case_id)[0].text == "Face to face visit completed: Payment plan agreed."


def _visit_done_texts(sr_id: int) -> list[tuple[str, str]]:
    """(kind, text) of the tasks and messages on an SR that say the visit is completed, in the order raised."""
    with transaction() as session:
        rows = session.scalars(select(Task).where(Task.sr_id == sr_id).order_by(Task.id)).all()
        return [(t.kind, t.text) for t in rows if t.text.startswith("The face to face visit")]


def test_an_owning_caseworker_of_the_cases_team_is_sent_to_the_cases_contact_notes(demo_db, ssst, actor_for, clock):
    """The CSA caseworker asked for the visit from an SR of theirs on their own case; the Face to Face Visit SR, its
    child, is the SSST's. Their task to proceed sends them to the case's Contact Notes, which they read there."""
    asker = actor_for("caseworker")
    with transaction() as session:
        case = session.scalars(
            select(Case).where(Case.team_id == asker.team_id, Case.sensitive.is_(False)).order_by(Case.id)
        ).first()
        assert case is not None
        origin = records.create_sr(
            session, None, case=case, process="Arrears", area="Arrears Management", sub_area="Arrears Review",
            owner_id=asker.user_id, status="In Progress",
        )  # fmt: skip
        visit = records.create_sr(
            session, None, case=case, process="Face to Face", area="Visiting Service", sub_area=F2F,
            team_id=ssst.team_id, owner_id=ssst.user_id, parent=origin,
        )  # fmt: skip
        case_id, origin_id, visit_id = case.id, origin.id, visit.id
    set_case(case_id, potentially_violent=False)
    walk = Walk(ssst, "P5e", case_id, sr_id=visit_id)
    accepted(walk)
    book(walk, then=clock)
    walk.answer(visit_result="Visit completed")
    walk.answer(returned_form=("CMSF5579 returned.pdf", a_pdf()), visit_summary="Payment plan agreed.")
    walk.answer(sr_reason="Payments", resolution_code="Completed")
    assert [(kind, text, sid) for kind, text, sid in tasks_for("caseworker") if sid == origin_id] == [
        ("task", "The face to face visit is completed: proceed with the case (read the visit summary in the case's "
                 "Contact Notes: find the case by its SCIN).", origin_id),
        ("message", "The face to face visit on your case is completed.", origin_id),
    ]  # fmt: skip
    assert case_contact_notes(asker, case_id)[0].text == "Face to face visit completed: Payment plan agreed."


def _find(number: str) -> int:
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == number))
        assert sr_id is not None
        return sr_id


def test_a_run_on_another_kind_of_sr_or_a_closed_one_is_refused(demo_db, ssst):
    other = team_sr(ssst)
    with pytest.raises(
        DomainError, match="works on SRs of type Face to Face / Visiting Service / Face to Face Visit; SR "
    ):
        run_start.start_run(ssst, "P5e", case_id=sr_row(other)["case_id"], sr_id=other)
    walk, case_id, sr_id = start(ssst)
    refer(walk)
    walk.answer(vsat_accepted=False, rejection_reason="Out of area")
    walk.answer()
    with pytest.raises(DomainError, match="is closed"):
        run_start.start_run(ssst, "P5e", case_id=case_id, sr_id=sr_id)


def test_a_reason_meant_for_the_other_parent_is_refused_at_the_reason(demo_db, ssst):
    """QA found "Enforcement update (receiving parent)" accepted for a visit with the paying parent: its CMSL5501
    paragraph ("The steps we are taking against the other parent...") would have gone to the paying parent."""
    walk, _case_id, sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_reason="Enforcement update (receiving parent)", referral_details="")
    assert info.value.errors == {
        "visit_reason": "This reason is for a visit with the receiving parent, and this visit is with the paying "
        "parent, as saved at 'Read the visit request and do a full PV check'. Choose another reason. If the visit is "
        "in fact with the receiving parent, note that on the SR and ask your team leader."
    }
    assert counts(sr_id) == before
    assert outbox_rows(sr_id) == []
    assert not walk.view.can_go_back  # so the message never says to go back and change who the visit is with
    walk.answer(visit_reason="Enforcement (paying parent)", referral_details="")
    assert walk.step == "set_in_progress"


@pytest.mark.parametrize(
    ("version", "if_moved"),
    [
        (
            "1",
            "If the appointment has moved, add the new date to the SR Notes and ask your team leader: the appointment "
            "was saved at 'Record the appointment and send CMSL5501' and cannot be changed here.",
        ),
        ("2", f"If the appointment has moved, choose '{MOVED}'."),
    ],
)
def test_what_happened_at_a_visit_is_refused_before_the_appointments_day(demo_db, ssst, clock, version, if_moved):
    """QA recorded "failed to attend" three times (closing the SR) eight days before the appointment. Version 2 says
    how to record a move instead; a run on version 1 has no such answer and keeps its words."""
    walk, _case_id, sr_id = start(ssst, version=version)
    accepted(walk)
    book(walk, days=8)
    before = counts(sr_id)
    day = appointment_at(8).date()
    for result in (
        {"visit_result": "Client failed to attend", "missed_count": "3"},
        {"visit_result": "Visit completed"},
    ):
        with pytest.raises(ValidationFailed) as info:
            walk.answer(**result)
        assert info.value.errors == {
            "visit_result": f"The appointment is on {format_date(day)}. Record what happened once it has taken place. "
            + if_moved
        }
        assert not walk.view.can_go_back  # so it never says to go back and change the appointment
        assert counts(sr_id) == before
        assert sr_row(sr_id)["status"] == "In Progress"
    options = {f.name: f.options for f in walk.view.step.fields}["visit_result"]
    assert (MOVED in options) == (version == "2")
    clock.today = day  # the appointment's day: what happened can be recorded
    walk.answer(visit_result="Visit completed")
    assert walk.step == "record_visit"


def test_an_appointment_moved_before_its_day_takes_the_new_date_and_waits_for_it(demo_db, ssst, clock):
    """Version 2. The consultant moves the visit eight days before it: the move is recorded at once, the new date is
    checked as the first was and shown on check your answers before it is saved, the SR's appointment date and the
    appointment deadline move to it, and the outcome waits for the new day. A move is not a miss."""
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, days=8)
    notes = walk.outcome().srs["main"].notes
    walk.answer(visit_result=MOVED)  # before the appointment's day
    assert walk.step == "appointment_moved"
    assert walk.outcome().srs["main"].notes == notes  # nothing saved yet: Back still reaches the answer
    assert walk.view.can_go_back
    walk.back()
    assert walk.step == "visit_outcome"
    walk.answer(visit_result=MOVED)

    yesterday = appointment_at(-1).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(moved_appointment_at=yesterday)
    assert info.value.errors == {
        "moved_appointment_at": "New appointment date and time must be today or in the future."
    }
    assert walk.outcome().srs["main"].notes == notes

    new = _next(lambda day: is_working_day(day, "England") and day > appointment_at(8).date(), after=9)
    view = walk.checked(moved_appointment_at=new.strftime("%Y-%m-%d %H:%M"))
    assert [n.text for n in view.notes] == [f"Face to face appointment moved to {format_uk(new)} at Demo Jobcentre."]
    assert [(d.words, d.explanation) for d in view.dates_set if d.explanation] == [
        (
            f"Face to face appointment moved in your deadlines to {format_uk(new)}",
            rules.appointment(new, "Demo Jobcentre").explanation,
        )
    ]
    # A suggestion: the seed names no SR update for a moved appointment, so never step 4's sentence.
    (date_line,) = [line for line in view.cms if line.suggestion == "Appointment date and time"]
    assert date_line.text.endswith(
        f"set the appointment date and time in the field your team uses (the procedure names none): {format_uk(new)}"
    )
    assert date_line.source is None
    assert sr_row(sr_id)["appointment_at"] == appointment_at(8)  # nothing saved before check your answers
    walk.confirm()

    assert walk.step == "visit_outcome"
    assert sr_row(sr_id)["appointment_at"] == new
    ((kind, done, explanation),) = deadline_list(sr_id)  # moved, not added
    assert (kind, done, explanation) == (rules.APPOINTMENT, False, rules.appointment(new, "Demo Jobcentre").explanation)
    assert (
        walk.outcome().srs["main"].notes[-1] == f"Face to face appointment moved to {format_uk(new)} at Demo Jobcentre."
    )
    assert len(walk.outcome().letters) == 1  # no second CMSL5501
    assert not walk.view.can_go_back  # the new date is saved on the SR

    clock.today = appointment_at(8).date()  # the old day: the visit is no longer on it
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_result="Client failed to attend", missed_count="1")
    assert info.value.errors["visit_result"].startswith(f"The appointment is on {format_date(new.date())}.")
    clock.today = new.date()
    walk.answer(visit_result="Client failed to attend", missed_count="1")  # the move was not a miss
    assert walk.step == "appointment"


def test_a_moved_appointment_can_move_again_and_a_rebooking_after_a_miss_is_the_date_then_waited_for(
    demo_db, ssst, clock
):
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, days=5)
    walk.answer(visit_result=MOVED)
    walk.answer(moved_appointment_at=appointment_at(9).strftime("%Y-%m-%d %H:%M"))
    walk.answer(visit_result=MOVED)
    assert walk.view.step.fields[0].value is None  # the step looped back into starts unanswered
    walk.answer(moved_appointment_at=appointment_at(12).strftime("%Y-%m-%d %H:%M"))
    assert sr_row(sr_id)["appointment_at"] == appointment_at(12)
    clock.today = appointment_at(9).date()
    with pytest.raises(ValidationFailed):
        walk.answer(visit_result="Visit completed")
    clock.today = appointment_at(12).date()
    walk.answer(visit_result="Client failed to attend", missed_count="1")
    book(walk, days=15)  # a new appointment after the miss: now the one waited for, not the moved one
    clock.today = appointment_at(12).date()
    with pytest.raises(ValidationFailed) as info:
        walk.answer(visit_result="Visit completed")
    assert info.value.errors["visit_result"].startswith(
        f"The appointment is on {format_date(appointment_at(15).date())}."
    )
    ((kind, _done, explanation),) = deadline_list(sr_id)
    assert explanation == rules.appointment(appointment_at(15), "Demo Jobcentre").explanation


@pytest.mark.parametrize(
    ("day_matches", "what"),
    [
        (lambda day: (day.month, day.day) == (12, 25), "a bank holiday in {region} (Christmas Day)"),
        (lambda day: day.weekday() == 6, "a Sunday"),
    ],
)
def test_a_moved_appointment_on_a_day_that_is_not_a_working_day_is_cautioned_before_it_is_saved(
    demo_db, ssst, day_matches, what
):
    walk, case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, days=3)
    walk.answer(visit_result=MOVED)
    with transaction() as session:
        region = session.get_one(Case, case_id).region
    when = _next(day_matches)
    walk.checked(moved_appointment_at=when.strftime("%Y-%m-%d %H:%M"))
    assert walk.view.warnings == (
        f"{format_date(when.date())} is {what.format(region=region)}, not a working day. Check the date with the "
        "face to face consultant before you save.",
    )
    walk.confirm()  # never a refusal
    assert sr_row(sr_id)["appointment_at"] == when


def test_the_map_of_version_2_shows_the_moved_appointment_and_version_1_does_not(demo_db, ssst):
    walk, _case_id, _sr_id = start(ssst)
    history = tuple(state for state, _title in walk.view.history)
    assert "Record the new appointment\\ndate" in procedure_map("P5e", "2", history)
    assert "new appointment" not in procedure_map("P5e", "1", history)


def test_a_changed_answer_asks_no_recheck_of_a_step_never_answered(demo_db, ssst):
    """QA: "Check this step again: you changed an earlier answer it depends on" showed on the appointment step's
    first arrival, after the reason was changed on the referral's check page. Only a step answered before is asked
    to be checked again."""
    walk, _case_id, _sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(confirm=False, visit_reason="Payments", referral_details="")
    view = runs.change_answer(ssst, walk.view.run_id, "vsat_referral", expected_version=walk.view.version)
    walk.view = view
    walk.answer(visit_reason="Appeal", referral_details="")
    walk.answer()
    walk.answer(vsat_accepted=True)
    assert walk.step == "appointment"
    assert not walk.view.step.recheck


def _next(day_matches, after: int = 2) -> datetime:
    """The first day from `after` days on for which `day_matches(day)`, at 10:30 UK time."""
    day = uk_local(datetime.now(UTC)).date() + timedelta(days=after)
    while not day_matches(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=UK)


@pytest.mark.parametrize(
    ("day_matches", "what"),
    [
        (lambda day: (day.month, day.day) == (12, 25), "a bank holiday in {region} (Christmas Day)"),
        (lambda day: day.weekday() == 5 and (day.month, day.day) != (12, 26), "a Saturday"),
    ],
)
def test_an_appointment_on_a_day_that_is_not_a_working_day_is_cautioned_before_it_is_saved(
    demo_db, ssst, day_matches, what
):
    """QA booked a face to face visit for Christmas Day and nothing was said; a caution, not a refusal: the date is
    the consultant's to give."""
    walk, case_id, sr_id = start(ssst)
    accepted(walk)
    with transaction() as session:
        region = session.get_one(Case, case_id).region
    when = _next(day_matches)
    walk.answer(confirm=False, appointment_at=when.strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre")
    assert walk.view.awaiting_confirmation
    expected = (
        f"{format_date(when.date())} is {what.format(region=region)}, not a working day. Check the date with the "
        "face to face consultant before you save."
    )
    assert walk.view.warnings == (expected,)
    walk.confirm()  # never a refusal
    assert walk.step == "visit_outcome"


def test_an_appointment_on_a_working_day_has_no_caution(demo_db, ssst):
    walk, case_id, _sr_id = start(ssst)
    accepted(walk)
    with transaction() as session:
        region = session.get_one(Case, case_id).region
    when = _next(lambda day: is_working_day(day, region))
    walk.answer(confirm=False, appointment_at=when.strftime("%Y-%m-%d %H:%M"), appointment_location="Demo Jobcentre")
    assert walk.view.warnings == ()


def test_a_completed_visit_waits_for_check_your_answers_saying_the_appointment_is_met(demo_db, ssst, clock):
    """ "Visit completed" marks the appointment met (its note is fixed text): check your answers says so first, and
    Back from there leaves the appointment open. A failure to attend notes fixed text only and is saved on Continue."""
    walk, _case_id, sr_id = start(ssst)
    accepted(walk)
    book(walk, then=clock)
    notes = walk.outcome().srs["main"].notes
    view = walk.checked(visit_result="Visit completed")
    assert view.deadlines_met == ("Face to face appointment: marked met",)
    assert [n.text for n in view.notes] == ["The face to face consultant reports the visit is completed."]
    walk.back_from_check()
    assert walk.step == "visit_outcome"
    assert [done for _k, done, _e in deadline_list(sr_id)] == [False]
    assert walk.outcome().srs["main"].notes == notes
    walk.checked(visit_result="Visit completed")
    walk.confirm()
    assert walk.step == "record_visit"
    assert [done for _k, done, _e in deadline_list(sr_id)] == [True]


def test_a_failure_to_attend_notes_fixed_words_and_is_saved_on_continue(demo_db, ssst, clock):
    walk, _case_id, _sr_id = start(ssst)
    accepted(walk)
    book(walk, then=clock)
    view = walk.answer(confirm=False, visit_result="Client failed to attend", missed_count=1)
    assert not view.awaiting_confirmation
    assert walk.outcome().srs["main"].notes[-1] == (
        "The client failed to attend the visit (once in all): a new appointment is needed."
    )
