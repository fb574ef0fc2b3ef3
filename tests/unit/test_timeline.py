"""The SR timeline in plain words: no audit codes, field names or ISO timestamps reach the team leader."""

from __future__ import annotations

from datetime import UTC, datetime

from services.timeline import describe, line


def test_a_review_date_change_reads_as_a_sentence_with_the_uk_time():
    at = datetime(2026, 11, 30, 14, 2, tzinfo=UTC)  # GMT in winter: 14:02 UK time
    text = line("sr.updated", {"review_date": None}, {"review_date": "2026-12-02"}, "Demo Caseworker", at, {})
    assert text == "Review date set to 2 December 2026 by Demo Caseworker, 14:02"


def test_a_summer_moment_is_shown_in_british_summer_time():
    at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert line("sr.created", None, {}, "Ann", at, {}) == "Service request created by Ann, 10:30"


def test_a_reassignment_names_both_owners_and_the_reason():
    text = describe("sr.reassigned", {"owner_id": None}, {"owner_id": 7, "owner": "bob", "reason": "Leave"}, {7: "Bob"})
    assert text == "Reassigned from Unallocated to Bob (reason: Leave)"


def test_a_deadline_shows_its_kind_and_moment_without_codes():
    text = describe("deadline.set", None, {"kind": "second_pv_check", "due_at": "2026-12-02T10:00:00+00:00"}, {})
    assert text == "Deadline set: What: second pv check; Due: 2 December 2026, 10:00"
    assert "_" not in describe("unknown.action", None, {"some_field": 1}, {})


def test_a_run_step_names_steps_by_title_and_shows_no_answers_codes_or_counts():
    """QA found "Procedure step saved: State set to search_legacy; Effects: 2" on an SR's timeline."""
    text = describe(
        "run.step",
        {"state": "query_received"},
        {"state": "search_legacy", "effects": 2, "answers": {"query_reason": "Complaint"}, "checklist": ["x"]},
        {},
        {"query_received": "A query about a CSA case", "search_legacy": "Search the legacy systems"},
    )
    assert text == "Procedure step saved: Step set to Search the legacy systems"


def test_a_run_event_without_known_steps_never_shows_the_step_id():
    text = describe("run.back", {"state": "chase_csa"}, {"state": "call_csa"}, {})
    assert text == "Procedure step reopened"  # both steps unknown: nothing to name, and no id instead
    assert describe("run.answers_refused", None, {"state": "call_csa", "fields": ["review_date"]}, {}) == (
        "Procedure answers refused: Step: a step of the procedure"
    )


def test_a_new_srs_empty_fields_and_team_id_are_left_out():
    after = {"number": "1-00000105", "process": "Transition", "sub_status": None, "team_id": 1, "parent": None}
    text = describe("sr.created", None, after, {})
    assert text == "Service request created: SR number: 1-00000105; Process: Transition"
