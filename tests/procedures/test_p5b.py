"""P5b Work Routing for County Court: every branch walked headlessly through the run API, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case
from domain import deadlines as rules
from domain.clock import UK, format_date, is_working_day, uk_local
from domain.files import sha256
from procedures import registry
from services import email as outbox
from services import email_delivery, run_context, run_start, runs
from services.errors import DomainError, ValidationFailed
from services.mail_settings import SSST_MAILBOX, mailbox
from services.transaction import transaction
from tests.pdfs import a_pdf
from tests.procedures.p4_helpers import Clock
from tests.procedures.ssst_walks import (
    addresses,
    allocated_sr,
    attached,
    attachments,
    deadlines,
    docx_text,
    emails,
    outbox_rows,
    pv_checks_disagree,
    service_request,
    set_case,
    tasks,
    unzip,
)
from tests.procedures.walk import Walk, find_case
from tests.ssst import sent_in_background
from tests.unit.test_pv_question_rule import TO_THE_CPO


@pytest.fixture
def ssst(actor_for, monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)  # emails wait in the outbox
    return actor_for("ssst.caseworker")


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def next_weekday(weekday: int, weeks_ahead: int = 3) -> date:
    """A day of the given weekday (0 Monday) some weeks from today."""
    start = date.today() + timedelta(weeks=weeks_ahead)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def first_steps(
    walk: Walk,
    *,
    contact: str = "Email the court presenting team",
    criminal: bool = False,
    in_progress: bool = True,
    pv_marker: bool = True,
) -> None:
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=criminal)
    if contact.startswith("Email"):
        walk.answer(cpt_contact=contact)
    else:
        walk.answer(cpt_contact=contact, cpt_call="Pat Presenter will present; no date yet")
    details = "Marker from 2019: threats on the phone" if pv_marker else ""
    folder = {"pv_marker": pv_marker, "pv_details": details, "referral_notes": "Bring file"}
    if criminal:
        folder["screenshots_saved"] = True
    walk.answer(**folder)
    if in_progress:
        walk.answer()


def finish(walk: Walk, clock: Clock, hearing_day: date, *, pdf: bytes | None = None) -> None:
    """The hearing's day comes (an outcome is recorded only from then on), the outcome, the ECM, the close."""
    clock.today = hearing_day
    walk.answer(
        hearing_result="The hearing has taken place",
        outcome="Order granted: £1,250.00 to be paid by 1 March",
        outcome_pdf=("outcome.pdf", pdf or a_pdf()),
    )
    walk.answer()  # forward to the ECM
    walk.answer()  # delete clerical files and close


def test_p5b_is_registered_and_works_on_county_court_srs(demo_db):
    procedure = registry.get("P5b")
    assert procedure.works_on == (("Enforcement", "Court Presentation", "County Court"),)
    info = run_start.procedure_for_sr("Enforcement", "Court Presentation", "County Court")
    assert info is not None
    assert info.id == "P5b"
    # the seed's 9 + the later hearing date + a moved hearing's new date (version 2)
    assert len([s for s in procedure.steps.values() if not s.final]) == 11
    assert len([s for s in registry.get("P5b", "1").steps.values() if not s.final]) == 10


def test_the_allocated_sr_is_worked_through_every_step_to_closed_complete(demo_db, ssst, clock):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    hearing_day = next_weekday(2)  # a Wednesday
    walk.answer(cpo_name="Pat Presenter", cpo_email="", hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    assert walk.step == "second_pv_check"

    sr = service_request(sr_id)
    hearing = datetime.combine(hearing_day, datetime.min.time().replace(hour=10), tzinfo=UK)
    assert (sr.status, sr.cpo_name, sr.court) == ("In Progress", "Pat Presenter", "Demo County Court")
    assert sr.hearing_at == hearing
    due = deadlines(sr_id)
    pv = due["second_pv_check"][0]
    expected = rules.second_pv_check(hearing, _region(case_id))
    assert (pv.due_at, pv.explanation) == (expected.due_at, expected.explanation)
    assert "48 hours before is" in pv.explanation
    assert uk_local(pv.due_at) <= hearing - timedelta(hours=48)
    assert due["hearing"][0].due_at == hearing
    assert "Demo County Court" in due["hearing"][0].explanation

    walk.answer(
        second_pv_marker=False,
        second_pv_details="",
        payments_since="£50.00 received on 2 February",
        contact_since="None",
    )
    finish(walk, clock, hearing_day)
    assert walk.view.status == "finished"

    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.status, main.sub_status, main.resolution_code) == ("Closed", "Complete", "Completed")
    notes = "\n".join(main.notes)
    assert "County court action requested by the enforcement case manager Eve Enforcer at Demo County Court." in notes
    assert "Full PV check on the 2012 system: PV marker recorded: Marker from 2019" in notes
    assert f"Court presenting officer: Pat Presenter; hearing date {hearing_day.day}" in notes
    assert "Second PV check emailed to the CPO: no PV marker recorded" in notes
    assert "Outcome from the CPO: Order granted" in notes
    assert "Case file forwarded to the enforcement case manager" in notes
    assert all(d.done for kind in ("second_pv_check", "hearing") for d in deadlines(sr_id)[kind])

    # Three emails, each with a read receipt to the team mailbox and a follow-up call task.
    sent = emails(sr_id)
    assert [addresses(m, "To") for m in sent] == [
        [mailbox("cpt").addr_spec],
        [mailbox("cpo").addr_spec],
        [mailbox("ecm").addr_spec],
    ]
    assert all(addresses(m, "Disposition-Notification-To") == [SSST_MAILBOX] for m in sent)
    cpt, pv_email, ecm = sent
    subject = f"Court presenting officer needed: county court action, Demo County Court, SCIN {_scin(case_id)}"
    assert cpt["Subject"] == f"{subject}, SR {sr.number}"
    assert pv_email["Subject"].startswith(f"Second PV check before hearing on {hearing_day.day} ")
    body = pv_email.get_body().get_content()
    assert "Payments made since referral: £50.00 received on 2 February" in body
    record = docx_text(attached(pv_email)["CWGF004.docx"])
    assert "Second PV check" in record
    assert "£50.00 received on 2 February" in record
    assert sr.number in record
    assert "Order granted" in ecm.get_body().get_content()
    calls = [text for kind, text, who in tasks(sr_id) if text.startswith("Phone ")]
    assert len(calls) == 3
    assert all(who == ssst.user_id for _k, text, who in tasks(sr_id) if text.startswith("Phone "))

    # The CPO folder was a real zip of the referral form and the PV check; deleted (with its record) at the close.
    stored = attachments(sr_id)
    bundle = next(f for f in stored if f.kind == "bundle_zip")
    assert bundle.file_name == f"{sr.number}-CPO-folder.zip"
    assert bundle.content is None
    assert bundle.deleted_at
    pdf = next(f for f in stored if f.kind == "outcome_pdf")
    assert pdf.content is not None
    assert pdf.deleted_at is None
    assert (pdf.file_name, pdf.sha256) == ("outcome.pdf", sha256(pdf.content))
    deleted = audit_events(sr_id, "attachment.deleted")
    assert [(e.entity_id, e.before["sha256"]) for e in deleted] == [(str(bundle.id), bundle.sha256)]


def audit_events(sr_id: int, action: str) -> list[AuditEvent]:
    with transaction() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.sr_id == sr_id, AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _region(case_id: int) -> str:
    from db.models import Case
    from services.transaction import transaction

    with transaction() as session:
        return session.get_one(Case, case_id).region


def _scin(case_id: int) -> str:
    from db.models import Case
    from services.transaction import transaction

    with transaction() as session:
        return session.get_one(Case, case_id).scin


def test_the_in_progress_line_quotes_p5bs_own_seed_when_shown_and_as_saved(demo_db, ssst):
    """QA: P5b's "Status = In Progress" quoted seed 002, which is P3's procedure. Seed 004 step 4 names it."""
    own_words = (
        "Published procedure \u201cSpecialist Services Support Team\u201d: "
        "\u201cupdate the **Status** to **In Progress**\u201d"
    )
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk, in_progress=False)
    assert walk.step == "set_in_progress"
    assert [line.source for line in walk.view.cms if line.text.endswith("Status = In Progress")] == [own_words]
    walk.answer()
    saved = [line for step in walk.view.cms_saved for line in step.lines if line.text.endswith("Status = In Progress")]
    assert [line.source for line in saved] == [own_words]


def test_the_cpo_folder_holds_the_referral_form_and_the_full_pv_check_read_back(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk, criminal=True)
    bundle = next(f for f in attachments(sr_id) if f.kind == "bundle_zip")
    inside = unzip(bundle.content or b"")
    assert sorted(inside) == ["CWGF003.docx", "CWGF004.docx"]
    referral = docx_text(inside["CWGF003.docx"])
    number = service_request(sr_id).number
    assert "County court" in referral
    assert "Eve Enforcer" in referral
    assert number in referral
    assert "A PV marker is recorded" in referral
    check = docx_text(inside["CWGF004.docx"])
    assert "Full PV check" in check
    assert ssst.display_name in check
    # What the caseworker typed about the PV check reaches the CPO on both forms, not only the SR Notes (QA)
    assert "What the PV check found: Marker from 2019: threats on the phone" in referral
    assert "What the check found: Marker from 2019: threats on the phone" in check
    assert "Notes\nBring file" in referral
    assert "Screenshots of the SR saved (criminal action)." in walk.outcome().srs["main"].notes[-1]


def test_by_phone_with_the_hearing_not_known_the_run_waits_for_the_hearing_date(demo_db, ssst, clock):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk, contact="Phone the court presenting team")
    walk.answer(cpo_name="Pat Presenter", cpo_email="pat.presenter@cpt.example.org", hearing_known=False)
    assert walk.step == "record_hearing"
    assert service_request(sr_id).hearing_at is None
    assert "second_pv_check" not in deadlines(sr_id)
    assert "hearing date not known yet" in walk.outcome().srs["main"].notes[-1]

    monday = next_weekday(0)
    walk.answer(hearing_at_later=f"{monday} 09:30")
    pv = deadlines(sr_id)["second_pv_check"][0]
    local = uk_local(pv.due_at)
    assert local.strftime("%H:%M") == "17:00"
    assert local.date() < monday - timedelta(days=1)
    assert "a weekend day" in pv.explanation
    assert "last working day before it" in pv.explanation

    walk.answer(second_pv_marker=True, second_pv_details="New marker", payments_since="None", contact_since="Called")
    finish(walk, clock, monday)
    sent = emails(sr_id)
    assert [addresses(m, "To") for m in sent] == [["pat.presenter@cpt.example.org"], [mailbox("ecm").addr_spec]]
    assert "Court presenting team phoned" in "\n".join(walk.outcome().srs["main"].notes)
    assert walk.outcome().srs["main"].status == "Closed"


def test_started_from_the_case_the_county_court_sr_is_created_allocated_to_the_caseworker(demo_db, ssst):
    walk = Walk(ssst, "P5b", find_case(ssst))
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    main = walk.outcome().srs["main"]
    assert (main.process, main.area, main.sub_area, main.status) == (
        "Enforcement",
        "Court Presentation",
        "County Court",
        "Open",
    )


def test_a_non_pdf_outcome_is_refused_at_the_field_and_nothing_is_stored(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(
            hearing_result="The hearing has taken place",
            outcome="Granted",
            outcome_pdf=("outcome.docx", b"PK\x03\x04 a word document"),
        )
    assert "must be a PDF" in refused.value.errors["outcome_pdf"]
    assert walk.step == "record_outcome"
    assert not [f for f in attachments(sr_id) if f.kind == "outcome_pdf"]


def test_a_bad_cpo_email_address_is_refused_at_the_field(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(cpo_name="Pat Presenter", cpo_email="pat at court", hearing_known=False)
    assert "email address" in refused.value.errors["cpo_email"]
    assert service_request(sr_id).cpo_name is None


def test_another_kind_of_sr_or_a_closed_one_cannot_start_p5b(demo_db, ssst, clock):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    finish(walk, clock, next_weekday(2))
    with pytest.raises(DomainError, match="is closed"):
        run_start.start_run(ssst, "P5b", case_id=case_id, sr_id=sr_id)


HELD = "The hearing has taken place"
MOVED = "The hearing has moved to another day"


@pytest.mark.parametrize(
    ("version", "field", "if_moved"),
    [
        (
            "1",
            "outcome",
            "If the hearing has moved, add the new date to the SR Notes and ask your team leader: the hearing date "
            "was saved at an earlier step and cannot be changed here.",
        ),
        ("2", "hearing_result", f"If the hearing has moved, choose '{MOVED}'."),
    ],
)
def test_the_outcome_is_refused_before_the_hearing_day_and_nothing_is_recorded(
    demo_db, ssst, clock, version, field, if_moved
):
    """QA recorded the hearing's outcome (and went on to close the SR) weeks before the hearing took place. Version 2
    says how to record a move instead, at the question it asks first; a run on version 1 keeps its words."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id, version=version)
    first_steps(walk)
    hearing_day = next_weekday(2)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    notes_before = walk.outcome().srs["main"].notes
    outcome = {"outcome": "Order granted", "outcome_pdf": ("outcome.pdf", a_pdf())}
    if version == "2":
        outcome["hearing_result"] = HELD
    for today in (date.today(), hearing_day - timedelta(days=1)):
        clock.today = today
        with pytest.raises(ValidationFailed) as refused:
            walk.answer(**outcome)
        assert refused.value.errors == {
            field: f"The hearing is on {hearing_day.day} {hearing_day:%B %Y}. Record the outcome once the hearing "
            f"has taken place. {if_moved}"
        }
        assert walk.step == "record_outcome"
        assert walk.outcome().srs["main"].notes == notes_before
        assert not [f for f in attachments(sr_id) if f.kind == "outcome_pdf"]
        assert not deadlines(sr_id)["hearing"][0].done
    clock.today = hearing_day  # the hearing's day: the outcome can be recorded
    walk.answer(**outcome)
    assert walk.step == "forward_to_ecm"
    assert service_request(sr_id).status == "In Progress"


def test_the_second_pv_check_answered_before_its_day_is_cautioned_not_refused(demo_db, ssst, clock):
    """QA (7 December, Chromium): the second PV check could be answered the moment the hearing was recorded, weeks
    before the CPO asks for it, and nothing said it would be out of date by the hearing. The step now says when it is
    due; from that day on it says nothing. Not a refusal: the CPO may ask early."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    hearing_day = next_weekday(2)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    (due,) = deadlines(sr_id)["second_pv_check"]  # the day the SR's deadline gives (bank holidays pull it back)
    due_day = uk_local(due.due_at).date()
    mark = hearing_day - timedelta(days=2)  # a Monday: a bank holiday brings the check back to the working day before
    why = "" if due_day == mark else f"the last working day before {mark.day} {mark:%B %Y}, "
    assert walk.view.warnings == (
        f"The second PV check is due on {due_day.day} {due_day:%B %Y}, {why}48 hours before the hearing. The CPO "
        "asks for it then: a check done sooner may be out of date by the hearing, so do it when the CPO asks.",
    )
    clock.today = due_day
    walk.view = run_context.view_run(ssst, walk.view.run_id)
    assert walk.view.warnings == ()
    walk.answer(second_pv_marker=True, payments_since="None", contact_since="None")
    assert walk.step == "record_outcome"


def to_second_pv_check(walk: Walk, clock: Clock, sr_id: int, *, first: bool) -> None:
    """The run up to the second PV check on its due day (no "too early" caution), the first check answered `first`."""
    first_steps(walk, pv_marker=first)
    hearing_day = next_weekday(2)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    (due,) = deadlines(sr_id)["second_pv_check"]
    clock.today = uk_local(due.due_at).date()
    walk.view = run_context.view_run(walk.actor, walk.view.run_id)


def test_a_second_pv_check_finding_no_marker_after_the_first_found_one_is_cautioned_and_still_saves(
    demo_db, ssst, clock
):
    """QA (seventh session): the first check recorded a PV marker, the second said none, and the request went to the
    CPO without a word. "Check your answers" now says so, before the email goes; a caution, not a refusal (a marker
    can be removed), so the run saves once confirmed and the CPO reads what the second check found."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    to_second_pv_check(walk, clock, sr_id, first=True)
    assert walk.view.warnings == ()  # not answered yet: nothing to disagree with
    removed = "Marker removed on 1 December by the PV team after review"
    walk.answer(
        confirm=False, second_pv_marker=False, second_pv_details=removed, payments_since="None", contact_since="None"
    )
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (pv_checks_disagree(walk.view.run_id, "create_folder"),)
    assert not [m for m in emails(sr_id) if m["Subject"].startswith("Second PV check")]  # nothing sent yet

    walk.confirm()
    assert walk.step == "record_outcome"
    (pv_email,) = [m for m in emails(sr_id) if m["Subject"].startswith("Second PV check")]
    assert f"no PV marker recorded: {removed}" in pv_email.get_body().get_content()


@pytest.mark.parametrize(("first", "second"), [(True, True), (False, False), (False, True)])
def test_second_pv_checks_that_agree_with_the_first_or_find_a_new_marker_are_not_cautioned(
    demo_db, ssst, clock, first, second
):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    to_second_pv_check(walk, clock, sr_id, first=first)
    walk.answer(confirm=False, second_pv_marker=second, payments_since="None", contact_since="None")
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == ()


def test_no_marker_at_the_second_check_on_a_case_whose_record_shows_one_is_still_refused(demo_db, ssst, clock):
    """The case record's marker is refused as before, whatever the first check found: the caution is only for a
    case whose record shows none."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    to_second_pv_check(walk, clock, sr_id, first=True)
    set_case(case_id, potentially_violent=True)
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    assert refused.value.errors == {"second_pv_marker": TO_THE_CPO}
    assert run_context.view_run(ssst, walk.view.run_id).step.id == "second_pv_check"
    assert not [m for m in emails(sr_id) if m["Subject"].startswith("Second PV check")]


def test_without_notes_or_pv_details_the_forms_show_no_empty_heading_or_line(demo_db, ssst):
    """QA: the referral form showed a "Notes" heading with nothing under it."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    walk.answer(cpt_contact="Email the court presenting team")
    walk.answer(pv_marker=True, pv_details="", referral_notes="")
    inside = unzip(next(f for f in attachments(sr_id) if f.kind == "bundle_zip").content or b"")
    referral, check = docx_text(inside["CWGF003.docx"]), docx_text(inside["CWGF004.docx"])
    assert "Notes" not in referral.splitlines()
    assert "A PV marker is recorded" in referral
    assert "found" not in referral
    assert "found" not in check


def test_the_second_pv_check_record_carries_what_the_second_check_found(demo_db, ssst, clock):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    walk.answer(
        second_pv_marker=True,
        second_pv_details="New marker: threats at the counter on 1 May",
        payments_since="None",
        contact_since="None",
    )
    (pv_email,) = [m for m in emails(sr_id) if m["Subject"].startswith("Second PV check")]
    record = docx_text(attached(pv_email)["CWGF004.docx"])
    assert "Second PV check" in record
    assert "What the check found: New marker: threats at the counter on 1 May" in record


NOT_SET = (
    "The {name} email address is not set in Casework Guide, so this email cannot be sent to them. An administrator "
    "must set it in the mail settings. Until then the email waits in the Outbox with no recipient: download it, add "
    "their address in your mail client, send it, then mark it as sent. Once the address is set, the Outbox offers to "
    "address it for you."
)


def test_an_email_to_a_mailbox_whose_address_is_not_set_says_so_and_never_names_the_placeholder(
    demo_db, ssst, clock, mailboxes_not_set, monkeypatch
):
    """QA: the ECM's email was queued to enforcement.case.manager@placeholder.invalid without a word. The step says
    before saving that the address is not set and who must set it; the Outbox names no placeholder; SMTP never
    receives it."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    view = walk.answer(confirm=False, cpt_contact="Email the court presenting team")
    assert view.awaiting_confirmation
    assert view.mail_notices == (NOT_SET.format(name="court presenting team"),)
    walk.confirm()
    walk.answer(pv_marker=True, pv_details="", referral_notes="")
    walk.answer()  # In Progress
    hearing_day = next_weekday(2)
    # The CPO's own address given: the second PV check goes there, and nothing is said about the CPO mailbox
    cpo = {"cpo_name": "Pat Presenter", "cpo_email": "pat@cpt.example.org"}
    walk.answer(**cpo, hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    view = walk.answer(confirm=False, second_pv_marker=True, payments_since="None", contact_since="None")
    assert view.mail_notices == ()
    walk.confirm()
    clock.today = hearing_day
    walk.answer(
        hearing_result="The hearing has taken place", outcome="Order granted", outcome_pdf=("outcome.pdf", a_pdf())
    )
    view = walk.answer(confirm=False)
    assert view.mail_notices == (NOT_SET.format(name="enforcement case manager"),)
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")  # a send attempt would fail loudly: none is made
    monkeypatch.setenv("CASEWORK_SMTP_PORT", "9")
    walk.confirm()
    sent_in_background()  # an attempt, had one been made, has failed by now

    rows = {row.subject.split(":")[0]: (row, message) for row, message in outbox_rows(sr_id)}
    ecm_row, ecm_message = rows["Case file after hearing"]
    assert (ecm_row.status, ecm_row.to_addrs) == ("queued", "")
    assert ecm_row.error == NOT_SET.format(name="enforcement case manager")
    assert str(ecm_message["To"]) == "Enforcement case manager - address not set:;"
    assert "placeholder" not in ecm_row.raw.decode(errors="replace")
    # Nothing is attached, so the email does not say the case file is (QA, 7 December: it did, to the ECM)
    assert not list(ecm_message.iter_attachments())
    body = ecm_message.get_body(("plain",)).get_content()
    assert "attached" not in body
    assert "The case file comes to you separately, so that it can be dismantled and further action considered." in body
    (pv_message,) = [message for subject, (_row, message) in rows.items() if subject.startswith("Second PV check")]
    assert addresses(pv_message, "To") == ["pat@cpt.example.org"]
    views = {v.subject.split(":")[0]: v for v in outbox.sr_emails(ssst, sr_id)}
    ecm_view = views["Case file after hearing"]
    assert ecm_view.address_not_set
    assert ecm_view.to == ""
    assert email_delivery.deliver(ssst, ecm_view.id).status == "queued"  # never handed to SMTP
    calls = [text for _kind, text, _who in tasks(sr_id) if text.startswith("Phone the enforcement case manager")]
    assert len(calls) == 1


def test_an_answer_of_the_longest_length_allowed_goes_into_the_sr_note_whole(demo_db, ssst):
    """A note built from an answer and the words around it can be longer than a typed note may be (4,000): each
    typed part was limited at its field, so the step must save, not refuse a "note" that is on no page."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
    said = ("The court presenting team will call back. " * 96)[:3999] + "."  # 4,000 characters: the field's most
    walk.answer(cpt_contact="Phone the court presenting team", cpt_call=said)
    assert walk.step == "create_folder"
    assert f"Court presenting team phoned to establish the court presenting officer: {said}" in (
        walk.outcome().srs["main"].notes
    )


def test_a_hearing_on_a_sunday_is_cautioned_and_one_on_a_weekday_is_not(demo_db, ssst):
    """Courts sit on working days: a hearing typed for a Sunday is most likely a slip, said before it is saved."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    sunday = next_weekday(6)
    walk.answer(confirm=False, cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{sunday} 10:00")
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (
        f"{format_date(sunday)} is a Sunday, not a working day. Check the date with the CPO before you save.",
    )
    walk.view = runs.change_answer(ssst, walk.view.run_id, "record_cpo", expected_version=walk.view.version)
    wednesday = next_weekday(2)
    with transaction() as session:
        region = session.get_one(Case, case_id).region
    while not is_working_day(wednesday, region):
        wednesday += timedelta(weeks=1)  # a Christmas or New Year's Day on a Wednesday is a bank holiday
    walk.answer(confirm=False, cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{wednesday} 10:00")
    assert walk.view.warnings == ()


def test_a_hearing_moved_before_its_day_takes_the_new_date_and_goes_round_the_second_pv_check_again(
    demo_db, ssst, clock
):
    """Version 2. The CPO moves the hearing a week before it: the move is taken at once and records nothing until the
    new date is confirmed; check your answers says the hearing deadline is moved and shows the note; the SR's hearing
    date (a suggested CMS line) and the hearing deadline move, the second PV check is due again, and the outcome waits
    for the new day. It can move again."""
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    hearing_day = next_weekday(2)
    first = datetime.combine(hearing_day, datetime.min.time().replace(hour=10), tzinfo=UK)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{hearing_day} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    notes = walk.outcome().srs["main"].notes
    pdf = next(f for f in walk.view.step.fields if f.name == "outcome_pdf")
    assert not pdf.applies({"hearing_result": MOVED})  # a move asks no outcome and no PDF
    walk.answer(hearing_result=MOVED)  # before the hearing's day
    assert walk.step == "new_hearing"
    assert walk.view.step.title == "Record the new hearing date"
    assert walk.outcome().srs["main"].notes == notes  # nothing saved: Back still reaches the answer
    assert walk.view.can_go_back
    walk.back()
    assert walk.step == "record_outcome"
    walk.answer(hearing_result=MOVED)

    with pytest.raises(ValidationFailed) as refused:
        walk.answer(moved_hearing_at=f"{date.today() - timedelta(days=1)} 10:00")
    assert refused.value.errors == {"moved_hearing_at": "New hearing date and time must be today or in the future."}
    new_day = next_weekday(2, weeks_ahead=5)
    new = datetime.combine(new_day, datetime.min.time().replace(hour=11), tzinfo=UK)
    view = walk.checked(moved_hearing_at=f"{new_day} 11:00")
    when = f"{new_day.day} {new_day:%B %Y}, 11:00"
    note = (
        f"Hearing moved to another day before it took place: the new hearing is at Demo County Court, {when}. The "
        "second PV check is due again 48 hours before it."
    )
    assert [n.text for n in view.notes] == [note]
    words = [d.words for d in view.dates_set if d.explanation]
    assert words[0] == f"Hearing moved in your deadlines to {when}"
    assert words[1].startswith("Second PV check due by ")
    (hearing_line,) = [line for line in view.cms if line.suggestion == "Hearing date"]
    assert hearing_line.source is None  # the seed names no SR update for a moved hearing
    assert service_request(sr_id).hearing_at == first  # nothing saved before check your answers
    walk.confirm()

    assert walk.step == "second_pv_check"
    assert service_request(sr_id).hearing_at == new
    assert walk.outcome().srs["main"].notes[-1] == note
    due = deadlines(sr_id)
    assert [(d.due_at, d.done) for d in due["hearing"]] == [(new, False)]  # moved, not added
    assert [d.done for d in due["second_pv_check"]] == [True, False]
    expected = rules.second_pv_check(new, _region(case_id))
    assert due["second_pv_check"][1].due_at == expected.due_at

    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    clock.today = hearing_day  # the old day: the hearing is no longer on it
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(hearing_result=HELD, outcome="Order granted", outcome_pdf=("outcome.pdf", a_pdf()))
    assert refused.value.errors["hearing_result"].startswith(f"The hearing is on {new_day.day} {new_day:%B %Y}.")
    finish(walk, clock, new_day)
    assert walk.view.status == "finished"
    assert service_request(sr_id).status == "Closed"
    assert walk.path()[-8:] == [
        "second_pv_check",
        "record_outcome",
        "new_hearing",
        "second_pv_check",
        "record_outcome",
        "forward_to_ecm",
        "close_sr",
        "done",
    ]


def test_a_moved_hearing_on_a_sunday_is_cautioned_before_it_is_saved(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    walk.answer(hearing_result=MOVED)
    sunday = next_weekday(6, weeks_ahead=5)
    walk.checked(moved_hearing_at=f"{sunday} 10:00")
    assert walk.view.warnings == (
        f"{format_date(sunday)} is a Sunday, not a working day. Check the date with the CPO before you save.",
    )
    walk.confirm()  # never a refusal
    assert uk_local(service_request(sr_id).hearing_at).date() == sunday


def test_a_run_on_version_1_has_no_moved_hearing_answer(demo_db, ssst):
    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id, version="1")
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    walk.answer(second_pv_marker=False, payments_since="None", contact_since="None")
    assert [f.name for f in walk.view.step.fields] == ["outcome", "outcome_pdf"]
    assert "new_hearing" not in registry.get("P5b", "1").steps
