"""The SR timeline in plain sentences a team leader reads at a glance: no audit codes, field names, step ids or ISO
timestamps reach the screen, and every kind of event the SR page shows has its own sentence."""

from __future__ import annotations

import pytest

from domain.reference import Kind
from procedures.effects import CmsLine
from services.timeline import REVIEW_DATE_SET, SENTENCES, describe, line

NAMES = {7: "Bob", 8: "Ann"}


def test_a_review_date_change_reads_as_a_sentence_ending_with_who_did_it():
    text = line("sr.updated", {"review_date": None}, {"review_date": "2026-12-02"}, "Demo Caseworker", {})
    assert text == "Review date set for 2 December 2026 by Demo Caseworker"


def test_the_time_is_not_in_the_sentence_where_it_read_as_part_of_the_name():
    """QA, 7 December: "... by Demo Teamleader, 05:01" read as part of the name, and a long sentence cut at the
    table's edge lost it. The time is in SR detail's When column (a moment, in UK time)."""
    assert line("sr.created", None, {}, "Ann", {}) == "Service request created by Ann"


def test_what_no_user_did_is_said_to_be_done_by_the_system():
    assert line("sr.created", None, {}, "system", {}) == "Service request created by the system"


def test_a_reassignment_names_both_owners_and_the_reason():
    text = describe("sr.reassigned", {"owner_id": None}, {"owner_id": 7, "owner": "bob", "reason": "Leave"}, NAMES)
    assert text == "Reassigned from Unallocated to Bob (reason: Leave)"


def test_a_hand_over_names_both_teams_the_owner_it_had_and_the_reason():
    before = {"team_id": 1, "team": "CSA Rules Reassessment Team", "owner_id": 7}
    after = {"team_id": 3, "team": "Specialist Services Support Team", "owner_id": None, "reason": "Court work"}
    assert line("sr.handed_over", before, after, "Demo Teamleader", NAMES) == (
        "Handed over from CSA Rules Reassessment Team, where Bob had it, to Specialist Services Support Team, "
        "unallocated there (reason: Court work) by Demo Teamleader"
    )
    unowned = describe("sr.handed_over", {**before, "owner_id": None}, after, NAMES)
    assert unowned == (
        "Handed over from CSA Rules Reassessment Team to Specialist Services Support Team, unallocated there "
        "(reason: Court work)"
    )


def test_a_deadline_reads_as_a_sentence_with_its_name_and_moment_without_codes():
    """QA found "Deadline set: What: review date; Due: ..." on an SR's timeline."""
    after = {"kind": "second_pv_check", "due_at": "2026-12-02T10:00:00+00:00", "explanation": "48 hours before"}
    assert describe("deadline.set", None, after, {}) == 'Deadline "Second PV check" set for 2 December 2026, 10:00'
    moved = describe(
        "deadline.moved",
        {"due_at": "2027-01-06T17:00:00+00:00", "explanation": "x"},
        {"kind": "representations_end", "due_at": "2027-01-11T17:00:00+00:00", "explanation": "y"},
        {},
    )
    assert moved == (
        'Deadline "End of the time for representations" moved from 6 January 2027, 17:00 to 11 January 2027, 17:00'
    )
    # Events written before a moved deadline's kind was recorded say "A deadline".
    assert describe("deadline.moved", {"due_at": None}, {"due_at": "2027-01-11T17:00:00+00:00"}, {}).startswith(
        "A deadline moved from nothing to 11 January 2027"
    )
    assert describe("deadline.done", None, {"kind": "court_fee_payment"}, {}) == 'Deadline "Pay the court fee" met'


def test_an_sr_update_reads_as_one_sentence_of_what_changed():
    before = {"court": "Bath County Court", "court_fee": None, "hearing_at": "2027-01-06T10:00:00+00:00"}
    after = {"court": "Demo County Court", "court_fee": "108.00", "hearing_at": "2027-01-06T10:00:00+00:00"}
    assert describe("sr.updated", before, after, {}) == (
        "Court changed from Bath County Court to Demo County Court and court fee set to £108.00"
    )
    assert describe("sr.updated", {"cpo_name": "Pat"}, {"cpo_name": None}, {}) == (
        "Court presenting officer cleared (it was Pat)"
    )


def test_a_status_change_says_the_sub_status_and_resolution_code_as_the_cms_panel_gave_them():
    """QA: "Closed (Complete)" gave a Sub Status the seeds do not print as if they did. An exact value is said as the
    panel's line, a suggestion as one, in the panel's words."""
    before = {"status": "In Progress", "sub_status": None, "resolution_code": None, "reason": None}
    after = {"status": "Closed", "sub_status": "Cancelled", "resolution_code": "Failed To Attend", "reason": None}
    in_cms = {
        Kind.SUB_STATUS: CmsLine("Sub Status = Cancelled", source="Published procedure"),
        Kind.RESOLUTION_CODE: CmsLine("Resolution Code: choose the one your team uses", suggestion="Failed To Attend"),
    }
    assert describe("sr.status", before, after, {}, in_cms=in_cms) == (
        "Status changed from In Progress to Closed; in CMS: Sub Status = Cancelled; suggested, not confirmed: "
        "Resolution Code Failed To Attend"
    )


def test_a_status_change_with_no_line_given_never_shows_its_values_as_given():
    before = {"status": "In Progress", "sub_status": None, "resolution_code": None, "reason": None}
    after = {"status": "Closed", "sub_status": "Complete", "resolution_code": "Rerouted", "reason": None}
    assert describe("sr.status", before, after, {}) == (
        "Status changed from In Progress to Closed; suggested, not confirmed: Sub Status Complete, Resolution Code "
        "Rerouted"
    )
    reopened = describe("sr.status", after, {**after, "status": "In Progress", "sub_status": None}, {})
    assert reopened == "Status changed from Closed to In Progress"


def test_a_review_date_and_its_deadline_read_as_one_sentence():
    """QA: setting a review date read as two things ("Review date set ..." and 'Deadline "Review date" set ...')."""
    after = {"review_date": "2026-12-16", "due_at": "2026-12-16T09:00:00+00:00"}
    assert describe(REVIEW_DATE_SET, {"review_date": None}, after, {}) == (
        "Review date set for 16 December 2026 and added to the deadlines (overdue from 09:00 that day)"
    )
    assert describe(REVIEW_DATE_SET, {"review_date": "2026-12-09"}, after, {}) == (
        "Review date changed from 9 December 2026 to 16 December 2026 and added to the deadlines (overdue from 09:00 "
        "that day)"
    )


def test_a_run_step_names_steps_by_title_and_shows_no_answers_codes_or_counts():
    """QA found "Procedure step saved: State set to search_legacy; Effects: 2" on an SR's timeline."""
    text = describe(
        "run.step",
        {"state": "query_received"},
        {"state": "search_legacy", "effects": 2, "answers": {"query_reason": "Complaint"}, "checklist": ["x"]},
        {},
        {"query_received": "A query about a CSA case", "search_legacy": "Search the legacy systems"},
    )
    assert text == 'Step "A query about a CSA case" saved; next step "Search the legacy systems"'


def test_a_run_event_without_known_steps_never_shows_the_step_id():
    assert describe("run.back", {"state": "chase_csa"}, {"state": "call_csa"}, {}) == (
        "Went back a step in the procedure"
    )
    assert describe("run.answers_refused", None, {"state": "call_csa", "fields": ["review_date"]}, {}) == (
        "Answers at a step not saved: some needed correcting"
    )
    assert describe("run.step", {"state": "a_b"}, {"state": "c_d", "effects": 1}, {}) == "Procedure step saved"


def test_a_new_sr_says_its_parent_and_owner_and_leaves_out_its_fields_and_ids():
    after = {
        "number": "1-00000105", "process": "Transition", "area": "Legacy Case Data", "sub_area": "Finalise Case",
        "sub_status": None, "team_id": 1, "owner_id": 8, "parent": "1-00000104",
    }  # fmt: skip
    assert describe("sr.created", None, after, NAMES) == (
        "Service request created under SR 1-00000104, allocated to Ann"
    )


@pytest.mark.parametrize(
    ("action", "before", "after", "expected"),
    [
        (
            "activity.done",
            None,
            {"name": "Access Legacy System", "outcome": "Done"},
            'Activity "Access Legacy System" marked done',
        ),
        (
            "letter.due",
            None,
            {"template_code": "CWGL010", "recipient": "receiving_parent", "status": "due"},
            "Letter CWGL010 to the receiving parent to be produced",
        ),
        (
            "letter.rendered",
            {"status": "due"},
            {"template_code": "CMSL5501", "recipient": "paying_parent", "sha256": "ab"},
            "Letter CMSL5501 to the paying parent produced",
        ),
        (
            "letter.rendered",
            {"status": "due"},
            {"template_code": "CMEL7298", "recipient": "file", "sha256": "ab"},
            "Letter CMEL7298 to the case file produced",
        ),
        ("letter.downloaded", None, {"format": "docx", "sha256": "ab"}, "Letter downloaded as a Word document"),
        (
            "email.queued",
            None,
            {"kind": "cpo_request", "message_id": "<x@y>", "address_not_set": "cpt", "subject": "CPO needed"},
            'Email "CPO needed" prepared (its address is still to be added)',
        ),
        (
            "email.addressed",
            {"to_addrs": []},
            {"to_addrs": ["CPT <cpt@cms.example.org>"], "mailbox": "cpt"},
            "Email addressed to CPT <cpt@cms.example.org>",
        ),
        ("email.downloaded", None, None, "Email downloaded to send by hand"),
        ("email.marked_sent", {"status": "queued"}, {"status": "sent", "via": "by hand"}, "Email marked as sent"),
        (
            "email.failed",
            {"status": "queued"},
            {"status": "failed", "error": "SMTPException: x", "via": "smtp h:25"},
            "Email could not be sent: it waits in the Outbox",
        ),
        (
            "attachment.uploaded",
            None,
            {"kind": "outcome_pdf", "file_name": "outcome.pdf", "size": 4, "sha256": "ab"},
            'File "outcome.pdf" added',
        ),
        (
            "attachment.deleted",
            {"file_name": "lo.zip", "size": 1},
            {"deleted_at": "2026-12-07T02:57:15+00:00", "reason": "All done"},
            'File "lo.zip" removed (All done)',
        ),
        (
            "bundle.created",
            None,
            {"kind": "bundle_zip", "file_name": "lo.zip", "documents": ["a.docx", "b.docx"]},
            'Bundle "lo.zip" of 2 documents made',
        ),
        ("note.sr", None, {"text": "Phoned the court"}, 'Note added: "Phoned the court"'),
        ("note.contact", None, {"text": "Called"}, 'Contact note added: "Called"'),
        (
            "task.raised",
            None,
            {"text": "Phone the court", "assignee_id": 7, "team_id": None},
            'Task raised for Bob: "Phone the court"',
        ),
        (
            "message.raised",
            None,
            {"text": "Allocate", "assignee_id": None, "team_id": 1},
            'Message sent to the team: "Allocate"',
        ),
        (
            "reminder.snoozed",
            None,
            {"until": "2026-12-25T10:00:00+00:00", "reason": "Court confirmed"},
            "Deadline reminder put off until 25 December 2026, 10:00 (Court confirmed)",
        ),
        (
            "run.started",
            None,
            {"procedure": "P1", "version": "1", "sr_refs": {"main": 3}},
            "Procedure P1 (CSA Information Required - Contact Caseworker) started",
        ),
    ],
)
def test_each_kind_of_event_reads_as_its_own_sentence(action, before, after, expected):
    assert describe(action, before, after, NAMES) == expected


def test_no_sentence_shows_a_code_a_field_name_or_a_hash():
    """Every event kind with a sentence, given the fields its events carry: nothing internal gets through."""
    after = {
        "kind": "review_date", "due_at": "2026-12-02T09:00:00+00:00", "state": "search_legacy", "step": "x_y",
        "sha256": "deadbeef", "message_id": "<m@x>", "template_code": "CWGL010", "recipient": "file",
        "sr_refs": {"main": 3}, "answers": {"some_field": 1}, "owner_id": 7, "assignee_id": 7, "error": "Err_x",
    }  # fmt: skip
    for action in SENTENCES:
        text = describe(action, {"state": "a_b"}, after, NAMES)
        for internal in ("_", "deadbeef", "<m@x>", action if "." in action else "_"):
            assert internal not in text, (action, text)
    assert "_" not in describe("unknown.action", None, {"some_field": 1}, {})
