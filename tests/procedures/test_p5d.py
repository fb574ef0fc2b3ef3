"""P5d SSST Work Routing for Liability Order: every branch, walked headlessly through the run API.

Everything is the real thing: the database (SQLite and PostgreSQL), the rendered .docx forms read
back from the stored zip, the RFC 5322 messages in the outbox, the PDF check.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from email import message_from_bytes
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Attachment, Case, Deadline, Letter, OutboundEmail, ServiceRequest, Task
from domain import mail
from domain.clock import UK, is_working_day, uk_local
from domain.files import sha256
from letters.render import docx_text
from procedures import registry
from services import run_context, run_start, runs
from services.errors import DomainError, ValidationFailed
from services.mail_settings import SSST_MAILBOX
from services.procedure_map import procedure_map
from services.transaction import transaction
from tests.pdfs import a_pdf
from tests.procedures.p4_helpers import Clock
from tests.procedures.ssst_walks import UNDER_WHAT_IT_SHOWED, pv_checks_disagree
from tests.procedures.walk import Walk, run_row
from tests.ssst import sent_in_background, smtp_server

MAGISTRATES_COURT = ("Enforcement", "Court Presentation", "Magistrates Court")
MAIN_PATH = [
    "allocated",
    "contact_cpt",
    "cpt_reply",
    "create_cmel7298",
    "full_pv_check",
    "cpt_bundle",
    "set_in_progress",
    "cover_letter",
    "call_cpt",
    "issue_date",
    "second_pv_check",
    "cpo_decision",
    "record_outcome",
    "forward_to_ecm",
    "close_sr",
    "done",
]


@pytest.fixture
def ssst(actor_for):
    return actor_for("ssst.caseworker")


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def next_weekday(weekday: int, *, after: date, working_days_before: tuple[int, ...]) -> date:
    """The first `weekday` at least four weeks after `after` whose given days before it are working days."""
    day = after + timedelta(days=28)
    while day.weekday() != weekday or not all(
        is_working_day(day - timedelta(days=k), "England") for k in working_days_before
    ):
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


TODAY = uk_local(datetime.now(UK)).date()
# A Wednesday hearing at 10:00: 48 hours before is Monday 10:00, inside working hours.
HEARING = at(next_weekday(2, after=TODAY, working_days_before=(1, 2)), 10)
# The CPT's email later gives a Tuesday at 10:00: 48 hours before is Sunday, so Friday 17:00.
MOVED_HEARING = at(next_weekday(1, after=HEARING.date(), working_days_before=(4,)), 10)
# Version 2: the court adjourns HEARING to a Wednesday at 14:00; 48 hours before is Monday 14:00, a working day.
ADJOURNED_TO = at(next_weekday(2, after=HEARING.date(), working_days_before=(1, 2)), 14)


def allocated_sr(actor) -> tuple[int, int]:
    """The demo's open liability order SR allocated to ssst.caseworker: (case id, SR id)."""
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.sub_area == "Magistrates Court",
                ServiceRequest.reason == "Liability Order",
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.status == "Open",
            )
        ).one()
        return sr.case_id, sr.id


def case_facts(case_id: int) -> dict[str, Any]:
    with transaction() as session:
        case = session.get_one(Case, case_id)
        return {
            "scin": case.scin,
            "paying_parent": case.paying_parent_name,
            "region": case.region,
            "pv": case.potentially_violent,
        }


ANSWERS: dict[str, dict[str, Any]] = {
    "allocated": {
        "court_name": "Exampletown Magistrates' Court",
        "ecm_name": "Eve Enforcer",
        "amount_owed": "4321.09",
        "arrears_from": "2024-04-01",
        "arrears_to": "2025-10-31",
    },
    "cpt_reply": {"hearing_at": HEARING.strftime("%Y-%m-%d %H:%M"), "cpo_name": "Pat Presenter"},
    "full_pv_check": {"pv_marker": False, "pv_detail": "No marker; no incidents on the contact history."},
    "cover_letter": {
        "confirmed_hearing_at": HEARING.strftime("%Y-%m-%d %H:%M"),
        "costs": "95.00",
        "court_address": "1 Court Lane\nExampletown\nEX9 9ZZ",
        "cpt_information": "",
    },
    "issue_date": {"summons_issued_on": TODAY.isoformat()},  # the CPT reports it once sent: never a day to come
    "second_pv_check": {
        "second_pv_marker": False,
        "lo_schedule_payments": "£50.00 received on the 3rd",
        "paying_parent_contact": "None",
    },
    "cpo_decision": {"cpo_proceeds": True},
    "record_outcome": {
        "outcome": "Liability order granted",
        "outcome_detail": "Granted for the full amount with £95.00 costs.",
        "outcome_pdf": ("LO outcome.pdf", a_pdf(pages=2)),
    },
}


def walk_to(walk: Walk, stop: str, clock: Clock | None = None, **changes: dict[str, Any]) -> Walk:
    """Answer each step with ANSWERS (overridden per step by `changes`) until the run reaches `stop`; with `clock`,
    the run's day moves to the hearing's before the outcome (an outcome is recorded only from then on)."""
    while walk.step != stop:
        if walk.step == "record_outcome" and clock is not None:
            clock.today = HEARING.date()
        walk.answer(**{**ANSWERS.get(walk.step, {}), **changes.get(walk.step, {})})
    return walk


def start(actor) -> tuple[Walk, int, int]:
    case_id, sr_id = allocated_sr(actor)
    return Walk(actor, "P5d", case_id, sr_id=sr_id), case_id, sr_id


def sr_row(sr_id: int) -> ServiceRequest:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        session.expunge(sr)
        return sr


def open_deadlines(sr_id: int) -> dict[str, tuple[datetime, str, bool]]:
    with transaction() as session:
        rows = session.scalars(select(Deadline).where(Deadline.sr_id == sr_id).order_by(Deadline.id)).all()
        found: dict[str, tuple[datetime, str, bool]] = {}
        for d in rows:
            assert d.kind not in found, f"two {d.kind} deadlines"
            found[d.kind] = (uk_local(d.due_at), d.explanation, d.done)
        return found


def outbox(sr_id: int) -> list[tuple[str, str, Any]]:
    """(to, subject, parsed message) of every email queued for the SR, oldest first."""
    with transaction() as session:
        rows = session.scalars(select(OutboundEmail).where(OutboundEmail.sr_id == sr_id).order_by(OutboundEmail.id))
        return [(r.to_addrs, r.subject, message_from_bytes(r.raw, policy=mail.POLICY)) for r in rows]


def tasks(sr_id: int) -> list[str]:
    with transaction() as session:
        return list(session.scalars(select(Task.text).where(Task.sr_id == sr_id).order_by(Task.id)))


def bundle(sr_id: int) -> dict[str, str]:
    """The SR's stored zip bundle: document name -> its text, read back from the .docx."""
    with transaction() as session:
        row = session.scalars(
            select(Attachment).where(Attachment.sr_id == sr_id, Attachment.kind == "bundle_zip")
        ).one()
        assert row.file_name.endswith("-CPT-bundle.zip")
        with zipfile.ZipFile(io.BytesIO(row.content)) as archive:
            assert archive.testzip() is None
            return {name: docx_text(archive.read(name)) for name in archive.namelist()}


def test_p5d_is_registered_for_caseworkers_and_works_magistrates_court_srs(demo_db):
    procedure = registry.get("P5d")
    assert procedure.seed == "004_a8ae07a86098a507.txt"
    assert procedure.roles == ("caseworker",)
    assert procedure.works_on == (MAGISTRATES_COURT,)
    assert procedure.remaining(procedure.initial) == 12  # the CPO not proceeding is the shortest path


def test_the_liability_order_path_records_everything_and_closes_the_sr_complete(demo_db, ssst, clock):
    walk, case_id, sr_id = start(ssst)
    facts = case_facts(case_id)
    walk_to(walk, "done", clock)
    assert walk.path() == MAIN_PATH
    assert walk.view.status == "finished"

    sr = sr_row(sr_id)
    assert (sr.process, sr.area, sr.sub_area) == MAGISTRATES_COURT
    assert (sr.status, sr.sub_status, sr.reason) == ("Closed", "Complete", "Liability Order")
    assert (sr.court, sr.cpo_name) == ("Exampletown Magistrates' Court", "Pat Presenter")
    assert uk_local(sr.hearing_at) == HEARING
    assert sr.costs == Decimal("95.00")
    assert sr.summons_issued_on == TODAY

    main = walk.outcome().srs["main"]
    assert [(name, done) for name, done, _ in main.activities] == [
        ("Hearing Date Recorded", True),
        ("Cover Letter Issued", True),
        ("Second PV Check", True),
    ]
    notes = "\n".join(main.notes)
    assert "Liability order requested by Eve Enforcer (enforcement case manager)" in notes
    assert "£4,321.09 owed for 1 April 2024 to 31 October 2025" in notes
    assert "Court presenting officer: Pat Presenter." in notes
    assert "Full PV check on the 2012 system: no PV marker recorded." in notes
    assert "costs £95.00" in notes
    assert (
        "Second PV check emailed to the CPO: no PV marker recorded; payments affecting the LO schedule: £50.00" in notes
    )
    assert "Outcome from the CPO: Liability order granted. Granted for the full amount" in notes
    assert "LO-outcome.pdf" in notes
    assert "Case file forwarded to the ECM" in notes

    # The hearing and the second PV check, 48 hours before, with how each was worked out; both met.
    due = open_deadlines(sr_id)
    assert set(due) == {"hearing", "second_pv_check"}
    pv_at, pv_why, pv_done = due["second_pv_check"]
    assert pv_at == HEARING - timedelta(days=2)
    assert pv_at.weekday() == 0
    assert "48 hours before is 10:00 on Monday" in pv_why
    assert "within working hours" in pv_why
    assert pv_done
    assert due["hearing"][0] == HEARING
    assert "Exampletown Magistrates' Court" in due["hearing"][1]
    assert due["hearing"][2]

    # Letters and forms recorded as due: CMEL7298 for the file, CMEL9180 for the paying parent.
    letters = {code: (recipient, context) for code, recipient, _status, context in walk.outcome().letters}
    assert set(letters) == {"CMEL7298", "CMEL9180"}
    assert letters["CMEL7298"][0] == "file"
    assert letters["CMEL7298"][1]["sr_number"] == sr.number  # the marker is filled in
    assert letters["CMEL7298"][1]["hearing_date"] == HEARING.date().isoformat()
    assert letters["CMEL9180"][0] == "paying_parent"
    assert letters["CMEL9180"][1]["costs"] == "95.00"
    assert letters["CMEL9180"][1]["recipient_name"] == facts["paying_parent"]

    # The WinZip: CMEL7298, CMEL7000, SSST referral form, PV check record, then the CMEL9180 added.
    docs = bundle(sr_id)
    assert sorted(docs) == ["CMEL7000.docx", "CMEL7298.docx", "CMEL9180.docx", "CWGF003.docx", "CWGF004.docx"]
    hearing_text = f"{HEARING.day} {HEARING:%B %Y}"
    assert hearing_text in docs["CMEL7298.docx"]
    assert "Pat Presenter" in docs["CMEL7298.docx"]
    assert sr.number in docs["CMEL7298.docx"]
    assert "£4,321.09" in docs["CMEL7000.docx"]
    assert "1 April 2024" in docs["CMEL7000.docx"]
    assert "Liability order" in docs["CWGF003.docx"]
    assert "Eve Enforcer" in docs["CWGF003.docx"]
    assert "Full PV check" in docs["CWGF004.docx"]
    found = "found: No marker; no incidents on the contact history."  # on both forms, not only the SR Notes (QA)
    assert f"What the check {found}" in docs["CWGF004.docx"]
    assert f"What the PV check {found}" in docs["CWGF003.docx"]
    assert "Demo SSST Caseworker" in docs["CWGF004.docx"]
    assert "£95.00" in docs["CMEL9180.docx"]
    assert facts["paying_parent"] in docs["CMEL9180.docx"]

    # The outcome PDF is linked to the SR with its sha256.
    with transaction() as session:
        pdf = session.scalars(
            select(Attachment).where(Attachment.sr_id == sr_id, Attachment.kind == "outcome_pdf")
        ).one()
        assert (pdf.file_name, pdf.sha256) == ("LO-outcome.pdf", sha256(ANSWERS["record_outcome"]["outcome_pdf"][1]))


def test_every_email_goes_to_the_right_mailbox_with_a_read_receipt_and_a_phone_task(demo_db, ssst, clock):
    walk, case_id, sr_id = start(ssst)
    scin = case_facts(case_id)["scin"]
    walk_to(walk, "done", clock)
    number = sr_row(sr_id).number
    sent = outbox(sr_id)
    assert [(to, subject) for to, subject, _ in sent] == [
        (
            "Court Presenting Team <court.presenting.team@cms.example.org>",
            f"Hearing date and court presenting officer needed: liability order, Exampletown Magistrates' Court, "
            f"SCIN {scin}, SR {number}",
        ),
        (
            "Court Presenting Team <court.presenting.team@cms.example.org>",
            f"Hearing {HEARING.day} {HEARING:%B %Y}: CMEL9180 cover letter ready, SCIN {scin}, SR {number}",
        ),
        (
            "Court Presenting Officer <court.presenting.officer@cms.example.org>",
            f"Second PV check before hearing on {HEARING.day} {HEARING:%B %Y}: SCIN {scin}, SR {number}",
        ),
        (
            "Enforcement Case Manager <enforcement.case.manager@cms.example.org>",
            f"Case file after hearing: SCIN {scin}, SR {number}",
        ),
    ]
    for _to, _subject, message in sent:
        assert message["Disposition-Notification-To"].addresses[0].addr_spec == SSST_MAILBOX
        assert message["X-Casework-SR"] == number
    bodies = [message.get_body(("plain",)).get_content() for _to, _subject, message in sent]
    # Step 2 asks the CPT for both (QA, 7 December: it asked only who the CPO would be, saying the date was not known)
    assert bodies[0].startswith(
        "Please tell us the hearing date, and who the court presenting officer will be, for this liability order "
        f"at Exampletown Magistrates' Court (SCIN {scin}, SR {number})."
    )
    when = f"{HEARING.day} {HEARING:%B %Y}, 10:00"  # "on" a day (QA: "the hearing at 9 December 2026, 10:00")
    assert f"for the hearing at Exampletown Magistrates' Court on {when}." in bodies[1]
    assert f"before the hearing on {when}:" in bodies[2]
    assert "The case file is attached so that the LO system action can be completed." in bodies[3]
    second_pv = sent[2][2]
    assert "Payments made that affect the liability order schedule: £50.00 received on the 3rd" in (
        second_pv.get_body(("plain",)).get_content()
    )
    assert [a.get_filename() for a in second_pv.iter_attachments()] == ["CWGF004.docx"]
    assert "Second PV check" in docx_text(next(second_pv.iter_attachments()).get_content())
    assert [a.get_filename() for a in sent[3][2].iter_attachments()] == [
        "CMEL7298.docx",
        "CMEL7000.docx",
        "CWGF003.docx",
    ]
    phone = [t for t in tasks(sr_id) if t.startswith("Phone ")]
    assert len(phone) == 4
    assert all("a read receipt was requested" in t for t in phone)
    assert any("Court Presenting Officer" in t and "Second PV check" in t for t in phone)


def test_the_second_pv_check_answered_before_its_day_is_cautioned(demo_db, ssst, clock):
    """As P5b (QA, 7 December): answered weeks early, the check would be out of date by the hearing."""
    walk, _case_id, _sr_id = start(ssst)
    walk_to(walk, "second_pv_check")
    due_day = HEARING.date() - timedelta(days=2)  # a Wednesday hearing: Monday 10:00
    assert walk.view.warnings == (
        f"The second PV check is due on {due_day.day} {due_day:%B %Y}, 48 hours before the hearing. The CPO asks "
        "for it then: a check done sooner may be out of date by the hearing, so do it when the CPO asks.",
    )
    clock.today = due_day
    assert run_context.view_run(ssst, walk.view.run_id).warnings == ()


@pytest.mark.parametrize(
    ("version", "where"), [("2", UNDER_WHAT_IT_SHOWED), ("1", "in the SR Notes")], ids=["version-2", "version-1"]
)
def test_a_second_pv_check_finding_no_marker_after_the_first_found_one_is_cautioned_and_still_saves(
    demo_db, ssst, clock, version, where
):
    """QA (seventh session), as P5b: the first check's marker and the second's "none" went to the CPO without a word.
    Version 1's second check asks no findings, so it says to write them in the SR Notes."""
    case_id, sr_id = allocated_sr(ssst)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id, version=version)
    walk_to(walk, "second_pv_check", full_pv_check={"pv_marker": True, "pv_detail": "Marker from 2019"})
    clock.today = HEARING.date() - timedelta(days=2)  # its due day: no "too early" caution
    walk.answer(confirm=False, **ANSWERS["second_pv_check"])
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (pv_checks_disagree(walk.view.run_id, "full_pv_check", where),)
    walk.confirm()
    assert walk.step == "cpo_decision"
    assert [s for _to, s, _m in outbox(sr_id) if s.startswith("Second PV check")]


def test_a_second_pv_check_agreeing_with_the_first_is_not_cautioned(demo_db, ssst, clock):
    walk, _case_id, _sr_id = start(ssst)
    walk_to(walk, "second_pv_check")  # both checks: no marker
    clock.today = HEARING.date() - timedelta(days=2)
    walk.answer(confirm=False, **ANSWERS["second_pv_check"])
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == ()


def test_the_cpo_deciding_not_to_proceed_closes_the_sr_cancelled(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "cpo_decision")
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(cpo_proceeds=False)
    assert "not_proceeding_reason" in refused.value.errors
    walk.answer(confirm=False, cpo_proceeds=False, not_proceeding_reason="Paid in full after the summons.")
    assert walk.view.awaiting_confirmation
    lines = {line.text.split(", set ", 1)[-1]: line.suggestion for line in walk.view.cms}
    assert lines["Status = Closed"] is None  # published (seed 002): an instruction
    # The seed says "Close and Cancel the SR" and names no Resolution Code: both are suggestions, said in words.
    assert lines[
        "Sub Status: choose the Sub Status that cancels the SR (the procedure says 'Close and Cancel the SR')"
    ] == ("Cancelled")
    assert any(s == "Not Proceeding" and "Resolution Code: choose" in t for t, s in lines.items())
    walk.confirm()
    assert walk.path() == [*MAIN_PATH[: MAIN_PATH.index("cpo_decision") + 1], "done"]
    assert walk.view.status == "finished"
    sr = sr_row(sr_id)
    assert (sr.status, sr.sub_status, sr.resolution_code) == ("Closed", "Cancelled", "Not Proceeding")
    assert walk.outcome().srs["main"].notes[-1] == "The CPO decided not to proceed: Paid in full after the summons."
    assert all(done for _at, _why, done in open_deadlines(sr_id).values())
    assert not any("Case file after hearing" in subject for _to, subject, _ in outbox(sr_id))
    with transaction() as session:
        assert not session.scalars(
            select(Attachment).where(Attachment.kind == "outcome_pdf", Attachment.sr_id == sr_id)
        ).all()


def test_a_later_hearing_date_from_the_cpt_moves_the_hearing_and_the_second_pv_check(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "cover_letter")
    before = open_deadlines(sr_id)
    assert before["second_pv_check"][0] == HEARING - timedelta(days=2)
    walk.answer(**{**ANSWERS["cover_letter"], "confirmed_hearing_at": MOVED_HEARING.strftime("%Y-%m-%d %H:%M")})
    after = open_deadlines(sr_id)
    friday = MOVED_HEARING.date() - timedelta(days=4)
    assert after["second_pv_check"][0] == at(friday, 17)
    explanation = after["second_pv_check"][1]
    sunday = friday + timedelta(days=2)
    assert f"48 hours before is 10:00 on Sunday {sunday.day} {sunday:%B %Y}" in explanation
    assert "(a weekend day)" in explanation
    assert f"last working day before it, Friday {friday.day} {friday:%B %Y}" in explanation
    assert after["hearing"][0] == MOVED_HEARING
    assert uk_local(sr_row(sr_id).hearing_at) == MOVED_HEARING
    cmel9180 = next(ctx for code, _r, _s, ctx in walk.outcome().letters if code == "CMEL9180")
    assert cmel9180["hearing_date"] == MOVED_HEARING.date().isoformat()


def test_a_file_that_is_not_a_pdf_is_refused_at_the_field_and_nothing_is_stored(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "record_outcome")
    answers = {**ANSWERS["record_outcome"], "outcome_pdf": ("outcome.pdf", b"Dear SSST, the LO was granted")}
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**answers)
    assert "must be a PDF" in refused.value.errors["outcome_pdf"]
    assert run_context.view_run(ssst, walk.view.run_id).step.id == "record_outcome"
    with transaction() as session:
        assert not session.scalars(
            select(Attachment).where(Attachment.kind == "outcome_pdf", Attachment.sr_id == sr_id)
        ).all()
    assert sr_row(sr_id).status == "In Progress"


def test_impossible_dates_are_refused_at_their_field(demo_db, ssst, clock):
    walk, _case_id, sr_id = start(ssst)
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**{**ANSWERS["allocated"], "arrears_to": "2024-03-31"})
    assert refused.value.errors == {"arrears_to": "The end of the arrears period must be on or after its start."}
    assert walk.step == "allocated"
    walk_to(walk, "cpt_reply")
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(hearing_at=f"{TODAY - timedelta(days=1)} 10:00", cpo_name="Pat Presenter")
    assert "must be today or in the future" in refused.value.errors["hearing_at"]
    walk_to(walk, "issue_date")
    with pytest.raises(ValidationFailed) as refused:  # QA (7 December): a day still to come was taken
        walk.answer(summons_issued_on=(TODAY + timedelta(days=1)).isoformat())
    assert refused.value.errors == {
        "summons_issued_on": "Date the letter and summons were issued cannot be in the future."
    }
    clock.today = HEARING.date() + timedelta(days=2)  # reported after the hearing: a date after it is still refused
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(summons_issued_on=(HEARING.date() + timedelta(days=1)).isoformat())
    assert refused.value.errors["summons_issued_on"].startswith(
        "The letter and summons must be issued before the hearing"
    )
    assert sr_row(sr_id).summons_issued_on is None


def test_started_from_the_case_the_first_step_creates_the_magistrates_court_sr(demo_db, ssst):
    case_id, _sr_id = allocated_sr(ssst)
    walk = Walk(ssst, "P5d", case_id)
    walk.answer(**ANSWERS["allocated"], confirm=False)
    # The Reason our copy of the SR records is a CMS line too (the SR's Reason says P5d, not P5c, applies); the seed
    # gives none, so it is what to choose, ours a suggestion.
    (reason,) = [line for line in walk.view.cms if "Reason" in line.text]
    assert reason.text == (
        "On the new SR, set Reason: choose the Reason your team uses for a liability order application"
    )
    assert reason.suggestion == "Liability Order"
    walk.confirm()
    main = walk.outcome().srs["main"]
    assert (main.process, main.area, main.sub_area, main.status) == (*MAGISTRATES_COURT, "Open")
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.number == main.number)).one()
        assert (sr.reason, sr.owner_id, sr.court) == ("Liability Order", ssst.user_id, "Exampletown Magistrates' Court")


def test_the_first_step_reads_as_the_run_started_and_its_checklist_is_the_one_shown(demo_db, ssst):
    """QA (6 to 7 December): started from the case, step 1 spoke of an allocated SR the CMS panel said to create."""
    case_id, sr_id = allocated_sr(ssst)
    from_sr = Walk(ssst, "P5d", case_id, sr_id=sr_id).view.step
    assert from_sr.checklist == ("SR read: it asks for a liability order",)
    assert "your case manager has allocated you the SR" in from_sr.guidance

    walk = Walk(ssst, "P5d", case_id)
    step = walk.view.step
    assert step.title == from_sr.title == "The request for a liability order"
    assert step.checklist == ("Request read: it asks for a liability order",)
    assert (
        "there is no SR for it yet: once you have answered, 'What to enter in CMS' says how to create it"
        in step.guidance
    )
    assert "allocated" not in step.guidance
    with pytest.raises(ValidationFailed) as refused:  # the allocated wording's tick is not this run's
        runs.submit_step(
            ssst,
            walk.view.run_id,
            {**ANSWERS["allocated"], "_checklist": list(from_sr.checklist)},
            expected_version=walk.view.version,
        )
    assert refused.value.errors["_checklist"].endswith("Request read: it asks for a liability order")
    walk.answer(**ANSWERS["allocated"], confirm=False)
    assert [(row.label, row.value) for row in walk.view.summary if row.step_id == "allocated"][0] == (
        "Request read: it asks for a liability order",
        "Checked",
    )


def test_started_from_a_case_that_has_its_sr_open_the_first_step_says_so_before_a_second_is_made(demo_db, ssst):
    """QA (7 December): P5d started from the case of the liability order SR allocated to the caseworker asked for a
    second SR in CMS without a word."""
    case_id, sr_id = allocated_sr(ssst)
    number = sr_row(sr_id).number
    walk = Walk(ssst, "P5d", case_id)
    (warning,) = walk.view.warnings
    assert warning == (
        f"This case already has an open Magistrates Court SR: {number} (Open, Reason Liability Order). If it is the "
        "SR for this request, work it from My work instead and discard this run (Discard this run, under the step): "
        "saving this step asks you to create another one in CMS."
    )
    assert Walk(ssst, "P5d", case_id, sr_id=sr_id).view.warnings == ()  # its own SR: nothing to warn about


def test_a_closed_sr_or_another_kind_of_sr_cannot_start_a_run(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst)
    with transaction() as session:
        other = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.team_id == ssst.team_id, ServiceRequest.sub_area == "County Court"
            )
        ).first()
        assert other is not None
        other_case, other_id = other.case_id, other.id
    with pytest.raises(
        DomainError, match="works on SRs of type Enforcement / Court Presentation / Magistrates Court; SR "
    ):
        run_start.start_run(ssst, "P5d", case_id=other_case, sr_id=other_id)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id)
    walk_to(walk, "cpo_decision")
    walk.answer(cpo_proceeds=False, not_proceeding_reason="Withdrawn")
    with pytest.raises(DomainError, match="is closed"):
        run_start.start_run(ssst, "P5d", case_id=case_id, sr_id=sr_id)


def test_the_letters_are_on_the_sr_as_due_for_the_caseworker_to_produce(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "call_cpt")
    with transaction() as session:
        rows = session.scalars(select(Letter).where(Letter.sr_id == sr_id).order_by(Letter.id)).all()
        assert [(r.template_code, r.recipient, r.status) for r in rows] == [
            ("CMEL7298", "file", "due"),
            ("CMEL9180", "paying_parent", "due"),
        ]


def test_with_smtp_set_up_the_second_pv_check_reaches_the_cpo_as_sent(demo_db, ssst, monkeypatch):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "second_pv_check")
    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "5")
        walk.answer(**ANSWERS["second_pv_check"])
        sent_in_background()  # the step answered first; its email goes from the background sender
        (received,) = server.handler.received
    assert received.rcpt_tos == ["court.presenting.officer@cms.example.org"]
    message = received.message
    assert message["Subject"].startswith("Second PV check before hearing on")
    assert SSST_MAILBOX in str(message["Disposition-Notification-To"])
    with transaction() as session:
        statuses = dict(
            session.execute(
                select(OutboundEmail.subject, OutboundEmail.status).where(OutboundEmail.sr_id == sr_id)
            ).all()
        )
    assert statuses[str(message["Subject"])] == "sent"


@pytest.mark.parametrize(
    ("region", "due", "why"),
    [
        ("England", datetime(2027, 7, 12, 11, 0), "within working hours, so that is when it is due."),
        (
            "Northern Ireland",
            datetime(2027, 7, 9, 17, 0),
            "(Battle of the Boyne, a bank holiday in Northern Ireland); Sunday 11 July 2027 is a "
            "weekend day, Saturday 10 July 2027 is a weekend day, so it is due by 17:00 on the last working day "
            "before it, Friday 9 July 2027.",
        ),
    ],
)
def test_the_second_pv_check_follows_the_bank_holidays_of_the_cases_region(demo_db, ssst, region, due, why):
    walk, case_id, sr_id = start(ssst)
    set_region(case_id, region)
    hearing = "2027-07-14 11:00"  # a Wednesday: 48 hours before is Monday 12 July 2027, 11:00
    walk_to(walk, "create_cmel7298", cpt_reply={"hearing_at": hearing, "cpo_name": "Pat Presenter"})
    due_at, explanation, done = open_deadlines(sr_id)["second_pv_check"]
    assert (due_at, done) == (due.replace(tzinfo=UK), False)
    assert explanation.startswith("The hearing is at 11:00 on Wednesday 14 July 2027; 48 hours before is 11:00 on ")
    assert explanation.endswith(why)
    assert sr_row(sr_id).hearing_at == datetime(2027, 7, 14, 10, 0, tzinfo=UTC)  # 11:00 BST


def set_region(case_id: int, region: str) -> None:
    with transaction() as session:
        session.get_one(Case, case_id).region = region


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Enter an amount more than £0.00 for: Amount owed"),
        ("0.00", "Enter an amount more than £0.00 for: Amount owed"),
        ("-5.00", "The amount cannot be negative."),
    ],
)
def test_a_liability_order_for_nothing_owed_is_refused_at_the_amount(demo_db, ssst, amount, message):
    walk, _case_id, sr_id = start(ssst)
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**{**ANSWERS["allocated"], "amount_owed": amount})
    assert refused.value.errors == {"amount_owed": message}
    assert walk.step == "allocated"
    assert sr_row(sr_id).status != "In Progress"


@pytest.mark.parametrize(
    ("version", "if_moved"),
    [
        (
            "2",
            "If the hearing has moved, add the new date to the SR Notes and ask your team leader: the hearing date was "
            "saved at an earlier step and cannot be changed here.",
        ),
        ("3", "If the hearing has moved, choose 'The hearing has moved to another day'."),
    ],
)
def test_the_outcome_is_refused_before_the_hearing_day_and_nothing_is_recorded(demo_db, ssst, clock, version, if_moved):
    """As P5b: an outcome recorded weeks before the hearing would close the SR on a hearing still to come (QA).
    Version 3 says how to record a move instead; a run on version 2 has no such answer and keeps its words."""
    case_id, sr_id = allocated_sr(ssst)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id, version=version)
    walk_to(walk, "record_outcome")
    notes = walk.outcome().srs["main"].notes
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**ANSWERS["record_outcome"])
    day = HEARING.date()
    assert refused.value.errors == {
        "outcome": f"The hearing is on {day.day} {day:%B %Y}. Record the outcome once the hearing has taken place. "
        + if_moved
    }
    options = {f.name: f.options for f in walk.view.step.fields}["outcome"]
    assert ("The hearing has moved to another day" in options) == (version == "3")
    assert walk.step == "record_outcome"
    assert sr_row(sr_id).status == "In Progress"
    assert walk.outcome().srs["main"].notes == notes
    with transaction() as session:
        assert not session.scalars(
            select(Attachment).where(Attachment.kind == "outcome_pdf", Attachment.sr_id == sr_id)
        ).all()
    clock.today = day
    walk.answer(**ANSWERS["record_outcome"])
    assert walk.step == "forward_to_ecm"


# --- Version 2: an adjourned hearing, and what the second PV check showed --------------------------------------

ADJOURNMENT = {
    "outcome": "Hearing adjourned",
    "outcome_detail": "The paying parent asked for time to get legal advice; adjourned with a direction to bring "
    "evidence of his income.",
}
SECOND_VISIT = {
    "second_pv_marker": False,
    "second_pv_details": "No marker. He phoned calmly on the 5th to ask about paying by instalments.",
    "lo_schedule_payments": "None",
    "paying_parent_contact": "One call on the 5th about instalments",
}


def deadline_rows(sr_id: int) -> list[tuple[str, datetime, bool]]:
    """Every deadline of the SR, met or not, oldest first: (kind, due in UK time, done)."""
    with transaction() as session:
        rows = session.scalars(select(Deadline).where(Deadline.sr_id == sr_id).order_by(Deadline.id))
        return [(d.kind, uk_local(d.due_at), d.done) for d in rows]


def outcome_pdfs(sr_id: int) -> list[str]:
    with transaction() as session:
        return list(
            session.scalars(
                select(Attachment.file_name).where(Attachment.sr_id == sr_id, Attachment.kind == "outcome_pdf")
            )
        )


def day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def test_new_runs_start_on_version_3_and_versions_1_and_2_stay_registered_for_the_runs_on_them(demo_db, ssst):
    assert registry.get("P5d").version == "3"
    assert [p.version for p in registry.latest() if p.id == "P5d"] == ["3"]
    v1, v2, v3 = registry.get("P5d", "1"), registry.get("P5d", "2"), registry.get("P5d", "3")
    assert set(v2.steps) - set(v1.steps) == {"new_hearing"}
    assert set(v3.steps) == set(v2.steps)  # version 3 reuses the new hearing date step for a moved hearing
    assert v1.steps["allocated"] is v2.steps["allocated"] is v3.steps["allocated"]  # shared, not copied
    assert v3.steps["second_pv_check"] is v2.steps["second_pv_check"]
    assert v3.remaining(v3.initial) == v2.remaining(v2.initial) == v1.remaining(v1.initial) == 12
    walk, _case_id, _sr_id = start(ssst)
    assert walk.view.procedure_version == "3"


def test_an_adjourned_hearing_takes_a_new_date_and_the_second_pv_check_and_outcome_again_before_the_sr_closes(
    demo_db, ssst, clock
):
    """The CPO reports an adjournment: the SR stays open with the adjournment in its Notes, the new date moves its
    hearing date and deadlines, the second PV check is asked again 48 hours before the new hearing (findings on the
    CWGF004 sent to the CPO), and only the second hearing's outcome forwards the case file and closes the SR."""
    walk, case_id, sr_id = start(ssst)
    scin = case_facts(case_id)["scin"]
    first_check = {**ANSWERS["second_pv_check"], "second_pv_details": "No marker; nothing new since the first check."}
    walk_to(walk, "record_outcome", second_pv_check=first_check)
    clock.today = HEARING.date()
    step = walk.view.step
    pdf = next(f for f in step.fields if f.name == "outcome_pdf")
    assert not pdf.applies({"outcome": "Hearing adjourned"})  # no scanned outcome asked for an adjournment
    assert all(pdf.applies({"outcome": o}) for o in step.fields[0].options if o not in ("Hearing adjourned", MOVED))
    assert step.checklist == ()

    walk.answer(**ADJOURNMENT)
    assert walk.step == "new_hearing"
    sr = sr_row(sr_id)
    assert (sr.status, uk_local(sr.hearing_at)) == ("In Progress", HEARING)  # open; the date moves at the next step
    notes = walk.outcome().srs["main"].notes
    assert notes[-1] == (
        "Outcome from the CPO: Hearing adjourned. The paying parent asked for time to get legal advice; adjourned with "
        "a direction to bring evidence of his income. The SR stays open for the new hearing."
    )
    assert outcome_pdfs(sr_id) == []
    assert not any(subject.startswith("Case file after hearing") for _to, subject, _m in outbox(sr_id))
    assert ("hearing", HEARING, False) in deadline_rows(sr_id)  # still to be met: the hearing has not been decided

    with pytest.raises(ValidationFailed) as refused:  # a day gone by cannot be the adjourned hearing's new date
        walk.answer(new_hearing_at=f"{HEARING.date() - timedelta(days=1)} 14:00")
    assert refused.value.errors == {"new_hearing_at": "New hearing date and time must be today or in the future."}
    walk.answer(new_hearing_at=ADJOURNED_TO.strftime("%Y-%m-%d %H:%M"))

    assert uk_local(sr_row(sr_id).hearing_at) == ADJOURNED_TO
    pv_due = ADJOURNED_TO - timedelta(days=2)  # Monday 14:00, within working hours
    assert deadline_rows(sr_id) == [
        ("hearing", ADJOURNED_TO, False),  # moved, not added
        ("second_pv_check", HEARING - timedelta(days=2), True),  # the first hearing's check, met
        ("second_pv_check", pv_due, False),  # due again before the new hearing
    ]
    assert walk.outcome().srs["main"].notes[-1] == (
        f"Hearing adjourned: the new hearing is at Exampletown Magistrates' Court, {day(ADJOURNED_TO)}, 14:00. The "
        "second PV check is due again 48 hours before it."
    )
    # The seed names no SR update for an adjourned hearing's date: a suggestion, never the cover letter's sentence.
    saved = walk.view.cms_saved[-1]
    assert saved.step_title == "Record the new hearing date"
    (hearing_line,) = [line for line in saved.lines if line.suggestion == "Hearing date"]
    assert hearing_line.text.endswith(
        f"set the hearing date in the field your team uses (the procedure names none): {day(ADJOURNED_TO)}, 14:00"
    )
    assert hearing_line.source is None

    # Back round the loop: the second PV check starts unanswered, cautioned until its new day.
    assert walk.step == "second_pv_check"
    answered = set(run_row(walk.view.run_id).answers)
    assert not {"second_pv_marker", "second_pv_details", "lo_schedule_payments"} & answered
    assert walk.view.warnings[0].startswith(f"The second PV check is due on {day(pv_due)}, 48 hours before")
    clock.today = pv_due.date()
    walk.answer(**SECOND_VISIT)
    assert deadline_rows(sr_id)[-1] == ("second_pv_check", pv_due, True)
    # The activity is Done from the first check: CMS is not told to mark it Done again (QA, fifth session).
    checks = [saved for saved in walk.view.cms_saved if saved.step_title.startswith("Second PV check")]
    marked = [[line.text for line in saved.lines if line.text.startswith("Mark Done")] for saved in checks]
    assert marked == [
        ["Mark Done the Activity: choose the activity in the SR Activity Plan for the second PV check"],
        [],
    ]
    second_pv = [m for _to, subject, m in outbox(sr_id) if subject.startswith("Second PV check")]
    assert [m["Subject"] for m in second_pv] == [
        f"Second PV check before hearing on {day(HEARING)}: SCIN {scin}, SR {sr.number}",
        f"Second PV check before hearing on {day(ADJOURNED_TO)}: SCIN {scin}, SR {sr.number}",
    ]
    body = second_pv[1].get_body(("plain",)).get_content()
    assert f"before the hearing on {day(ADJOURNED_TO)}, 14:00:" in body
    assert f"PV check: no PV marker recorded: {SECOND_VISIT['second_pv_details']}" in body
    records = [docx_text(next(m.iter_attachments()).get_content()) for m in second_pv]
    assert "What the check found: No marker; nothing new since the first check." in records[0]
    assert f"What the check found: {SECOND_VISIT['second_pv_details']}" in records[1]
    assert "One call on the 5th about instalments" in records[1]

    assert walk.step == "cpo_decision"
    assert "cpo_proceeds" not in run_row(walk.view.run_id).answers  # asked again for the new hearing
    walk.answer(cpo_proceeds=True)
    assert walk.step == "record_outcome"
    with pytest.raises(ValidationFailed) as refused:  # checked against the new hearing, not the adjourned one
        walk.answer(**ANSWERS["record_outcome"])
    assert refused.value.errors["outcome"].startswith(
        f"The hearing is on {day(ADJOURNED_TO)}. Record the outcome once the hearing has taken place."
    )
    assert sr_row(sr_id).status == "In Progress"
    clock.today = ADJOURNED_TO.date()
    walk.answer(**ANSWERS["record_outcome"])
    assert sr_row(sr_id).status == "In Progress"  # closed only at the last step
    walk_to(walk, "done")

    loop = ["record_outcome", "new_hearing", "second_pv_check", "cpo_decision"]
    at_outcome = MAIN_PATH.index("record_outcome")
    assert walk.path() == [*MAIN_PATH[:at_outcome], *loop, *MAIN_PATH[at_outcome:]]
    sr = sr_row(sr_id)
    assert (sr.status, sr.sub_status, uk_local(sr.hearing_at)) == ("Closed", "Complete", ADJOURNED_TO)
    assert all(done for _kind, _due, done in deadline_rows(sr_id))
    assert outcome_pdfs(sr_id) == ["LO-outcome.pdf"]
    notes = walk.outcome().srs["main"].notes
    adjourned = notes.index(next(n for n in notes if n.startswith("Outcome from the CPO: Hearing adjourned.")))
    granted = notes.index(next(n for n in notes if n.startswith("Outcome from the CPO: Liability order granted.")))
    assert adjourned < granted
    (ecm,) = [m for _to, subject, m in outbox(sr_id) if subject.startswith("Case file after hearing")]
    forms = {a.get_filename(): docx_text(a.get_content()) for a in ecm.iter_attachments()}
    assert day(ADJOURNED_TO) in forms["CMEL7298.docx"]  # the case file carries the hearing that decided it


def test_version_2_refuses_a_decided_outcome_without_its_pdf_and_an_adjournment_before_the_hearing_day(
    demo_db, ssst, clock
):
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "record_outcome")
    with pytest.raises(ValidationFailed) as refused:  # the CPO reports an adjournment after the hearing, as any outcome
        walk.answer(**ADJOURNMENT)
    assert refused.value.errors["outcome"].startswith(f"The hearing is on {day(HEARING)}.")
    assert walk.step == "record_outcome"
    assert not any("Hearing adjourned" in note for note in walk.outcome().srs["main"].notes)
    clock.today = HEARING.date()
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(outcome="Liability order granted", outcome_detail="Granted in full.")
    # still asked for a decided outcome
    assert refused.value.errors == {"outcome_pdf": "Upload the scanned outcome as a PDF file."}
    assert (walk.step, sr_row(sr_id).status) == ("record_outcome", "In Progress")


def test_a_version_1_run_refuses_an_adjourned_hearing_at_the_outcome_and_keeps_the_sr_open(demo_db, ssst, clock):
    """Version 1 would close the SR Complete on "Hearing adjourned" (fifth session); on a run still on it the outcome is
    refused at its field with what to do until the new hearing, no scan is stored, and the decided outcome is then
    recorded as usual."""
    from procedures.p5d_liability_order_routing import V1_ADJOURNED

    case_id, sr_id = allocated_sr(ssst)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id, version="1")
    walk_to(walk, "record_outcome")
    clock.today = HEARING.date()
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**{**ANSWERS["record_outcome"], "outcome": "Hearing adjourned"})
    assert refused.value.errors == {"outcome": V1_ADJOURNED}
    assert run_context.view_run(ssst, walk.view.run_id).step.id == "record_outcome"
    assert (sr_row(sr_id).status, sr_row(sr_id).sub_status) == ("In Progress", None)
    with transaction() as session:
        assert not session.scalars(
            select(Attachment).where(Attachment.sr_id == sr_id, Attachment.kind == "outcome_pdf")
        ).all()
    walk_to(walk, "done", clock)
    assert (sr_row(sr_id).status, sr_row(sr_id).sub_status) == ("Closed", "Complete")


def test_a_run_started_on_version_1_resumes_and_finishes_on_version_1(demo_db, ssst, clock):
    """A run in progress when version 2 was added keeps version 1's steps to the end: its second PV check asks no
    findings, its outcome keeps the scan tick, and it is never offered the new hearing date step."""
    case_id, sr_id = allocated_sr(ssst)
    walk = Walk(ssst, "P5d", case_id, sr_id=sr_id, version="1")
    walk_to(walk, "second_pv_check")
    resumed = run_start.start_run(ssst, "P5d", case_id=case_id, sr_id=sr_id)  # My work's "Work this SR", later
    assert (resumed.run_id, resumed.procedure_version) == (walk.view.run_id, "1")
    assert "second_pv_details" not in {f.name for f in walk.view.step.fields}
    walk.answer(**ANSWERS["second_pv_check"])
    (pv_email,) = [m for _to, subject, m in outbox(sr_id) if subject.startswith("Second PV check")]
    assert "What the check found" not in docx_text(next(pv_email.iter_attachments()).get_content())
    walk_to(walk, "record_outcome")
    assert walk.view.step.checklist == ("Outcome scanned as a PDF",)
    walk_to(walk, "done", clock)
    assert walk.path() == MAIN_PATH
    assert run_row(walk.view.run_id).procedure_version == "1"
    assert "Record the new hearing date" not in {title for _id, title in walk.view.history}
    history = tuple(state for state, _title in walk.view.history)  # SR detail's map draws the run's own version
    assert "new hearing" not in procedure_map("P5d", "1", history)
    assert "new hearing" in procedure_map("P5d", "2", history)
    assert (sr_row(sr_id).status, sr_row(sr_id).sub_status) == ("Closed", "Complete")


# --- Version 3: a hearing moved before its day ----------------------------------------------------------------

MOVED = "The hearing has moved to another day"
COURT = "Exampletown Magistrates' Court"


def test_an_adjourned_hearings_new_date_says_the_hearing_deadline_is_moved_not_added(demo_db, ssst, clock):
    """Check your answers said "added to your deadlines" for a hearing deadline the new date replaces (lead's decision,
    8 December): the adjourned hearing's deadline is still open, so it is moved; the second PV check, met before the
    hearing, is due again."""
    walk, _case_id, _sr_id = start(ssst)
    walk_to(walk, "record_outcome")
    clock.today = HEARING.date()
    walk.answer(**ADJOURNMENT)
    view = walk.checked(new_hearing_at=ADJOURNED_TO.strftime("%Y-%m-%d %H:%M"))
    words = [d.words for d in view.dates_set if d.explanation]
    assert f"Hearing moved in your deadlines to {day(ADJOURNED_TO)}, 14:00" in words
    assert not any(w.startswith("Hearing added") for w in words)


def test_a_hearing_moved_before_its_day_takes_the_new_date_and_goes_round_the_second_pv_check_again(
    demo_db, ssst, clock
):
    """Version 3. The CPT moves the hearing a week before it: the move is taken at once, asks no details or PDF,
    records nothing until the new date is confirmed on check your answers; the SR's hearing date (a suggested CMS
    line) and the hearing deadline move, the second PV check is due again, and the outcome waits for the new day."""
    walk, _case_id, sr_id = start(ssst)
    walk_to(walk, "record_outcome")
    step = walk.view.step
    detail = next(f for f in step.fields if f.name == "outcome_detail")
    assert not detail.applies({"outcome": MOVED})  # a move asks no details
    notes = walk.outcome().srs["main"].notes
    walk.answer(outcome=MOVED)  # before the hearing's day
    assert walk.step == "new_hearing"
    assert walk.outcome().srs["main"].notes == notes  # nothing saved: Back still reaches the answer
    assert walk.view.can_go_back
    assert "moved to another day before it took place" in walk.view.step.guidance

    with pytest.raises(ValidationFailed) as refused:
        walk.answer(new_hearing_at=f"{TODAY - timedelta(days=1)} 14:00")
    assert refused.value.errors == {"new_hearing_at": "New hearing date and time must be today or in the future."}
    view = walk.checked(new_hearing_at=ADJOURNED_TO.strftime("%Y-%m-%d %H:%M"))
    note = (
        f"Hearing moved to another day before it took place: the new hearing is at {COURT}, {day(ADJOURNED_TO)}, "
        "14:00. The second PV check is due again 48 hours before it."
    )
    assert [n.text for n in view.notes] == [note]
    words = [d.words for d in view.dates_set if d.explanation]
    assert words[0] == f"Hearing moved in your deadlines to {day(ADJOURNED_TO)}, 14:00"
    (hearing_line,) = [line for line in view.cms if line.suggestion == "Hearing date"]
    assert hearing_line.source is None  # the seed names no SR update for a moved hearing
    assert uk_local(sr_row(sr_id).hearing_at) == HEARING  # nothing saved before check your answers
    walk.confirm()

    assert walk.step == "second_pv_check"
    assert uk_local(sr_row(sr_id).hearing_at) == ADJOURNED_TO
    assert walk.outcome().srs["main"].notes[-1] == note
    pv_due = ADJOURNED_TO - timedelta(days=2)
    assert deadline_rows(sr_id) == [
        ("hearing", ADJOURNED_TO, False),  # moved, not added
        ("second_pv_check", HEARING - timedelta(days=2), True),
        ("second_pv_check", pv_due, False),
    ]
    clock.today = pv_due.date()
    walk.answer(**SECOND_VISIT)
    walk.answer(cpo_proceeds=True)
    clock.today = HEARING.date()  # the old day: the hearing is no longer on it
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(**ANSWERS["record_outcome"])
    assert refused.value.errors["outcome"].startswith(f"The hearing is on {day(ADJOURNED_TO)}.")
    clock.today = ADJOURNED_TO.date()
    walk.answer(**ANSWERS["record_outcome"])
    walk_to(walk, "done")
    assert (sr_row(sr_id).status, sr_row(sr_id).sub_status) == ("Closed", "Complete")
